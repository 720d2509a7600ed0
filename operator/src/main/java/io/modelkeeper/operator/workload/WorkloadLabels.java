package io.modelkeeper.operator.workload;

import io.modelkeeper.api.v1alpha1.ModelDeployment;
import java.util.LinkedHashMap;
import java.util.Map;

/** The labels every object made for a ModelDeployment carries, and the selectors built on them. */
public final class WorkloadLabels {

  public static final String NAME = "app.kubernetes.io/name";
  public static final String INSTANCE = "app.kubernetes.io/instance";
  public static final String VERSION = "app.kubernetes.io/version";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String DEPLOYMENT = "modelkeeper.io/deployment";
  public static final String MODEL_VERSION = "modelkeeper.io/version";
  public static final String ARM = "modelkeeper.io/arm";

  /**
   * The model file's revision (see {@link ModelVersion#revision()}): one version string may hold
   * several.
   */
  public static final String REVISION = "modelkeeper.io/revision";

  public static final String SERVER_NAME = "modelkeeper-model-server";
  public static final String MANAGER = "modelkeeper";

  /** What the operator's informers watch: only what it made. */
  public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + MANAGER;

  private WorkloadLabels() {}

  /** Labels of the Service and of everything shared by all versions. */
  public static Map<String, String> forModel(ModelDeployment md) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(NAME, SERVER_NAME);
    labels.put(INSTANCE, md.getMetadata().getName());
    labels.put(MANAGED_BY, MANAGER);
    labels.put(DEPLOYMENT, md.getMetadata().getName());
    return labels;
  }

  /**
   * Labels of one revision's pods; no arm label, so promoting a canary does not restart its pods.
   */
  public static Map<String, String> forPods(ModelDeployment md, ModelVersion model) {
    Map<String, String> labels = forModel(md);
    labels.put(VERSION, model.version());
    labels.put(MODEL_VERSION, model.version());
    labels.put(REVISION, model.revision());
    return labels;
  }

  /** Labels of one revision's Deployment object. */
  public static Map<String, String> forVersion(ModelDeployment md, ModelVersion model, Arm arm) {
    Map<String, String> labels = forPods(md, model);
    labels.put(ARM, arm.label());
    return labels;
  }

  /** Selects the pods of every version of the model (the Service's selector). */
  public static Map<String, String> modelSelector(ModelDeployment md) {
    Map<String, String> selector = new LinkedHashMap<>();
    selector.put(NAME, SERVER_NAME);
    selector.put(DEPLOYMENT, md.getMetadata().getName());
    return selector;
  }

  /** A selector as text, {@code key=value,key=value}: the form the scale subresource reports. */
  public static String selectorText(Map<String, String> selector) {
    return selector.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(java.util.stream.Collectors.joining(","));
  }

  /** Selects the pods of one revision (a Deployment's selector, immutable once created). */
  public static Map<String, String> versionSelector(ModelDeployment md, ModelVersion model) {
    Map<String, String> selector = modelSelector(md);
    selector.put(MODEL_VERSION, model.version());
    selector.put(REVISION, model.revision());
    return selector;
  }
}

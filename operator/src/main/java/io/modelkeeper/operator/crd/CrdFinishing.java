package io.modelkeeper.operator.crd;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelRetraining;
import io.modelkeeper.api.v1alpha1.RetrainingRun;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finishes the generated CRD where annotations cannot: printer columns in the order users read them
 * (the generator sorts them by name), descriptions of spec and status themselves, which live in the
 * client library's base class, and of the fields of embedded Kubernetes types. Fails when a field
 * is left without a description, so that kubectl explain documents every one. Runs at build (QOSDK)
 * and in the crds/ check.
 */
public class CrdFinishing implements CRDPostProcessor {

  /** The column order of {@code kubectl get md}; F1 to DRIFT show only with {@code -o wide}. */
  public static final List<String> COLUMNS =
      List.of(
          "VERSION",
          "CANARY",
          "STEP",
          "WEIGHT",
          "PHASE",
          "ACCURACY",
          "DECISION",
          "F1",
          "AUC",
          "RMSE",
          "LABELLED",
          "DRIFT",
          "READY",
          "AGE");

  /** The column order of {@code kubectl get mrt}. */
  public static final List<String> RETRAINING_COLUMNS =
      List.of("MODEL", "LAST-RUN", "CANDIDATE", "FAILURES", "NEXT", "READY", "AGE");

  /** The column order of {@code kubectl get mrr}: a run history. */
  public static final List<String> RUN_COLUMNS =
      List.of(
          "TRIGGER",
          "PHASE",
          "TRIALS",
          "ROWS",
          "CANDIDATE",
          "SERVING",
          "BLESSED",
          "VERSION",
          "BEST",
          "AGE");

  private static final ObjectMapper JSON = new ObjectMapper();

  /** What is said of each kind as a whole, and the Java type its schema was generated from. */
  private record Kind(
      Class<?> type, List<String> columns, String description, String spec, String status) {}

  private static final Map<String, Kind> KINDS =
      Map.of(
          HasMetadata.getKind(ModelDeployment.class),
          new Kind(
              ModelDeployment.class,
              COLUMNS,
              "A machine-learning model served on Kubernetes: ModelKeeper runs its model-server"
                  + " pods, watches their serving and quality metrics and rolls new versions out.",
              "What to serve and how: the model, its serving pods, monitoring and rollout.",
              "What the operator observed and decided. Written only by the operator."),
          HasMetadata.getKind(ModelRetraining.class),
          new Kind(
              ModelRetraining.class,
              RETRAINING_COLUMNS,
              "Continuous training of a ModelDeployment's model: triggers, guards, the dataset,"
                  + " the training Job, the blessing and the hand-off of a blessed candidate.",
              "What to retrain, on which rows, when, and how a candidate is judged.",
              "Runs, guards and the blessed candidate. Written only by the operator."),
          HasMetadata.getKind(RetrainingRun.class),
          new Kind(
              RetrainingRun.class,
              RUN_COLUMNS,
              "One attempt at retraining, owned by its ModelRetraining; create one to retrain"
                  + " now.",
              "Which ModelRetraining, and what started the run.",
              "The run's story: phase, rows, jobs, metrics, blessing and version. Written only"
                  + " by the operator."));

  @Override
  public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
    if (!(crd instanceof CustomResourceDefinition definition)) {
      return crd;
    }
    // A kind of no API type (the tests' own) is finished like a ModelDeployment, minus the type.
    Kind kind =
        KINDS.getOrDefault(
            definition.getSpec().getNames().getKind(),
            KINDS.get(HasMetadata.getKind(ModelDeployment.class)));
    boolean ours = KINDS.containsKey(definition.getSpec().getNames().getKind());
    for (CustomResourceDefinitionVersion version : definition.getSpec().getVersions()) {
      List<CustomResourceColumnDefinition> columns = version.getAdditionalPrinterColumns();
      if (columns != null) {
        columns.sort(Comparator.comparingInt(c -> position(kind.columns(), c.getName())));
      }
      JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
      root.setDescription(kind.description());
      describe(root, "spec", kind.spec());
      describe(root, "status", kind.status());
      List<String> undocumented = new ArrayList<>();
      describeFields(root, ours ? JSON.constructType(kind.type()) : null, "", undocumented);
      if (!undocumented.isEmpty()) {
        throw new IllegalStateException(
            "CRD fields without a description, which kubectl explain would show"
                + " blank: "
                + undocumented
                + ". Give each field of our API types a @JsonPropertyDescription;"
                + " for a field of an embedded Kubernetes type, add it to KubernetesFieldDescriptions.");
      }
    }
    return crd;
  }

  private static int position(List<String> order, String column) {
    int index = order.indexOf(column);
    return index < 0 ? order.size() : index;
  }

  /**
   * Walks the schema along the Java type it was generated from: a property without a description
   * takes the one for its (type, field) from KubernetesFieldDescriptions, or is listed as
   * undocumented.
   */
  private static void describeFields(
      JSONSchemaProps schema, JavaType type, String path, List<String> undocumented) {
    if (schema == null || schema.getProperties() == null) {
      return;
    }
    Map<String, JavaType> fieldTypes = fieldTypes(type);
    schema
        .getProperties()
        .forEach(
            (name, property) -> {
              String field = path + "." + name;
              if (property.getDescription() == null) {
                String description =
                    type == null
                        ? null
                        : KubernetesFieldDescriptions.of(type.getRawClass().getSimpleName(), name);
                if (description == null) {
                  undocumented.add(field);
                } else {
                  property.setDescription(description);
                }
              }
              JavaType fieldType = fieldTypes.get(name);
              describeFields(property, fieldType, field, undocumented);
              JavaType elementType = fieldType == null ? null : fieldType.getContentType();
              if (property.getItems() != null) {
                describeFields(
                    property.getItems().getSchema(), elementType, field + "[]", undocumented);
              }
              if (property.getAdditionalProperties() != null) {
                describeFields(
                    property.getAdditionalProperties().getSchema(),
                    elementType,
                    field + "{}",
                    undocumented);
              }
            });
  }

  /**
   * The JSON fields of a Java type, as the CRD generator sees them through Jackson, with their
   * types.
   */
  private static Map<String, JavaType> fieldTypes(JavaType type) {
    Map<String, JavaType> types = new HashMap<>();
    if (type != null) {
      for (BeanPropertyDefinition property :
          JSON.getSerializationConfig().introspect(type).findProperties()) {
        types.put(property.getName(), property.getPrimaryType());
      }
    }
    return types;
  }

  private static void describe(JSONSchemaProps root, String property, String description) {
    JSONSchemaProps props =
        root.getProperties() == null ? null : root.getProperties().get(property);
    if (props != null) {
      props.setDescription(description);
    }
  }
}

package io.modelkeeper.operator.workload;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Map;

/**
 * Deployments made by releases before revisions: named {@code <md>-<version>}, selecting their pods
 * by version only, and without the revision label on their pods. They are adopted as the revision
 * status says runs under that version, keeping their name, selector and pod template, so an
 * operator upgrade restarts no pod and starts no canary.
 */
public final class EarlierReleases {

  private EarlierReleases() {}

  /** True for a Deployment whose pods are selected by version only. */
  public static boolean isUnrevisioned(Deployment deployment) {
    var selector =
        deployment.getSpec() == null || deployment.getSpec().getSelector() == null
            ? null
            : deployment.getSpec().getSelector().getMatchLabels();
    return selector == null || !selector.containsKey(WorkloadLabels.REVISION);
  }

  /** True for an object (pod or Deployment) that carries no revision label. */
  public static boolean lacksRevision(HasMetadata resource) {
    Map<String, String> labels = resource.getMetadata().getLabels();
    return labels == null || !labels.containsKey(WorkloadLabels.REVISION);
  }

  /**
   * The wanted Deployment in the shape of the one that runs: the same name and the same (immutable)
   * selector, and pods labelled as they are now, so only what the spec changed is updated. The
   * Deployment object itself gets the revision label, so it is known from then on.
   */
  public static Deployment adopt(Deployment desired, Deployment actual) {
    desired.getMetadata().setName(actual.getMetadata().getName());
    if (isUnrevisioned(actual)) {
      desired.getSpec().setSelector(actual.getSpec().getSelector());
      desired.getSpec().getTemplate().getMetadata().getLabels().remove(WorkloadLabels.REVISION);
    }
    return desired;
  }
}

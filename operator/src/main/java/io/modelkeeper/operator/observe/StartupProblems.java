package io.modelkeeper.operator.observe;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.modelkeeper.api.v1alpha1.Conditions;
import io.modelkeeper.operator.workload.ModelVersion;
import io.modelkeeper.operator.workload.Redaction;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Why pods of a version never start, beyond the model and the image: a container configuration the
 * kubelet cannot build, a volume it cannot mount, no node with room or a matching label.
 */
final class StartupProblems {

  private StartupProblems() {}

  /**
   * A Secret or ConfigMap the pod names is missing, or a key in it (CreateContainerConfigError).
   */
  static Optional<WorkloadProblem> containerConfig(
      ModelVersion model, Stream<ContainerStatus> all) {
    return all.filter(
            s ->
                s.getState() != null
                    && s.getState().getWaiting() != null
                    && "CreateContainerConfigError".equals(s.getState().getWaiting().getReason()))
        .findFirst()
        .map(
            s ->
                new WorkloadProblem(
                    Conditions.REASON_CONTAINER_CONFIG_ERROR,
                    "Version "
                        + model.version()
                        + " cannot start container "
                        + s.getName()
                        + ": "
                        + message(s.getState().getWaiting().getMessage())
                        + ". Check the Secrets and ConfigMaps that spec.serving names exist in"
                        + " this namespace with the keys it uses."));
  }

  /** The kubelet reports it cannot mount a volume (FailedMount / FailedAttachVolume events). */
  static Optional<WorkloadProblem> volumeMount(ModelVersion model, List<Event> podEvents) {
    return podEvents.stream()
        .filter(e -> PodEvents.MOUNT_FAILURES.contains(e.getReason()))
        .findFirst()
        .map(
            e ->
                new WorkloadProblem(
                    Conditions.REASON_VOLUME_MOUNT_FAILED,
                    "Version "
                        + model.version()
                        + " cannot mount a volume of pod "
                        + e.getInvolvedObject().getName()
                        + ": "
                        + Redaction.text(message(e.getMessage()))
                        + (model.uri().startsWith("pvc://")
                            ? ". Check that the claim spec.model.uri names ("
                                + Redaction.uri(model.uri())
                                + ") exists in this namespace and can be mounted read-only."
                            : ". Check the volumes spec.serving asks for.")));
  }

  /**
   * No node can take the pod for a reason other than GPUs: CPU or memory (spec.serving.resources),
   * labels and taints (spec.serving.nodeSelector, affinity, tolerations), or a claim that does not
   * exist or is not bound ({@code persistentvolumeclaim "x" not found}).
   */
  static Optional<WorkloadProblem> unschedulable(ModelVersion model, List<Pod> pods) {
    return pods.stream()
        .filter(p -> p.getStatus() != null && p.getStatus().getConditions() != null)
        .flatMap(p -> p.getStatus().getConditions().stream())
        .filter(
            c ->
                "PodScheduled".equals(c.getType())
                    && "False".equals(c.getStatus())
                    && "Unschedulable".equals(c.getReason()))
        .findFirst()
        .map(c -> new WorkloadProblem(Conditions.REASON_UNSCHEDULABLE, unschedulable(model, c)));
  }

  private static String unschedulable(ModelVersion model, PodCondition condition) {
    String why = message(condition.getMessage());
    String field =
        why.contains("persistentvolumeclaim")
            ? "Create the claim the model or the dataset is read from (spec.model.uri pvc://<claim>/..."
                + " or the ModelRetraining's dataset.claimName), or bind it."
            : why.contains("Insufficient cpu") || why.contains("Insufficient memory")
                ? "Lower spec.serving.resources requests, or add nodes with room."
                : "Check spec.serving.nodeSelector, affinity and tolerations against the nodes' labels"
                    + " and taints.";
    return "Version " + model.version() + " cannot be scheduled: " + why + ". " + field;
  }

  private static String message(String text) {
    return text == null || text.isBlank() ? "no detail given" : text.strip();
  }
}

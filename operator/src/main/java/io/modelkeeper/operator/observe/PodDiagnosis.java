package io.modelkeeper.operator.observe;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.modelkeeper.api.v1alpha1.Conditions;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.operator.workload.ModelServerDeployment;
import io.modelkeeper.operator.workload.ModelVersion;
import io.modelkeeper.operator.workload.Redaction;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Reads the pods of one model version and tells which spec field, if any, keeps them from serving.
 */
public final class PodDiagnosis {

  private static final Set<String> IMAGE_PULL_REASONS =
      Set.of("ImagePullBackOff", "ErrImagePull", "InvalidImageName");

  private PodDiagnosis() {}

  /** The first problem found in the pods, in order: fetch, image, crash loop, scheduling. */
  public static Optional<WorkloadProblem> diagnose(
      ModelDeployment md, ModelVersion model, List<Pod> pods, String gpuResourceName) {
    return diagnose(md, model, pods, gpuResourceName, List.of());
  }

  /**
   * The same, with the Events of pods stuck before starting ({@link PodEvents}): fetch, image,
   * container configuration, volume mounts, crash loop, GPUs, other scheduling.
   */
  public static Optional<WorkloadProblem> diagnose(
      ModelDeployment md,
      ModelVersion model,
      List<Pod> pods,
      String gpuResourceName,
      List<Event> podEvents) {
    List<String> names = pods.stream().map(p -> p.getMetadata().getName()).toList();
    List<Event> ofThesePods =
        podEvents.stream().filter(e -> names.contains(e.getInvolvedObject().getName())).toList();
    return firstPresent(
        () -> fetchFailure(model, pods),
        () -> imagePullFailure(md, model, pods),
        () ->
            StartupProblems.containerConfig(
                model, Stream.concat(initStatuses(pods), containerStatuses(pods))),
        () -> StartupProblems.volumeMount(model, ofThesePods),
        () -> crashLoop(model, pods),
        () -> gpuShortage(md, model, pods, gpuResourceName),
        () -> StartupProblems.unschedulable(model, pods));
  }

  private static Optional<WorkloadProblem> fetchFailure(ModelVersion model, List<Pod> pods) {
    return initStatuses(pods)
        .filter(s -> ModelServerDeployment.FETCH_CONTAINER.equals(s.getName()))
        .map(PodDiagnosis::failedTermination)
        .flatMap(Optional::stream)
        .findFirst()
        .map(
            terminated ->
                new WorkloadProblem(
                    Conditions.REASON_MODEL_FETCH_FAILED,
                    "Version "
                        + model.version()
                        + " cannot fetch its model: "
                        + Redaction.text(describe(terminated))
                        + ". Check that spec.model.uri ("
                        + Redaction.uri(model.uri())
                        + ") is reachable from the cluster"
                        + (model.sha256() != null
                            ? " and that spec.model.sha256 matches the file"
                            : "")
                        + "."));
  }

  private static Optional<WorkloadProblem> imagePullFailure(
      ModelDeployment md, ModelVersion model, List<Pod> pods) {
    return Stream.concat(initStatuses(pods), containerStatuses(pods))
        .filter(
            s ->
                s.getState() != null
                    && s.getState().getWaiting() != null
                    && IMAGE_PULL_REASONS.contains(s.getState().getWaiting().getReason()))
        .findFirst()
        .map(
            s ->
                new WorkloadProblem(
                    Conditions.REASON_IMAGE_PULL_FAILED,
                    "Version "
                        + model.version()
                        + " cannot pull image "
                        + s.getImage()
                        + " ("
                        + s.getState().getWaiting().getReason()
                        + orEmpty(s.getState().getWaiting().getMessage())
                        + "). Check spec.serving.image"
                        + (md.getSpec().getServing().getImage() == null
                            ? " (unset, so the operator's modelkeeper.model-server.image is used)"
                            : "")
                        + " and the image pull secrets."));
  }

  private static Optional<WorkloadProblem> crashLoop(ModelVersion model, List<Pod> pods) {
    return containerStatuses(pods)
        .filter(s -> ModelServerDeployment.SERVER_CONTAINER.equals(s.getName()))
        .filter(
            s ->
                s.getState() != null
                    && s.getState().getWaiting() != null
                    && "CrashLoopBackOff".equals(s.getState().getWaiting().getReason()))
        .findFirst()
        .map(
            s ->
                new WorkloadProblem(
                    Conditions.REASON_CRASH_LOOPING,
                    "Version "
                        + model.version()
                        + " keeps crashing ("
                        + s.getRestartCount()
                        + " restarts"
                        + lastExit(s)
                        + "). Check that spec.model.uri points to a valid ONNX model"
                        + " and that spec.serving.resources gives it enough memory."));
  }

  private static Optional<WorkloadProblem> gpuShortage(
      ModelDeployment md, ModelVersion model, List<Pod> pods, String gpuResourceName) {
    return pods.stream()
        .filter(p -> p.getStatus() != null && p.getStatus().getConditions() != null)
        .flatMap(p -> p.getStatus().getConditions().stream())
        .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()))
        .filter(
            c ->
                c.getMessage() != null
                    && c.getMessage().contains("Insufficient " + gpuResourceName))
        .findFirst()
        .map(
            c ->
                new WorkloadProblem(
                    Conditions.REASON_GPU_UNSCHEDULABLE,
                    "Version "
                        + model.version()
                        + " cannot be scheduled: no node has "
                        + md.getSpec().getServing().getGpus()
                        + " free "
                        + gpuResourceName
                        + " ("
                        + c.getMessage()
                        + "). Lower spec.serving.gpus, use gpus: 0 for CPU,"
                        + " or add GPU nodes."));
  }

  /**
   * The failed run of a container: the current state, or the last one while it waits to restart.
   */
  private static Optional<ContainerStateTerminated> failedTermination(ContainerStatus status) {
    return Stream.of(status.getState(), status.getLastState())
        .filter(state -> state != null)
        .map(ContainerState::getTerminated)
        .filter(t -> t != null && t.getExitCode() != null && t.getExitCode() != 0)
        .findFirst();
  }

  private static String describe(ContainerStateTerminated terminated) {
    String message = terminated.getMessage();
    if (message != null && !message.isBlank()) {
      return message.strip();
    }
    return "the fetch-model container exited with code "
        + terminated.getExitCode()
        + orEmpty(terminated.getReason());
  }

  private static String lastExit(ContainerStatus status) {
    return failedTermination(status)
        .map(
            t ->
                ", last exit code "
                    + t.getExitCode()
                    + orEmpty(t.getMessage() != null ? t.getMessage().strip() : t.getReason()))
        .orElse("");
  }

  private static Stream<ContainerStatus> initStatuses(List<Pod> pods) {
    return pods.stream()
        .filter(p -> p.getStatus() != null && p.getStatus().getInitContainerStatuses() != null)
        .flatMap(p -> p.getStatus().getInitContainerStatuses().stream());
  }

  private static Stream<ContainerStatus> containerStatuses(List<Pod> pods) {
    return pods.stream()
        .filter(p -> p.getStatus() != null && p.getStatus().getContainerStatuses() != null)
        .flatMap(p -> p.getStatus().getContainerStatuses().stream());
  }

  private static String orEmpty(String detail) {
    return detail == null || detail.isBlank() ? "" : ": " + detail;
  }

  @SafeVarargs
  private static Optional<WorkloadProblem> firstPresent(
      Supplier<Optional<WorkloadProblem>>... checks) {
    for (var check : checks) {
      Optional<WorkloadProblem> problem = check.get();
      if (problem.isPresent()) {
        return problem;
      }
    }
    return Optional.empty();
  }
}

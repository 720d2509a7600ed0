package io.modelkeeper.operator.retraining;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a Job's pods say: which pod speaks for the Job (worker 0 of an Indexed Job, the latest pod
 * otherwise) and the termination message of its trainer container.
 */
public final class PodReport {

  static final String COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";

  /** A termination message longer than this is cut: the status keeps a short story. */
  static final int MAX_MESSAGE = 1024;

  private PodReport() {}

  /**
   * The pod whose result is the Job's: among worker 0's pods (every pod when the Job is not
   * Indexed), a Succeeded one first, then the newest.
   */
  public static Optional<Pod> speaker(List<Pod> pods) {
    return pods.stream()
        .filter(PodReport::isWorkerZero)
        .max(
            Comparator.comparing((Pod p) -> "Succeeded".equals(phase(p)))
                .thenComparing(
                    p -> Objects.requireNonNullElse(p.getMetadata().getCreationTimestamp(), "")));
  }

  private static boolean isWorkerZero(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    String index = labels == null ? null : labels.get(COMPLETION_INDEX);
    if (index == null && annotations != null) {
      index = annotations.get(COMPLETION_INDEX);
    }
    return index == null || "0".equals(index);
  }

  /** The container the operator reads: the one named trainer, or the first. */
  public static String trainerContainer(Pod pod) {
    var containers = pod.getSpec() == null ? null : pod.getSpec().getContainers();
    if (containers == null || containers.isEmpty()) {
      return TrainingJobs.TRAINER_CONTAINER;
    }
    return containers.stream()
        .map(c -> c.getName())
        .filter(TrainingJobs.TRAINER_CONTAINER::equals)
        .findFirst()
        .orElse(containers.get(0).getName());
  }

  /**
   * The trainer container's termination message, if it terminated with one; else that of an init
   * container that failed (a fetch of the dataset or a model), since then the trainer never ran.
   */
  public static Optional<String> terminationMessage(Pod pod) {
    if (pod.getStatus() == null) {
      return Optional.empty();
    }
    String trainer = trainerContainer(pod);
    Optional<String> own =
        Objects.requireNonNullElse(
                pod.getStatus().getContainerStatuses(), List.<ContainerStatus>of())
            .stream()
            .filter(s -> trainer.equals(s.getName()))
            .map(ContainerStatus::getState)
            .filter(s -> s != null && s.getTerminated() != null)
            .map(s -> s.getTerminated().getMessage())
            .filter(m -> m != null && !m.isBlank())
            .findFirst();
    if (own.isPresent()) {
      return own.map(String::strip);
    }
    return Objects.requireNonNullElse(
            pod.getStatus().getInitContainerStatuses(), List.<ContainerStatus>of())
        .stream()
        .map(ContainerStatus::getState)
        .filter(s -> s != null && s.getTerminated() != null)
        .filter(s -> !Integer.valueOf(0).equals(s.getTerminated().getExitCode()))
        .map(s -> s.getTerminated().getMessage())
        .filter(m -> m != null && !m.isBlank())
        .findFirst()
        .map(String::strip);
  }

  /** A message cut to what a status keeps. */
  public static String shortened(String message) {
    return message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE) + "…";
  }

  private static String phase(Pod pod) {
    return pod.getStatus() == null ? null : pod.getStatus().getPhase();
  }
}

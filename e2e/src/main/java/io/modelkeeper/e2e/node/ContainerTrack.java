package io.modelkeeper.e2e.node;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import java.time.Duration;
import java.time.Instant;

/**
 * What the local kubelet knows of one container of a pod: its state, last state, restarts and
 * readiness.
 */
final class ContainerTrack {

  private static final Duration FIRST_BACK_OFF = Duration.ofSeconds(10);
  private static final Duration MAX_BACK_OFF = Duration.ofMinutes(5);

  final Container spec;
  final boolean init;
  ContainerProcess process;
  ContainerState state;
  ContainerState lastState;
  int restarts;
  boolean ready;
  boolean live;
  int livenessFailures;
  Instant restartAt;
  Instant nextLivenessProbe = Instant.EPOCH;

  /** Ended for good: the pod's restart policy does not start it again. */
  boolean finished;

  private Duration backOff = FIRST_BACK_OFF;

  ContainerTrack(Container spec, boolean init) {
    this.spec = spec;
    this.init = init;
    this.state = waiting(init ? "PodInitializing" : "ContainerCreating", null);
  }

  void running(ContainerProcess started) {
    process = started;
    state =
        new ContainerStateBuilder()
            .withNewRunning()
            .withStartedAt(started.startedAt().toString())
            .endRunning()
            .build();
    live = false;
    livenessFailures = 0;
  }

  /**
   * Records an exit; a failure is kept as the last state and the next start waits out the back-off.
   */
  void exited(int exitCode, String message) {
    exited(exitCode, exitCode == 0 ? "Completed" : "Error", message);
  }

  /**
   * As {@link #exited(int, String)}, with the runtime's reason (StartError for a start failure).
   */
  void exited(int exitCode, String reason, String message) {
    boolean failed = exitCode != 0;
    String startedAt = state.getRunning() != null ? state.getRunning().getStartedAt() : null;
    state =
        new ContainerStateBuilder()
            .withNewTerminated()
            .withExitCode(exitCode)
            .withReason(reason)
            .withMessage(message == null || message.isBlank() ? null : message)
            .withStartedAt(startedAt)
            .withFinishedAt(Instant.now().toString())
            .endTerminated()
            .build();
    process = null;
    ready = false;
    if (failed) {
      restartAt = Instant.now().plus(backOff);
      backOff =
          backOff.multipliedBy(2).compareTo(MAX_BACK_OFF) > 0
              ? MAX_BACK_OFF
              : backOff.multipliedBy(2);
    }
  }

  /** After a failed run the container waits in CrashLoopBackOff, its failure kept as lastState. */
  void backingOff() {
    lastState = state;
    restarts++;
    state =
        waiting(
            "CrashLoopBackOff",
            "back-off restarting failed container " + spec.getName() + " until " + restartAt);
  }

  /** The restart policy does not start it again: the terminated state stays. */
  void finish() {
    finished = true;
    restartAt = null;
  }

  void imagePullFailed(boolean firstAttempt, String message) {
    state = waiting(firstAttempt ? "ErrImagePull" : "ImagePullBackOff", message);
  }

  /** The container cannot be created (a missing ConfigMap or Secret key…); tried again later. */
  void configError(String message) {
    state = waiting("CreateContainerConfigError", message);
    restartAt = Instant.now().plus(FIRST_BACK_OFF);
  }

  /** The container never started and never will: the pod ended first. */
  boolean neverStarted() {
    return state.getWaiting() != null;
  }

  boolean completed() {
    return state.getTerminated() != null && state.getTerminated().getExitCode() == 0;
  }

  ContainerStatus status() {
    return new ContainerStatusBuilder()
        .withName(spec.getName())
        .withImage(spec.getImage())
        .withImageID("")
        .withContainerID(process != null ? "local://" + process.pid() : null)
        .withReady(ready)
        .withStarted(process != null)
        .withRestartCount(restarts)
        .withState(state)
        .withLastState(lastState == null ? new ContainerState() : lastState)
        .build();
  }

  private static ContainerState waiting(String reason, String message) {
    return new ContainerStateBuilder()
        .withNewWaiting()
        .withReason(reason)
        .withMessage(message)
        .endWaiting()
        .build();
  }
}

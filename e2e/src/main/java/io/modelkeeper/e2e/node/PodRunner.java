package io.modelkeeper.e2e.node;

import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The local kubelet for one pod: runs its init containers in order, then its containers as local
 * processes, probes them over HTTP on the pod's address, restarts failures with back-off and writes
 * what it sees into the pod's status.
 */
final class PodRunner implements Runnable {

  private static final Logger LOG = Logger.getLogger(PodRunner.class.getName());
  private static final Duration TICK = Duration.ofMillis(500);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  /** What SIGTERM gets when the preStop hook took the whole grace period, as the kubelet gives. */
  private static final Duration MIN_TERM_GRACE = Duration.ofSeconds(2);

  private final KubernetesClient client;
  private final PodContext pod;
  private final List<ContainerTrack> initContainers = new ArrayList<>();
  private final List<ContainerTrack> containers = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private final Instant startTime = Instant.now();
  private volatile boolean stopping;
  private boolean initialized;
  private String published = "";

  PodRunner(KubernetesClient client, PodContext pod) {
    this.client = client;
    this.pod = pod;
    var spec = pod.pod().getSpec();
    if (spec.getInitContainers() != null) {
      spec.getInitContainers().forEach(c -> initContainers.add(new ContainerTrack(c, true)));
    }
    spec.getContainers().forEach(c -> containers.add(new ContainerTrack(c, false)));
  }

  String ip() {
    return pod.ip();
  }

  /** Asks the runner to stop its processes and return; {@link #run} does the stopping. */
  void stop() {
    stopping = true;
  }

  @Override
  public void run() {
    try {
      event(
          "Normal",
          "Scheduled",
          "Successfully assigned "
              + pod.pod().getMetadata().getNamespace()
              + "/"
              + pod.name()
              + " to local-node");
      publish();
      if (runInitContainers()) {
        initialized = true;
        while (!stopping) {
          containers.forEach(this::supervise);
          publish();
          Thread.sleep(TICK.toMillis());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "pod " + pod.name() + " stopped running", e);
    } finally {
      stopContainers();
    }
  }

  /**
   * Stops the pod's containers as the kubelet does when a pod is deleted: their {@code preStop}
   * sleep first, while they keep serving the callers that have not yet seen the pod go, then
   * SIGTERM and SIGKILL after what is left of the grace period (at least {@link #MIN_TERM_GRACE}).
   * The containers' hooks run side by side, so the longest sleep is the one waited out.
   */
  private void stopContainers() {
    long preStopMillis = 0;
    for (ContainerTrack track : containers) {
      if (track.process != null && track.process.alive()) {
        preStopMillis = Math.max(preStopMillis, preStopSleep(track).toMillis());
      }
    }
    preStopMillis = Math.min(preStopMillis, STOP_GRACE.toMillis());
    try {
      Thread.sleep(preStopMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Duration termGrace = STOP_GRACE.minusMillis(preStopMillis);
    if (termGrace.compareTo(MIN_TERM_GRACE) < 0) {
      termGrace = MIN_TERM_GRACE;
    }
    for (ContainerTrack track : containers) {
      if (track.process != null) {
        track.process.stop(termGrace);
      }
    }
  }

  /** The container's {@code lifecycle.preStop.sleep}, zero without one. */
  private static Duration preStopSleep(ContainerTrack track) {
    var lifecycle = track.spec.getLifecycle();
    if (lifecycle == null
        || lifecycle.getPreStop() == null
        || lifecycle.getPreStop().getSleep() == null
        || lifecycle.getPreStop().getSleep().getSeconds() == null) {
      return Duration.ZERO;
    }
    return Duration.ofSeconds(Math.max(0, lifecycle.getPreStop().getSleep().getSeconds()));
  }

  /** Runs each init container to success; false when the pod was stopped first. */
  private boolean runInitContainers() throws InterruptedException {
    for (ContainerTrack track : initContainers) {
      if (!ContainerProcess.canRun(track.spec.getImage())) {
        waitForeverOnImage(track);
        return false;
      }
      while (!track.completed()) {
        if (stopping) {
          return false;
        }
        if (!startOrFail(track)) {
          continue;
        }
        publish();
        ContainerProcess process = track.process;
        while (process.alive() && !stopping) {
          Thread.sleep(200);
        }
        if (stopping) {
          process.stop(STOP_GRACE);
          return false;
        }
        int exitCode = process.waitFor();
        track.exited(exitCode, terminationMessage(track, process));
        publish();
        if (exitCode != 0) {
          event(
              "Warning",
              "BackOff",
              "Back-off restarting failed container "
                  + track.spec.getName()
                  + " in pod "
                  + pod.name()
                  + " (exit code "
                  + exitCode
                  + ")");
          // Shown as terminated with its message for a moment, then as CrashLoopBackOff.
          Thread.sleep(2000);
          track.backingOff();
          publish();
          sleepUntil(track.restartAt);
        }
      }
    }
    return true;
  }

  private void supervise(ContainerTrack track) {
    if (!ContainerProcess.canRun(track.spec.getImage())) {
      if (track.state.getWaiting() == null
          || "ContainerCreating".equals(track.state.getWaiting().getReason())) {
        pullFailed(track);
      }
      track.imagePullFailed(
          track.state.getWaiting() != null
              && "ContainerCreating".equals(track.state.getWaiting().getReason()));
      return;
    }
    if (track.process == null) {
      if (track.state.getTerminated() != null && track.restartAt != null) {
        track.backingOff();
      }
      if (track.restartAt == null || Instant.now().isAfter(track.restartAt)) {
        startOrFail(track);
      }
      return;
    }
    if (!track.process.alive()) {
      ContainerProcess process = track.process;
      int exitCode;
      try {
        exitCode = process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      track.exited(exitCode == 0 ? 0 : exitCode, terminationMessage(track, process));
      event(
          "Warning",
          "BackOff",
          "Back-off restarting failed container "
              + track.spec.getName()
              + " in pod "
              + pod.name()
              + " (exit code "
              + exitCode
              + ")");
      if (exitCode == 0) {
        // restartPolicy Always: a clean exit is restarted too, after the same back-off.
        track.restartAt = Instant.now().plus(Duration.ofSeconds(10));
      }
      return;
    }
    track.ready = probe(track, track.spec.getReadinessProbe());
    checkLiveness(track);
  }

  private void checkLiveness(ContainerTrack track) {
    Probe liveness = track.spec.getLivenessProbe();
    if (liveness == null || Instant.now().isBefore(track.nextLivenessProbe)) {
      return;
    }
    int period = liveness.getPeriodSeconds() == null ? 10 : liveness.getPeriodSeconds();
    track.nextLivenessProbe = Instant.now().plusSeconds(track.live ? period : 1);
    boolean ok = probe(track, liveness);
    if (ok) {
      track.live = true;
      track.livenessFailures = 0;
      return;
    }
    Probe startup = track.spec.getStartupProbe();
    long startupLimit =
        startup == null
            ? 300
            : (long) orDefault(startup.getPeriodSeconds(), 10)
                * orDefault(startup.getFailureThreshold(), 3);
    boolean startupOver =
        Duration.between(track.process.startedAt(), Instant.now()).getSeconds() > startupLimit;
    if (track.live) {
      track.livenessFailures++;
    }
    if ((track.live && track.livenessFailures >= orDefault(liveness.getFailureThreshold(), 3))
        || (!track.live && startupOver)) {
      LOG.info(
          () ->
              "pod "
                  + pod.name()
                  + ": container "
                  + track.spec.getName()
                  + " failed its liveness probe");
      track.process.stop(STOP_GRACE);
    }
  }

  private boolean probe(ContainerTrack track, Probe probe) {
    HTTPGetAction get = probe == null ? null : probe.getHttpGet();
    if (get == null) {
      // No HTTP probe: a running container counts as ready, as the kubelet does.
      return true;
    }
    int port = pod.probePort(track.spec, get.getPort());
    try {
      HttpResponse<Void> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://" + pod.ip() + ":" + port + get.getPath()))
                  .timeout(Duration.ofSeconds(orDefault(probe.getTimeoutSeconds(), 1)))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return response.statusCode() >= 200 && response.statusCode() < 400;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private boolean startOrFail(ContainerTrack track) {
    try {
      track.running(ContainerProcess.start(track.spec, track.init, pod));
      event("Normal", "Started", "Started container " + track.spec.getName());
      return true;
    } catch (IOException e) {
      track.exited(128, "cannot start " + track.spec.getName() + ": " + e.getMessage());
      track.backingOff();
      return false;
    }
  }

  private static String terminationMessage(ContainerTrack track, ContainerProcess process) {
    // FallbackToLogsOnError: the log's tail (here its last stderr line) when the container failed.
    return "FallbackToLogsOnError".equals(track.spec.getTerminationMessagePolicy())
        ? process.lastErrorLine()
        : "";
  }

  private void waitForeverOnImage(ContainerTrack track) throws InterruptedException {
    pullFailed(track);
    track.imagePullFailed(true);
    publish();
    Thread.sleep(2000);
    track.imagePullFailed(false);
    while (!stopping) {
      publish();
      Thread.sleep(TICK.toMillis());
    }
  }

  private void pullFailed(ContainerTrack track) {
    event(
        "Warning",
        "Failed",
        "Failed to pull image \""
            + track.spec.getImage()
            + "\": the local node runs only images whose repository ends in model-server");
  }

  private void event(String type, String reason, String message) {
    if (!stopping) {
      NodeEvents.record(client, pod.pod(), "kubelet", type, reason, message);
    }
  }

  private void sleepUntil(Instant when) throws InterruptedException {
    while (!stopping && Instant.now().isBefore(when)) {
      Thread.sleep(200);
    }
  }

  private void publish() {
    PodStatus status = status();
    String json = Serialization.asJson(status);
    if (json.equals(published) || stopping) {
      return;
    }
    try {
      client
          .pods()
          .inNamespace(pod.pod().getMetadata().getNamespace())
          .withName(pod.name())
          .subresource("status")
          .patch(
              PatchContext.of(PatchType.JSON),
              Serialization.asJson(
                  List.of(Map.of("op", "add", "path", "/status", "value", status))));
      published = json;
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        LOG.log(Level.FINE, "cannot write the status of pod " + pod.name(), e);
      }
    }
  }

  private PodStatus status() {
    boolean running =
        initialized && containers.stream().anyMatch(t -> t.process != null || t.restarts > 0);
    boolean ready = initialized && containers.stream().allMatch(t -> t.ready);
    List<PodCondition> conditions =
        List.of(
            condition("PodScheduled", true),
            condition("Initialized", initialized),
            condition("ContainersReady", ready),
            condition("Ready", ready));
    return new PodStatusBuilder()
        .withPhase(running ? "Running" : "Pending")
        .withPodIP(pod.ip())
        .withPodIPs(new io.fabric8.kubernetes.api.model.PodIP(pod.ip()))
        .withHostIP("127.0.0.1")
        .withStartTime(startTime.toString())
        .withConditions(conditions)
        .withInitContainerStatuses(initContainers.stream().map(ContainerTrack::status).toList())
        .withContainerStatuses(containers.stream().map(ContainerTrack::status).toList())
        .build();
  }

  private PodCondition condition(String type, boolean status) {
    // The transition time is the pod's start: only the kubelet's own view matters to clients here.
    return new PodConditionBuilder()
        .withType(type)
        .withStatus(status ? "True" : "False")
        .withLastTransitionTime(startTime.toString())
        .build();
  }

  private static int orDefault(Integer value, int fallback) {
    return value == null ? fallback : value;
  }
}

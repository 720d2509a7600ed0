package io.modelkeeper.e2e.node;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The local kubelet for one pod: waits for the claims it mounts, runs its init containers in order,
 * then its containers as local processes, probes them over HTTP on the pod's address, restarts them
 * as the pod's {@code restartPolicy} says (Always, OnFailure, Never) with back-off, ends the pod
 * Succeeded or Failed when no container will run again (or at {@code activeDeadlineSeconds}), and
 * writes what it sees into the pod's status.
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
  private final String restartPolicy;
  private final Duration stopGrace;
  private volatile boolean stopping;
  private boolean scheduled;
  private String unschedulable;
  private boolean initialized;
  private String phase;
  private String reason;
  private String message;
  private String published = "";

  PodRunner(KubernetesClient client, PodContext pod) {
    this.client = client;
    this.pod = pod;
    var spec = pod.pod().getSpec();
    if (spec.getInitContainers() != null) {
      spec.getInitContainers().forEach(c -> initContainers.add(new ContainerTrack(c, true)));
    }
    spec.getContainers().forEach(c -> containers.add(new ContainerTrack(c, false)));
    restartPolicy = spec.getRestartPolicy() == null ? "Always" : spec.getRestartPolicy();
    long grace =
        spec.getTerminationGracePeriodSeconds() == null
            ? STOP_GRACE.getSeconds()
            : Math.min(STOP_GRACE.getSeconds(), spec.getTerminationGracePeriodSeconds());
    stopGrace = Duration.ofSeconds(Math.max(0, grace));
  }

  /** True once the pod is Succeeded or Failed: nothing of it runs any more. */
  boolean finished() {
    return phase != null;
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
      if (!waitForClaims()) {
        return;
      }
      scheduled = true;
      event(
          "Normal",
          "Scheduled",
          "Successfully assigned "
              + pod.pod().getMetadata().getNamespace()
              + "/"
              + pod.name()
              + " to local-node");
      publish();
      if (!mountVolumes()) {
        return;
      }
      if (runInitContainers()) {
        initialized = true;
        while (!stopping && phase == null) {
          containers.forEach(this::supervise);
          endWhenDone();
          publish();
          if (phase == null) {
            Thread.sleep(TICK.toMillis());
          }
        }
      } else if (phase != null) {
        publish();
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
    preStopMillis = Math.min(preStopMillis, stopGrace.toMillis());
    try {
      Thread.sleep(preStopMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Duration termGrace = stopGrace.minusMillis(preStopMillis);
    if (termGrace.compareTo(MIN_TERM_GRACE) < 0 && stopGrace.compareTo(MIN_TERM_GRACE) >= 0) {
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

  /**
   * The scheduler's part: a pod whose claims do not exist (or are not bound) stays Pending and
   * unscheduled, with the scheduler's FailedScheduling event; false when the pod was stopped first.
   */
  private boolean waitForClaims() throws InterruptedException {
    Instant nextEvent = Instant.EPOCH;
    while (!stopping) {
      String problem = claimProblem();
      if (problem == null) {
        unschedulable = null;
        return true;
      }
      unschedulable = "0/1 nodes are available: " + problem + ".";
      if (Instant.now().isAfter(nextEvent)) {
        NodeEvents.record(
            client, pod.pod(), "default-scheduler", "Warning", "FailedScheduling", unschedulable);
        nextEvent = Instant.now().plus(Duration.ofMinutes(1));
      }
      publish();
      Thread.sleep(1000);
    }
    return false;
  }

  /**
   * The kubelet's mounting: ConfigMap and Secret volumes become files in the volume's directory
   * (emptyDir and claims are directories already). A missing ConfigMap or Secret, or a kind of
   * volume the local node has no directory for, keeps the containers in ContainerCreating with the
   * kubelet's FailedMount event; false when the pod was stopped first.
   */
  private boolean mountVolumes() throws InterruptedException {
    Instant nextEvent = Instant.EPOCH;
    while (!stopping) {
      String problem = null;
      for (Volume volume :
          pod.pod().getSpec().getVolumes() == null
              ? List.<Volume>of()
              : pod.pod().getSpec().getVolumes()) {
        problem = mount(volume);
        if (problem != null) {
          problem = "MountVolume.SetUp failed for volume \"" + volume.getName() + "\" : " + problem;
          break;
        }
      }
      if (problem == null) {
        return true;
      }
      if (Instant.now().isAfter(nextEvent)) {
        event("Warning", "FailedMount", problem);
        nextEvent = Instant.now().plus(Duration.ofMinutes(1));
      }
      Thread.sleep(2000);
    }
    return false;
  }

  /** Mounts one volume; the reason it cannot, or null. */
  private String mount(Volume volume) {
    if (volume.getEmptyDir() != null || volume.getPersistentVolumeClaim() != null) {
      return null;
    }
    Map<String, String> files;
    List<KeyToPath> items;
    if (volume.getConfigMap() != null) {
      var source = volume.getConfigMap();
      ConfigMap found =
          client.configMaps().inNamespace(pod.namespace()).withName(source.getName()).get();
      if (found == null && !Boolean.TRUE.equals(source.getOptional())) {
        return "configmap \"" + source.getName() + "\" not found";
      }
      files = found == null || found.getData() == null ? Map.of() : found.getData();
      items = source.getItems();
    } else if (volume.getSecret() != null) {
      var source = volume.getSecret();
      Secret found =
          client.secrets().inNamespace(pod.namespace()).withName(source.getSecretName()).get();
      if (found == null && !Boolean.TRUE.equals(source.getOptional())) {
        return "secret \"" + source.getSecretName() + "\" not found";
      }
      files = new LinkedHashMap<>();
      if (found != null && found.getData() != null) {
        found
            .getData()
            .forEach(
                (k, v) ->
                    files.put(
                        k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
      }
      if (found != null && found.getStringData() != null) {
        files.putAll(found.getStringData());
      }
      items = source.getItems();
    } else {
      return "the local node mounts only emptyDir, persistentVolumeClaim, configMap and secret"
          + " volumes";
    }
    Path dir = pod.volumeDir(volume.getName());
    try {
      if (items == null || items.isEmpty()) {
        for (var file : files.entrySet()) {
          write(dir, file.getKey(), file.getValue());
        }
      } else {
        for (KeyToPath item : items) {
          if (!files.containsKey(item.getKey())) {
            return "key " + item.getKey() + " not found";
          }
          write(dir, item.getPath(), files.get(item.getKey()));
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      return e.getMessage();
    }
    return null;
  }

  private static void write(Path dir, String relative, String content) throws IOException {
    Path file = dir.resolve(relative).normalize();
    if (!file.startsWith(dir) || relative.startsWith("/")) {
      throw new IllegalArgumentException("path " + relative + " leaves the volume");
    }
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }

  private String claimProblem() {
    for (String claim : pod.claims()) {
      PersistentVolumeClaim found =
          client.persistentVolumeClaims().inNamespace(pod.namespace()).withName(claim).get();
      if (found == null) {
        return "persistentvolumeclaim \"" + claim + "\" not found";
      }
      if (found.getMetadata().getDeletionTimestamp() != null) {
        return "persistentvolumeclaim \"" + claim + "\" is being deleted";
      }
      if (found.getStatus() == null || !"Bound".equals(found.getStatus().getPhase())) {
        return "pod has unbound immediate PersistentVolumeClaims";
      }
    }
    return null;
  }

  /**
   * Ends the pod when its restart policy starts no container again (Succeeded when every container
   * exited 0), or when it has been active longer than {@code activeDeadlineSeconds}.
   */
  private void endWhenDone() {
    Long deadline = pod.pod().getSpec().getActiveDeadlineSeconds();
    if (deadline != null && Duration.between(startTime, Instant.now()).getSeconds() >= deadline) {
      killAll();
      end(
          "Failed",
          "DeadlineExceeded",
          "Pod was active on the node longer than the specified deadline");
      event("Normal", "DeadlineExceeded", message);
      return;
    }
    if (containers.stream().allMatch(t -> t.finished)) {
      boolean succeeded = containers.stream().allMatch(ContainerTrack::completed);
      end(succeeded ? "Succeeded" : "Failed", null, null);
    }
  }

  private void killAll() {
    for (ContainerTrack track : containers) {
      if (track.process != null) {
        ContainerProcess process = track.process;
        process.stop(stopGrace);
        track.exited(
            process.exitCode(),
            process.terminationMessage(
                pod.terminationLog(track.spec),
                track.spec.getTerminationMessagePolicy(),
                process.exitCode() != 0));
      }
      track.finish();
    }
  }

  private void end(String phase, String reason, String message) {
    this.phase = phase;
    this.reason = reason;
    this.message = message;
  }

  /** Runs each init container to success; false when the pod was stopped first. */
  private boolean runInitContainers() throws InterruptedException {
    for (ContainerTrack track : initContainers) {
      LocalImage image = LocalImage.of(track.spec.getImage(), pod.config());
      if (!image.runnable()) {
        waitForeverOnImage(track, image.pullError());
        return false;
      }
      while (!track.completed()) {
        if (stopping) {
          return false;
        }
        if (!startOrFail(track)) {
          if (track.finished) {
            end("Failed", null, null);
            return false;
          }
          publish();
          sleepUntil(track.restartAt);
          continue;
        }
        publish();
        ContainerProcess process = track.process;
        while (process.alive() && !stopping) {
          Thread.sleep(200);
        }
        if (stopping) {
          process.stop(stopGrace);
          return false;
        }
        int exitCode = process.waitFor();
        track.exited(exitCode, terminationMessage(track, process, exitCode));
        publish();
        if (exitCode != 0 && "Never".equals(restartPolicy)) {
          // restartPolicy Never: a failed init container fails the pod.
          track.finish();
          end("Failed", null, null);
          return false;
        }
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
    if (track.finished) {
      return;
    }
    LocalImage image = LocalImage.of(track.spec.getImage(), pod.config());
    if (!image.runnable()) {
      if (track.state.getWaiting() == null
          || "ContainerCreating".equals(track.state.getWaiting().getReason())) {
        pullFailed(track, image.pullError());
      }
      track.imagePullFailed(
          track.state.getWaiting() != null
              && "ContainerCreating".equals(track.state.getWaiting().getReason()),
          image.pullError());
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
      track.exited(exitCode, terminationMessage(track, process, exitCode));
      if (!restarts(exitCode)) {
        track.finish();
        return;
      }
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
      track.process.stop(stopGrace);
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

  /** Whether the restart policy starts a container again after this exit. */
  private boolean restarts(int exitCode) {
    return switch (restartPolicy) {
      case "Never" -> false;
      case "OnFailure" -> exitCode != 0;
      default -> true;
    };
  }

  private boolean startOrFail(ContainerTrack track) {
    try {
      track.running(ContainerProcess.start(client, track.spec, track.init, pod));
      event("Normal", "Started", "Started container " + track.spec.getName());
      return true;
    } catch (ContainerProcess.ConfigError e) {
      track.configError(e.getMessage());
      event("Warning", "Failed", "Error: " + e.getMessage());
      return false;
    } catch (IOException | IllegalArgumentException e) {
      // The runtime could not start the process: exit code 128, reason StartError.
      track.exited(128, "StartError", e.getMessage());
      event("Warning", "Failed", "Error: " + e.getMessage());
      if (track.init ? "Never".equals(restartPolicy) : !restarts(128)) {
        track.finish();
      } else {
        track.backingOff();
      }
      return false;
    }
  }

  private String terminationMessage(ContainerTrack track, ContainerProcess process, int exitCode) {
    return process.terminationMessage(
        pod.terminationLog(track.spec), track.spec.getTerminationMessagePolicy(), exitCode != 0);
  }

  private void waitForeverOnImage(ContainerTrack track, String why) throws InterruptedException {
    pullFailed(track, why);
    track.imagePullFailed(true, why);
    publish();
    Thread.sleep(2000);
    track.imagePullFailed(false, why);
    while (!stopping) {
      publish();
      Thread.sleep(TICK.toMillis());
    }
  }

  private void pullFailed(ContainerTrack track, String why) {
    event("Warning", "Failed", "Failed to pull image \"" + track.spec.getImage() + "\": " + why);
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
    if (!scheduled) {
      PodCondition notScheduled = condition("PodScheduled", false);
      notScheduled.setReason("Unschedulable");
      notScheduled.setMessage(unschedulable);
      return new PodStatusBuilder().withPhase("Pending").withConditions(notScheduled).build();
    }
    boolean running =
        initialized
            && containers.stream().anyMatch(t -> t.process != null || t.restarts > 0 || t.finished);
    boolean ready = phase == null && initialized && containers.stream().allMatch(t -> t.ready);
    List<PodCondition> conditions =
        List.of(
            condition("PodScheduled", true),
            condition("Initialized", initialized),
            condition("ContainersReady", ready),
            condition("Ready", ready));
    if (phase != null) {
      conditions.get(2).setReason("PodCompleted");
      conditions.get(3).setReason("PodCompleted");
    }
    return new PodStatusBuilder()
        .withPhase(phase != null ? phase : running ? "Running" : "Pending")
        .withReason(reason)
        .withMessage(message)
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

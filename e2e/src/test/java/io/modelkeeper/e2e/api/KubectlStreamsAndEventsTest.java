package io.modelkeeper.e2e.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelkeeper.e2e.RequiredTools;
import io.modelkeeper.e2e.cluster.Kubectl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What kubectl streams from the local API server (get -w, logs -f), reads through typed clients
 * that ask for protobuf (logs -l, logs deploy/, describe, events) and what it is refused with a
 * message. This test plays the node: it creates the pods, writes their status and their log files.
 */
class KubectlStreamsAndEventsTest {

  private static final Duration PATIENCE = Duration.ofSeconds(20);

  @TempDir static Path dir;
  static LocalApiServer api;
  static Kubectl kubectl;
  static KubernetesClient client;
  static Path podLogs;

  @BeforeAll
  static void start() {
    Path binary = RequiredTools.kubectl("the kubectl tests");
    podLogs = dir.resolve("pods");
    api = LocalApiServer.start(Path.of("src/test/resources/crds"), podLogs);
    kubectl =
        new Kubectl(binary, api.writeKubeconfig(dir.resolve("kubeconfig")), dir.resolve("cache"));
    client = api.client();
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (api != null) {
      api.close();
    }
  }

  private static String widget(String name, int size) {
    return """
        apiVersion: example.io/v1
        kind: Widget
        metadata:
          name: %s
        spec:
          size: %d
        """
        .formatted(name, size);
  }

  @Test
  void getWatchStreamsChangesUntilStopped() {
    kubectl.runWithInput(widget("watched", 1), "apply", "--validate=false", "-f", "-").orThrow();
    try (Kubectl.Background watch = kubectl.start("get", "wd", "-w");
        Kubectl.Background only =
            kubectl.start("get", "wd", "--watch-only", "--output-watch-events")) {
      await()
          .atMost(PATIENCE)
          .untilAsserted(() -> assertThat(watch.output()).containsPattern("watched\\s+1\\s"));
      kubectl
          .run("patch", "wd", "watched", "--type=merge", "-p", "{\"spec\":{\"size\":2}}")
          .orThrow();
      await()
          .atMost(PATIENCE)
          .untilAsserted(
              () -> {
                assertThat(watch.output()).containsPattern("watched\\s+2\\s");
                assertThat(only.output()).containsPattern("MODIFIED\\s+watched\\s+2\\s");
              });
      // The header once, one line per state: a stream, not a poll re-listing everything.
      assertThat(watch.output().lines().filter(l -> l.startsWith("NAME"))).hasSize(1);
      assertThat(only.output()).doesNotContain("ADDED");

      kubectl.run("delete", "wd", "watched").orThrow();
      await()
          .atMost(PATIENCE)
          .untilAsserted(() -> assertThat(only.output()).containsPattern("DELETED\\s+watched\\s"));
      assertThat(watch.alive()).as("kubectl get -w still running").isTrue();
      assertThat(only.alive()).as("kubectl get --watch-only still running").isTrue();
    }
  }

  @Test
  void logsFollowStreamsTheFileUntilTheContainerStops() throws Exception {
    Pod pod = runningPod("follow", "app", "follow");
    Path log = logFile(pod, "server");
    Files.writeString(log, "first line\n");
    try (Kubectl.Background follow = kubectl.start("logs", "-f", "follow")) {
      await()
          .atMost(PATIENCE)
          .untilAsserted(() -> assertThat(follow.output()).contains("first line"));
      Files.writeString(log, "second line\n", StandardOpenOption.APPEND);
      await()
          .atMost(PATIENCE)
          .untilAsserted(() -> assertThat(follow.output()).contains("second line"));
      assertThat(follow.alive()).isTrue();

      pod = client.pods().withName("follow").get();
      pod.getStatus().getContainerStatuses().get(0).getState().setRunning(null);
      pod.getStatus()
          .getContainerStatuses()
          .get(0)
          .setState(
              new io.fabric8.kubernetes.api.model.ContainerStateBuilder()
                  .withNewTerminated()
                  .withExitCode(0)
                  .withReason("Completed")
                  .endTerminated()
                  .build());
      client.pods().resource(pod).updateStatus();
      await().atMost(PATIENCE).until(() -> !follow.alive());
      assertThat(follow.exitCode()).hasValue(0);
      assertThat(follow.output()).containsSubsequence("first line", "second line");
    }
  }

  @Test
  void logsBySelectorAndByDeploymentFindThePods() throws Exception {
    Pod one = runningPod("picked-1", "app", "picked");
    Pod two = runningPod("picked-2", "app", "picked");
    Files.writeString(logFile(one, "server"), "from one\n");
    Files.writeString(logFile(two, "server"), "from two\n");

    assertThat(kubectl.run("logs", "-l", "app=picked", "--prefix").orThrow())
        .contains("[pod/picked-1/server] from one", "[pod/picked-2/server] from two");

    kubectl
        .runWithInput(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: picked
            spec:
              replicas: 2
              selector:
                matchLabels: {app: picked}
              template:
                metadata:
                  labels: {app: picked}
                spec:
                  containers:
                  - name: server
                    image: example.org/server:1
            """,
            "apply",
            "--validate=false",
            "-f",
            "-")
        .orThrow();
    assertThat(kubectl.run("logs", "deploy/picked").orThrow()).containsPattern("from (one|two)");
  }

  @Test
  void describeAndEventsShowTheEventsOfEachObject() {
    kubectl.runWithInput(widget("described", 3), "apply", "--validate=false", "-f", "-").orThrow();
    HasMetadata widget =
        client.genericKubernetesResources("example.io/v1", "Widget").withName("described").get();
    Pod pod = runningPod("described-pod", "app", "described");
    event(widget, "example.io/v1", "Resized", "widget grew to 3");
    event(pod, "v1", "Started", "Started container server");
    // Another object's event with the same name elsewhere must not show.
    client
        .v1()
        .events()
        .resource(
            new EventBuilder()
                .withNewMetadata()
                .withName("unrelated")
                .endMetadata()
                .withNewInvolvedObject()
                .withKind("Widget")
                .withName("other")
                .withNamespace("default")
                .endInvolvedObject()
                .withReason("Unrelated")
                .withMessage("not about described")
                .withType("Normal")
                .build())
        .create();

    String describedWidget = kubectl.run("describe", "widget", "described").orThrow();
    assertThat(describedWidget).contains("Events:", "Resized", "widget grew to 3");
    assertThat(describedWidget).doesNotContain("Unrelated");

    String describedPod = kubectl.run("describe", "pod", "described-pod").orThrow();
    assertThat(describedPod).contains("Events:", "Started container server");

    assertThat(kubectl.run("events", "--for", "widget/described").orThrow())
        .contains("Resized", "widget grew to 3")
        .doesNotContain("Unrelated", "Started container");
    assertThat(kubectl.run("events").orThrow()).contains("Resized", "Started", "Unrelated");
    assertThat(
            kubectl
                .run(
                    "get",
                    "events",
                    "--field-selector",
                    "involvedObject.kind=Pod,reason=Started",
                    "-o",
                    "name")
                .orThrow()
                .strip()
                .lines())
        .hasSize(1);
  }

  @Test
  void whatPodsCannotDoHereIsRefusedWithAMessage() {
    runningPod("refusing", "app", "refusing");
    Kubectl.Result exec = kubectl.run("exec", "refusing", "--", "ls");
    assertThat(exec.exitCode()).isNotZero();
    assertThat(exec.err()).contains("pods/exec", "not supported");

    Kubectl.Result forward = kubectl.run("port-forward", "refusing", "18080:8080");
    assertThat(forward.exitCode()).isNotZero();
    assertThat(forward.err()).contains("pods/portforward", "not supported");

    Kubectl.Result previous = kubectl.run("logs", "refusing", "--previous");
    assertThat(previous.exitCode()).isNotZero();
    assertThat(previous.err()).contains("does not support previous");

    Kubectl.Result missing = kubectl.run("get", "pod", "no-such-pod");
    assertThat(missing.exitCode()).isNotZero();
    assertThat(missing.err()).contains("pods \"no-such-pod\" not found");
  }

  /** A pod whose one container, {@code server}, runs (as a node would report it). */
  private static Pod runningPod(String name, String label, String value) {
    Pod pod =
        client
            .pods()
            .resource(
                new PodBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .addToLabels(label, value)
                    .endMetadata()
                    .withNewSpec()
                    .addNewContainer()
                    .withName("server")
                    .withImage("example.org/server:1")
                    .endContainer()
                    .endSpec()
                    .build())
            .create();
    pod.setStatus(
        new io.fabric8.kubernetes.api.model.PodStatusBuilder()
            .withPhase("Running")
            .addNewContainerStatus()
            .withName("server")
            .withReady(true)
            .withRestartCount(0)
            .withNewState()
            .withNewRunning()
            .withStartedAt(Instant.now().toString())
            .endRunning()
            .endState()
            .endContainerStatus()
            .build());
    return client.pods().resource(pod).updateStatus();
  }

  private static Path logFile(Pod pod, String container) throws Exception {
    Path podDir = podLogs.resolve("default_" + pod.getMetadata().getName());
    Files.createDirectories(podDir);
    return podDir.resolve(container + ".log");
  }

  private static void event(HasMetadata about, String apiVersion, String reason, String message) {
    client
        .v1()
        .events()
        .resource(
            new EventBuilder()
                .withNewMetadata()
                .withName(about.getMetadata().getName() + "." + reason.toLowerCase())
                .endMetadata()
                .withNewInvolvedObject()
                .withApiVersion(apiVersion)
                .withKind(about.getKind())
                .withName(about.getMetadata().getName())
                .withNamespace("default")
                .withUid(about.getMetadata().getUid())
                .endInvolvedObject()
                .withReason(reason)
                .withMessage(message)
                .withType("Normal")
                .withFirstTimestamp(Instant.now().toString())
                .withLastTimestamp(Instant.now().toString())
                .withCount(1)
                .build())
        .create();
  }
}

package io.modelkeeper.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.modelkeeper.e2e.cluster.Kubectl;
import io.modelkeeper.e2e.traffic.InferenceClient;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The life of a ModelDeployment on a cluster, driven with kubectl as a user would: deploy, serve,
 * scale, a version whose model cannot be fetched, delete. One cluster serves the whole class. By
 * default that is the local cluster; {@code -Dmodelkeeper.e2e.kubeconfig=<file>} (with {@code
 * -Dmodelkeeper.e2e.model-base-url=<url>}) runs the same steps on a real cluster.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ModelDeploymentE2E {

  private static final Duration PATIENCE = Duration.ofMinutes(3);
  private static final float[][] ROWS = {
    {2f, 0f, 0f, 0f, 0f, 0f, 0f, 0f},
    {-2f, 0f, 0f, 0f, 0f, 0f, 0f, 0f},
    {0.3f, -1.2f, 0.8f, 0.1f, 0.5f, -0.7f, 0.0f, 1.1f}
  };

  static ClusterUnderTest cluster;
  static Kubectl kubectl;
  static float[] expected;
  static final InferenceClient inference = new InferenceClient();
  static final Set<Long> serverPids = new HashSet<>();

  @RegisterExtension static final ScenarioCluster scenario = ScenarioCluster.local("e2e-state");

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = scenario.cluster();
    kubectl = cluster.kubectl();
    try (ReferenceModel reference =
        ReferenceModel.load(cluster.modelsDir().resolve("logistic-regression/model.onnx"))) {
      expected = reference.predict(ROWS);
    }
  }

  @Test
  @Order(1)
  void appliedExampleBecomesReadyWithTwoPodsThatAnswerCorrectly() throws Exception {
    String manifest =
        Files.readString(scenario.project().resolve("e2e/examples/fraud.yaml"))
            .replace("{{MODEL_REPOSITORY}}", cluster.modelBaseUrl());
    assertThat(kubectl.runWithInput(manifest, "apply", "--validate=false", "-f", "-").orThrow())
        .contains("modeldeployment.modelkeeper.io/fraud created");

    Kubectl.Result waited =
        kubectl.run("wait", "--for=condition=Ready", "md/fraud", "--timeout=180s");
    assertThat(waited.orThrow()).contains("condition met");
    assertThat(kubectl.run("get", "md", "fraud").orThrow())
        .containsPattern("fraud\\s+1\\s.*Ready\\s+True");

    List<Pod> pods = awaitReadyPods("fraud", 2);
    assertThat(pods).extracting(p -> p.getStatus().getPodIP()).doesNotHaveDuplicates();
    for (Pod pod : pods) {
      assertAnswersCorrectly(pod);
    }
    remember(pods);

    // What a user reads first when something is off: describe and events, each with its Events.
    assertThat(kubectl.run("describe", "md", "fraud").orThrow())
        .contains("Events:", "VersionReady");
    assertThat(kubectl.run("events", "--for", "md/fraud").orThrow()).contains("VersionReady");
    assertThat(kubectl.run("describe", "pod", pods.get(0).getMetadata().getName()).orThrow())
        .contains("Events:", "Started container model-server");
    assertThat(kubectl.run("describe", "deploy", "-l", "modelkeeper.io/deployment=fraud").orThrow())
        .contains("Events:", "ScalingReplicaSet");
  }

  @Test
  @Order(2)
  void scaledToThreeTheThirdPodServes() throws Exception {
    Set<String> before =
        readyPods("fraud").stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
    Kubectl.Background watch = kubectl.start("get", "md", "fraud", "-w");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> watch.output().lines().anyMatch(l -> l.startsWith("fraud ")));
    long linesBefore = watch.output().lines().filter(l -> l.startsWith("fraud ")).count();
    kubectl
        .run(
            "patch",
            "md",
            "fraud",
            "--type=merge",
            "-p",
            "{\"spec\":{\"serving\":{\"replicas\":3}}}")
        .orThrow();
    // kubectl get -w streams: the change shows as new lines while it keeps watching.
    try (watch) {
      await()
          .atMost(PATIENCE)
          .untilAsserted(
              () ->
                  assertThat(watch.output().lines().filter(l -> l.startsWith("fraud ")).count())
                      .isGreaterThan(linesBefore));
      assertThat(watch.alive()).as("kubectl get -w still watching").isTrue();
    }

    List<Pod> pods = awaitReadyPods("fraud", 3);
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () ->
                assertThat(
                        kubectl
                            .run(
                                "get",
                                "md",
                                "fraud",
                                "-o",
                                "jsonpath={.status.stable.readyReplicas}")
                            .orThrow())
                    .isEqualTo("3"));
    List<Pod> added =
        pods.stream().filter(p -> !before.contains(p.getMetadata().getName())).toList();
    assertThat(added).hasSize(1);
    assertAnswersCorrectly(added.get(0));
    remember(pods);
  }

  @Test
  @Order(3)
  void aModelThatCannotBeFetchedIsReportedWhileTheOldVersionServes() throws Exception {
    String missing = cluster.modelBaseUrl() + "/no-such-model/model.onnx";
    kubectl
        .run(
            "patch",
            "md",
            "fraud",
            "--type=merge",
            "-p",
            "{\"spec\":{\"model\":{\"version\":\"2\",\"uri\":\""
                + missing
                + "\",\"sha256\":null}}}")
        .orThrow();

    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              String conditions =
                  kubectl
                      .run(
                          "get",
                          "md",
                          "fraud",
                          "-o",
                          "jsonpath={range .status.conditions[*]}{.type}={.status} {.reason}: {.message}{\"\\n\"}{end}")
                      .orThrow();
              assertThat(conditions)
                  .containsPattern(
                      "Ready=False ModelFetchFailed: .*fetch failed: .*404.*" + missing)
                  .containsPattern(
                      "Degraded=True ModelFetchFailed: .*fetch failed: .*404.*" + missing);
            });
    HealthFixtures.capture(kubectl, "fraud", "fetch-failed-while-old-version-serves");
    assertThat(
            kubectl.run("get", "md", "fraud", "-o", "jsonpath={.status.stable.version}").orThrow())
        .isEqualTo("1");
    String failedPod =
        cluster
            .client()
            .pods()
            .withLabel("modelkeeper.io/version", "2")
            .list()
            .getItems()
            .get(0)
            .getMetadata()
            .getName();
    assertThat(kubectl.run("logs", failedPod, "-c", "fetch-model").orThrow())
        .contains("fetch failed: HTTP 404");
    List<Pod> serving =
        readyPods("fraud").stream()
            .filter(p -> "1".equals(p.getMetadata().getLabels().get("modelkeeper.io/version")))
            .toList();
    assertThat(serving).hasSize(3);
    for (Pod pod : serving) {
      assertAnswersCorrectly(pod);
    }

    // A ModelDeployment whose only version cannot be fetched is not Ready, and says why.
    String broken =
        Files.readString(scenario.project().resolve("e2e/examples/fraud.yaml"))
            .replace("{{MODEL_REPOSITORY}}", cluster.modelBaseUrl())
            .replace("name: fraud", "name: unfetchable")
            .replace("/logistic-regression/model.onnx", "/no-such-model/model.onnx");
    kubectl.runWithInput(broken, "apply", "--validate=false", "-f", "-").orThrow();
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              String ready =
                  kubectl
                      .run(
                          "get",
                          "md",
                          "unfetchable",
                          "-o",
                          "jsonpath={.status.conditions[?(@.type==\"Ready\")].status} {.status.conditions[?(@.type==\"Ready\")].message}")
                      .orThrow();
              assertThat(ready).startsWith("False ").contains("fetch failed: HTTP 404");
            });

    // An image no node can pull: its pods wait in ImagePullBackOff, and the status names the image.
    String badImage =
        Files.readString(scenario.project().resolve("e2e/examples/fraud.yaml"))
            .replace("{{MODEL_REPOSITORY}}", cluster.modelBaseUrl())
            .replace("name: fraud", "name: badimage")
            .replace(
                "  serving:\n", "  serving:\n    image: example.org/tensorflow-serving:2.16\n");
    kubectl.runWithInput(badImage, "apply", "--validate=false", "-f", "-").orThrow();
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              String conditions =
                  kubectl
                      .run(
                          "get",
                          "md",
                          "badimage",
                          "-o",
                          "jsonpath={range .status.conditions[*]}{.type}={.status} {.reason}: {.message}{\"\\n\"}{end}")
                      .orThrow();
              assertThat(conditions)
                  .containsPattern("ImagePullFailed: .*example.org/tensorflow-serving:2.16");
            });
  }

  @Test
  @Order(4)
  void deletedModelDeploymentsLeaveNoPodsAndNoProcesses() {
    remember(
        cluster
            .client()
            .pods()
            .withLabel("app.kubernetes.io/managed-by", "modelkeeper")
            .list()
            .getItems());
    assertThat(
            kubectl
                .run("delete", "md", "fraud", "unfetchable", "badimage", "--timeout=60s")
                .orThrow())
        .contains("deleted");

    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              assertThat(
                      cluster
                          .client()
                          .apps()
                          .deployments()
                          .withLabel("app.kubernetes.io/managed-by", "modelkeeper")
                          .list()
                          .getItems())
                  .isEmpty();
              assertThat(
                      cluster
                          .client()
                          .pods()
                          .withLabel("app.kubernetes.io/managed-by", "modelkeeper")
                          .list()
                          .getItems())
                  .isEmpty();
            });
    if (cluster.runsLocalProcesses()) {
      assertThat(serverPids).isNotEmpty();
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(
                          serverPids.stream()
                              .filter(
                                  pid ->
                                      ProcessHandle.of(pid)
                                          .map(ProcessHandle::isAlive)
                                          .orElse(false))
                              .toList())
                      .as("model-server processes still running")
                      .isEmpty());
    }
  }

  private void assertAnswersCorrectly(Pod pod) {
    InferenceClient.Reply reply =
        inference.infer(
            cluster.podBaseUrl(pod), "fraud", "input", "e2e-" + pod.getMetadata().getName(), ROWS);
    float[] answer = InferenceClient.firstOutput(reply);
    assertThat(answer)
        .as("answer of pod %s at %s", pod.getMetadata().getName(), pod.getStatus().getPodIP())
        .containsExactly(expected, Offset.offset(1e-5f));
    assertThat(answer[0]).isGreaterThan(0.5f);
    assertThat(answer[1]).isLessThan(0.5f);
  }

  private static List<Pod> awaitReadyPods(String md, int count) {
    return await().atMost(PATIENCE).until(() -> readyPods(md), pods -> pods.size() == count);
  }

  private static List<Pod> readyPods(String md) {
    return cluster
        .client()
        .pods()
        .withLabel("modelkeeper.io/deployment", md)
        .list()
        .getItems()
        .stream()
        .filter(
            p ->
                p.getStatus() != null
                    && p.getStatus().getConditions() != null
                    && p.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
        .toList();
  }

  /** Notes the local process id of each pod's server container, to check later that it ended. */
  private static void remember(List<Pod> pods) {
    for (Pod pod : pods) {
      if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
        continue;
      }
      pod.getStatus().getContainerStatuses().stream()
          .map(s -> s.getContainerID())
          .filter(id -> id != null && id.startsWith("local://"))
          .forEach(id -> serverPids.add(Long.parseLong(id.substring("local://".length()))));
    }
  }
}

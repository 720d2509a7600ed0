package io.modelkeeper.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelkeeper.e2e.cluster.Kubectl;
import io.modelkeeper.e2e.traffic.BackgroundTraffic;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kubectl modelkeeper} from its release archive, found by the real kubectl on PATH as users
 * install it: its tree at the start of a canary, mid-step and after its own promote; pause and
 * abort of the next canary with the history that follows; and retrain starting a run of the model's
 * ModelRetraining. Steps are long on purpose: the plugin moves the canaries, not the clock.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlPluginE2E {

  private static final String MD = "plugin";
  private static final Duration PATIENCE = Duration.ofMinutes(2);

  private static final ObjectMapper JSON = new ObjectMapper();

  static ClusterUnderTest cluster;
  static Kubectl kubectl;
  static ModelDeploymentView md;
  static BackgroundTraffic traffic;
  static Path pluginDir;
  static long started;

  @RegisterExtension
  static final ScenarioCluster scenario =
      ScenarioCluster.local("e2e-plugin-state").describeOnFailure(() -> String.valueOf(traffic));

  @BeforeAll
  static void installThePluginAndServeVersionOne() throws Exception {
    started = System.nanoTime();
    cluster = scenario.cluster();
    kubectl = cluster.kubectl();
    md = new ModelDeploymentView(cluster, MD, PATIENCE);
    pluginDir = unpackReleaseArchive();
    kubectl.runWithInput(manifest(), "apply", "--validate=false", "-f", "-").orThrow();
    assertThat(kubectl.run("wait", "--for=condition=Ready", "md/" + MD, "--timeout=180s").orThrow())
        .contains("condition met");
    traffic = BackgroundTraffic.start(cluster.client(), cluster::podBaseUrl, MD);
  }

  @AfterAll
  static void stopTraffic() {
    if (traffic != null) {
      traffic.close();
    }
    System.out.printf(
        "KubectlPluginE2E took %d s%n",
        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
  }

  /** Two steps of ten minutes: only promote can end this canary within the test. */
  private static String manifest() {
    return """
        apiVersion: modelkeeper.io/v1alpha1
        kind: ModelDeployment
        metadata:
          name: %s
        spec:
          model:
            version: "1"
            uri: %s/logistic-regression/model.onnx
          serving:
            replicas: 1
            gpus: 0
            executionProvider: cpu
          rollout:
            steps:
              - {weight: 50, duration: 10m}
              - {weight: 80, duration: 10m}
            analysis:
              interval: 2s
              minRequests: 10
              maxErrorRate: 0.05
        """
        .formatted(MD, cluster.modelBaseUrl());
  }

  @Test
  @Order(1)
  void showsACanaryStartingAndMidStepThenPromotesIt() {
    md.newVersion("2", "logistic-regression");
    md.awaitStatus(s -> "2".equals(s.path("canary").path("version").asText()));

    String starting = plugin("get", "md", MD);
    assertThat(starting)
        .contains("Status:         ◌ Progressing")
        .contains("Stable:         version 1 ")
        .contains("Canary:         version 2 ")
        .contains("  Step:         1/2")
        .contains("  SetWeight:    50")
        .contains("GATE")
        .contains("├──# revision")
        .contains("└──# revision");

    md.awaitStatus(
        s ->
            s.path("canary").path("readyReplicas").asInt() == 1
                && s.path("canary").path("analysis").path("canary").path("requests").asLong() > 0);
    String midStep = plugin("get", "md", MD);
    assertThat(midStep)
        .contains("  ActualWeight: 50")
        .contains("Analysis:       Wait at ")
        .containsPattern("error rate vs stable +[0-9.]+% \\(\\d+/\\d+\\) +[0-9.]+% \\(\\d+/\\d+\\)")
        .containsPattern("canary pods +- +1/1 ready +serving +✔ pass")
        .containsPattern("   └──□ plugin-2-\\S+ +Pod +✔ Running +ready:1/1")
        .doesNotContain("\u001b[");

    long before = System.nanoTime();
    String promoted = plugin("promote", MD);
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);
    System.out.printf("kubectl modelkeeper promote returned after %d ms%n", tookMs);
    assertThat(promoted).contains("✔ md/plugin: canary version 2 ").contains("is being promoted");
    md.awaitStatus(s -> "2".equals(s.path("stable").path("version").asText()));

    String after = plugin("get", "md", MD);
    assertThat(after)
        .contains("Status:         ✔ Ready")
        .contains("Decision:       promoted 2")
        .contains("Stable:         version 2 ")
        .doesNotContain("Canary:");
    assertThat(annotations()).doesNotContainKey("modelkeeper.io/promote");
  }

  @Test
  @Order(2)
  void pausesThenAbortsTheNextCanaryAndTellsItInHistory() {
    md.newVersion("3", "logistic-regression");
    md.awaitStatus(s -> "3".equals(s.path("canary").path("version").asText()));

    String paused = plugin("pause", MD);
    assertThat(paused).contains("md/plugin: rollout paused at step 1/2");
    assertThat(plugin("get", "md", MD)).contains("Status:         ॥ Paused");

    String aborted = plugin("abort", MD, "--reason", "checked by hand");
    assertThat(aborted).contains("✖ md/plugin: canary version 3 ").contains("is rolled back");
    String after = plugin("get", "md", MD);
    assertThat(after)
        .contains("Decision:       rolled back 3: aborted")
        .contains("Stable:         version 2 ");

    String history = plugin("history", MD);
    assertThat(history.lines().skip(1).findFirst().orElseThrow())
        .startsWith("3 ")
        .contains("✖ RolledBack")
        .contains("aborted by annotation modelkeeper.io/abort: checked by hand");
    assertThat(history).containsPattern("\n2 +\\S+ +✔ Promoted .*promoted by annotation");
    plugin("resume", MD);
    assertThat(md.status().path("canary").isMissingNode()).isTrue();
  }

  @Test
  @Order(4)
  void retrainStartsARunOfTheModelsRetraining() {
    kubectl
        .runWithInput(
            RetrainingScenario.claims(MD)
                + """
                apiVersion: modelkeeper.io/v1alpha1
                kind: ModelRetraining
                metadata: {name: %1$s}
                spec:
                  modelDeploymentRef: {name: %1$s}
                  dataset: {claimName: %1$s-data, minRows: 100}
                  output: {claimName: %1$s-models}
                  validation: {metric: accuracy}
                """
                    .formatted(MD),
            "apply",
            "--validate=false",
            "-f",
            "-")
        .orThrow();

    String out = plugin("retrain", MD, "--reason", "asked for by the e2e");
    assertThat(out).contains("retrainingrun/plugin-m").contains("created");
    String run = out.substring(out.indexOf("retrainingrun/") + 14).split("\\s")[0];

    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(300))
        .until(
            () ->
                kubectl
                    .run("get", "retrainingrun", run, "-o", "jsonpath={.status.phase}")
                    .out()
                    .strip(),
            phase -> !phase.isEmpty());
    assertThat(kubectl.run("get", "retrainingrun", run, "-o", "jsonpath={.spec.reason}").out())
        .isEqualTo("asked for by the e2e");
    assertThat(plugin("get", "md", MD)).containsPattern("Retraining: +" + run + " ");
  }

  /** Before retrain: its training Job would share the CPU with what is timed here. */
  @Test
  @Order(3)
  void printsJsonAndTimesItsStart() throws Exception {
    JsonNode json = JSON.readTree(plugin("get", "md", MD, "-o", "json"));
    assertThat(json.path("modelDeployment").path("metadata").path("name").asText()).isEqualTo(MD);
    assertThat(json.path("pods")).isNotEmpty();

    List<Long> millis = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      long before = System.nanoTime();
      plugin("get", "md", MD);
      millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before));
    }
    long kubectlBefore = System.nanoTime();
    kubectl.run("get", "md", MD, "-o", "json").orThrow();
    long kubectlMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - kubectlBefore);
    kubectl.run("get", "pods", "-l", "modelkeeper.io/deployment=" + MD, "-o", "json").orThrow();
    kubectl.run("get", "modelretrainings,retrainingruns", "-o", "json").orThrow();
    long threeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - kubectlBefore);
    System.out.printf(
        "kubectl modelkeeper get md (start to output, class-data archive warm): %s ms;"
            + " one kubectl get: %d ms; its three kubectl gets one after another: %d ms%n",
        millis, kubectlMs, threeMs);
  }

  /** Runs {@code kubectl modelkeeper ARGS} as a user would; its output, which must succeed. */
  private static String plugin(String... args) {
    List<String> command = new ArrayList<>(List.of(Kubectl.find().toString(), "modelkeeper"));
    command.addAll(List.of(args));
    command.add("--kubeconfig=" + kubectl.kubeconfig());
    try {
      Path err = Files.createTempFile("plugin", ".err");
      ProcessBuilder builder = new ProcessBuilder(command).redirectError(err.toFile());
      builder.environment().put("PATH", pluginDir + ":" + System.getenv("PATH"));
      builder.environment().put("XDG_CACHE_HOME", pluginDir.resolve("cache").toString());
      Process process = builder.start();
      process.getOutputStream().close();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String stderr = Files.readString(err);
      Files.delete(err);
      System.out.printf("$ kubectl modelkeeper %s%n%s%s", String.join(" ", args), out, stderr);
      assertThat(process.exitValue()).as("exit code; stderr: %s", stderr).isZero();
      return out;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static java.util.Map<String, String> annotations() {
    JsonNode md =
        JSON.valueToTree(
            cluster
                .client()
                .genericKubernetesResources("modelkeeper.io/v1alpha1", "ModelDeployment")
                .inNamespace("default")
                .withName(MD)
                .get()
                .getMetadata());
    java.util.Map<String, String> out = new java.util.HashMap<>();
    md.path("annotations")
        .fields()
        .forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  /** Unpacks cli/target/kubectl-modelkeeper-*.tar.gz: the launcher and jar users install. */
  private static Path unpackReleaseArchive() throws Exception {
    Path project = Path.of(System.getProperty("modelkeeper.project.dir", "..")).toAbsolutePath();
    Path archive;
    try (Stream<Path> files = Files.list(project.resolve("cli/target"))) {
      archive =
          files
              .filter(p -> p.getFileName().toString().matches("kubectl-modelkeeper-.*\\.tar\\.gz"))
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("no plugin archive in cli/target"));
    }
    Path into = project.resolve("e2e/target/kubectl-plugin");
    Files.createDirectories(into);
    Process tar =
        new ProcessBuilder(
                "tar", "-xzf", archive.toString(), "-C", into.toString(), "--strip-components=1")
            .inheritIO()
            .start();
    assertThat(tar.waitFor()).isZero();
    assertThat(into.resolve("kubectl-modelkeeper")).isExecutable();
    return into;
  }
}

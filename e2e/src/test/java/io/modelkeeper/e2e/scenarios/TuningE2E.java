package io.modelkeeper.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.modelkeeper.e2e.RequiredTools;
import io.modelkeeper.e2e.browser.HeadlessChromium;
import io.modelkeeper.e2e.cluster.Kubectl;
import io.modelkeeper.e2e.metrics.ScrapedSeries;
import io.modelkeeper.e2e.traffic.InferenceClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A tuning run on the local cluster: the model serves traffic whose labels say the opposite of what
 * it predicts; a RetrainingRun made by hand tunes the reference trainer's learning rate over 6
 * trials, 2 at a time, with median stopping; trials with a hopeless learning rate are stopped
 * early; the best trial's model is blessed, canaried and promoted. The search is seeded, so the
 * trials' learning rates are the same at every run of the test.
 *
 * <p>The operator's web console is looked at in a real browser (headless Chromium) beside it: the
 * list page once the model is Ready, the model's page while the trials train and while the best
 * trial's canary is checked. Its charts must have data points and the browser's console no message
 * at all; screenshots of each page are saved under {@code e2e/target/console/}.
 */
class TuningE2E {

  private static final String MD = "tuned";
  private static final int FEATURES = 8;
  private static final Duration PATIENCE = Duration.ofMinutes(5);

  static ClusterUnderTest cluster;
  static Kubectl kubectl;
  static ReferenceModel original;
  static final Random random = new Random(17);
  static final AtomicBoolean stop = new AtomicBoolean();
  static final AtomicLong labelled = new AtomicLong();
  static Thread traffic;
  static String namespace;
  static HeadlessChromium chromium;
  static String console;
  static Path screenshots;
  private static final int WIDTH = 1280;

  @RegisterExtension
  static final ScenarioCluster scenario =
      ScenarioCluster.local("e2e-tuning-state")
          .describeOnFailure(
              () ->
                  kubectl == null
                      ? "(no cluster)"
                      : kubectl.run("get", "retrainingruns", "-o", "yaml").out()
                          + "\n"
                          + kubectl.run("get", "md", MD, "-o", "yaml").out()
                          + "\n"
                          + kubectl.run("get", "jobs,pods", "-o", "wide").out());

  @BeforeAll
  static void startCluster() throws Exception {
    Path browser = RequiredTools.chromium("the web console's browser test");
    cluster = scenario.cluster();
    console = scenario.local().cluster().operator().url() + "/console/";
    screenshots = scenario.project().resolve("e2e/target/console");
    chromium = new HeadlessChromium(browser, scenario.project().resolve("e2e/target/chromium"));
    kubectl = cluster.kubectl();
    original =
        ReferenceModel.load(
            cluster.modelsDir().resolve("logistic-regression").resolve("model.onnx"));
  }

  @AfterAll
  static void stopTraffic() throws Exception {
    stop.set(true);
    if (traffic != null) {
      traffic.join(10_000);
    }
    if (original != null) {
      original.close();
    }
  }

  @Test
  void sixTrialsTwoAtATimeOneStoppedEarlyAndTheBestIsBlessedAndPromoted() throws Exception {
    String manifests =
        """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: tuned-data}
        spec:
          accessModes: [ReadWriteMany]
          resources: {requests: {storage: 1Gi}}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: tuned-models}
        spec:
          accessModes: [ReadWriteMany]
          resources: {requests: {storage: 1Gi}}
        ---
        apiVersion: modelkeeper.io/v1alpha1
        kind: ModelDeployment
        metadata:
          name: %1$s
        spec:
          model:
            version: "1"
            uri: %2$s/logistic-regression/model.onnx
          serving:
            replicas: 2
            gpus: 0
            executionProvider: cpu
          monitoring:
            task: binary-classification
            window: 200
            interval: 2s
          rollout:
            steps:
              - {weight: 50, duration: 10s}
            analysis:
              interval: 2s
              minRequests: 20
              minLabelled: 50
        ---
        apiVersion: modelkeeper.io/v1alpha1
        kind: ModelRetraining
        metadata:
          name: %1$s
        spec:
          modelDeploymentRef: {name: %1$s}
          dataset:
            claimName: tuned-data
            maxAge: 1h
            minRows: 1000
            holdoutFraction: 0.25
          output: {claimName: tuned-models}
          training:
            mode: full
            activeDeadline: 5m
            hyperparameters: {epochs: "3000", batch_size: "512"}
          tuning:
            algorithm: random
            trials: 6
            parallelTrials: 2
            maxFailedTrials: 1
            seed: 2
            objective: {metric: val_loss, direction: minimize}
            parameters:
              - {name: learning_rate, type: logUniform, min: 0.0000001, max: 1.0}
            earlyStopping:
              medianStop: {minTrials: 1, startStep: 1}
          validation: {metric: accuracy, minValue: 0.7, minImprovement: 0.3}
          rollout: automatic
        """
            .formatted(MD, cluster.modelBaseUrl());
    kubectl.runWithInput(manifests, "apply", "--validate=false", "-f", "-").orThrow();
    assertThat(kubectl.run("wait", "--for=condition=Ready", "md/" + MD, "--timeout=180s").orThrow())
        .contains("condition met");
    long generation = generation();
    namespace =
        kubectl.run("get", "md", MD, "-o", "jsonpath={.metadata.namespace}").orThrow().trim();
    String service = cluster.serviceBaseUrl(namespace, MD);
    HeadlessChromium.Page list = chromium.load(console);
    assertThat(list.console()).as("console messages of the list page").isEmpty();
    assertThat(list.bodyAttribute("data-models")).isEqualTo("1");
    assertThat(list.dom()).contains(">" + MD + "<");

    // Labelled rows whose labels say the opposite of what the serving model predicts.
    traffic = new Thread(() -> sendLabelledTraffic(service), "labelled-traffic");
    traffic.setDaemon(true);
    traffic.start();
    await().atMost(PATIENCE).until(() -> labelled.get() >= 4000);

    kubectl
        .runWithInput(
            """
            apiVersion: modelkeeper.io/v1alpha1
            kind: RetrainingRun
            metadata: {name: tuned-now}
            spec:
              retrainingRef: {name: tuned}
              reason: tune the learning rate
            """,
            "apply",
            "--validate=false",
            "-f",
            "-")
        .orThrow();

    // The console is looked at beside the run, so the run's own observations miss nothing.
    CompletableFuture<String> viewed = CompletableFuture.supplyAsync(TuningE2E::viewTheConsole);
    Set<String> phases = new LinkedHashSet<>();
    Set<String> trialStates = new LinkedHashSet<>();
    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              GenericKubernetesResource run = run();
              phases.add(String.valueOf(field(run, "status", "phase")));
              for (Map<?, ?> trial : trials(run)) {
                trialStates.add(trial.get("index") + " " + trial.get("state"));
              }
              assertThat(field(run, "status", "phase"))
                  .as("phases so far %s, trials %s", phases, trialStates)
                  .isIn("Promoted", "Failed", "NotBlessed", "RolledBack");
            });
    GenericKubernetesResource run = run();
    assertThat(field(run, "status", "phase"))
        .as("%s: %s", phases, field(run, "status", "message"))
        .isEqualTo("Promoted");
    assertThat(phases).contains("Training", "Promoted").doesNotContain("NotBlessed", "Failed");
    System.out.println("TuningE2E console: " + viewed.get());

    List<Map<?, ?>> trials = trials(run);
    assertThat(trials).hasSize(6);
    assertThat(field(run, "status", "trialProgress")).isEqualTo("6/6");
    assertThat(trials)
        .as("a hopeless learning rate is stopped early")
        .anySatisfy(t -> assertThat(t.get("state")).isEqualTo("StoppedEarly"));
    assertThat(trials).noneSatisfy(t -> assertThat(t.get("state")).isEqualTo("Failed"));
    assertThat(trials)
        .extracting(t -> String.valueOf(t.get("job")))
        .containsExactly(
            "tuned-now-trial-1",
            "tuned-now-trial-2",
            "tuned-now-trial-3",
            "tuned-now-trial-4",
            "tuned-now-trial-5",
            "tuned-now-trial-6");
    Map<?, ?> best = (Map<?, ?>) field(run, "status", "best");
    int bestTrial = ((Number) best.get("trial")).intValue();
    double bestObjective = ((Number) best.get("objective")).doubleValue();
    for (Map<?, ?> trial : trials) {
      if ("Succeeded".equals(trial.get("state"))) {
        assertThat(bestObjective)
            .isLessThanOrEqualTo(((Number) trial.get("objective")).doubleValue());
      }
    }
    assertThat(field(run, "status", "candidate", "uri"))
        .isEqualTo("pvc://tuned-models/tuned-now/trial-" + bestTrial + "/model.onnx");
    Map<?, ?> blessing = (Map<?, ?>) field(run, "status", "blessing");
    assertThat(blessing.get("passed")).isEqualTo(true);

    String stable =
        kubectl
            .run(
                "get",
                "md",
                MD,
                "-o",
                "jsonpath={.status.stable.version} {.status.stable.run} {.spec.model.version}")
            .orThrow();
    assertThat(stable).isEqualTo("1-r1 tuned-now 1");
    assertThat(generation()).as("no spec was written").isEqualTo(generation);
    assertThat(kubectl.run("get", "retrainingruns").orThrow())
        .contains("TRIALS")
        .containsPattern("tuned-now\\s+Manual\\s+Promoted\\s+6/6");
    assertThat(kubectl.run("get", "events").out()).contains("BestTrial");

    // The dashboard's tuning series exist now that a tuning run is over.
    ScrapedSeries operator = new ScrapedSeries();
    operator.add(
        new InferenceClient()
            .get(scenario.local().cluster().operator().url() + "/q/metrics")
            .text());
    ExamplesE2E.project = scenario.project();
    List<String> unmet = new ArrayList<>();
    for (String expression : ExamplesE2E.dashboardQueries()) {
      if (expression.contains("modelkeeper_retraining_trials")
          || expression.contains(ExamplesE2E.TUNING_SERIES)) {
        unmet.addAll(ExamplesE2E.unmet("dashboard", expression, operator));
      }
    }
    assertThat(unmet).as("tuning queries naming series the operator does not export").isEmpty();
  }

  /**
   * Loads the model's console page once the trials have curves (while they train) and once the
   * canary has two checks; asserts the charts have points and the browser logged nothing; saves the
   * screenshots. Says when each page was loaded.
   */
  private static String viewTheConsole() {
    long start = System.nanoTime();
    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> curvePoints(consoleDetail()) >= 2);
    String trainingPhase = String.valueOf(field(run(), "status", "phase"));
    double curves = seconds(start);
    String page = console + "model?namespace=" + namespace + "&name=" + MD;
    HeadlessChromium.Page training = chromium.load(page);
    assertThat(training.console()).as("console messages of the model page").isEmpty();
    assertThat(training.bodyAttribute("data-loaded")).isEqualTo("true");
    assertThat(training.bodyAttribute("data-runs")).isEqualTo("1");
    assertThat(number(training.attribute("chart-run-0", "data-points")))
        .as("points of the trials' curves")
        .isGreaterThanOrEqualTo(2);
    assertThat(training.dom()).contains("tuned-now");
    assertThat(chromium.screenshot(page, screenshots.resolve("model-retraining.png"), WIDTH, 1500))
        .isEmpty();

    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> canaryChecks(consoleDetail()) >= 2);
    boolean during = consoleDetail().path("canary").isObject();
    double checks = seconds(start);
    HeadlessChromium.Page canary = chromium.load(page);
    assertThat(canary.console()).as("console messages of the model page").isEmpty();
    for (String chart : List.of("chart-weight", "chart-errors", "chart-p99", "chart-accuracy")) {
      assertThat(number(canary.attribute(chart, "data-points")))
          .as("points of %s", chart)
          .isGreaterThanOrEqualTo(2);
    }
    // The serving pods took thousands of rows: their captured reference and drift window are full.
    assertThat(number(canary.bodyAttribute("data-drift-rows")))
        .as("rows of the drift per feature table")
        .isGreaterThanOrEqualTo(1);
    assertThat(chromium.screenshot(page, screenshots.resolve("model-canary.png"), WIDTH, 1500))
        .isEmpty();
    assertThat(chromium.screenshot(console, screenshots.resolve("list.png"), WIDTH, 360)).isEmpty();

    // The local cluster's console has no token: it only reads.
    InferenceClient.Reply refused =
        new InferenceClient()
            .post(
                console + "api/modeldeployments/" + namespace + "/" + MD + "/actions/promote",
                Map.of());
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.text()).contains("read-only");
    return String.format(
        "trial curves after %.1f s (run %s), two canary checks after %.1f s (canary still running:"
            + " %s); screenshots in %s",
        curves, trainingPhase, checks, during, screenshots);
  }

  private static JsonNode consoleDetail() {
    InferenceClient.Reply reply =
        new InferenceClient().get(console + "api/modeldeployments/" + namespace + "/" + MD);
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    return reply.body();
  }

  private static int curvePoints(JsonNode detail) {
    int points = 0;
    for (JsonNode run : detail.path("runs")) {
      for (JsonNode trial : run.path("trials")) {
        points += trial.path("curveSteps").size();
      }
    }
    return points;
  }

  private static int canaryChecks(JsonNode detail) {
    int checks = 0;
    for (JsonNode value : detail.path("series").path("canaryErrorRate")) {
      checks += value.isNull() ? 0 : 1;
    }
    return checks;
  }

  private static int number(String attribute) {
    return attribute == null ? -1 : Integer.parseInt(attribute);
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  /**
   * Inference and its (contrary) labels through the Service until stopped, 50 rows a request, each
   * request on a connection of its own. With 2 stable pods and 1 canary pod the Service's turns
   * reach every pod with inference (with 2 pods in all, inference and feedback would alternate
   * between them and the canary would only ever get feedback).
   */
  private static void sendLabelledTraffic(String service) {
    while (!stop.get()) {
      InferenceClient client = new InferenceClient();
      try {
        float[][] rows = rows(50);
        InferenceClient.Reply reply = client.infer(service, MD, "input", null, rows);
        if (!reply.ok()) {
          Thread.sleep(200);
          continue;
        }
        float[] truth = original.predict(rows);
        List<Object> labels = new ArrayList<>();
        for (int r = 0; r < rows.length; r++) {
          int meant = truth[r] > 0.5f ? 1 : 0;
          boolean noise = random.nextInt(20) == 0;
          labels.add(noise ? meant : 1 - meant);
        }
        String id = reply.body().path("id").asText();
        InferenceClient.Reply feedback =
            new InferenceClient().feedback(service, MD, List.of(Map.of("id", id, "label", labels)));
        if (feedback.status() == 200) {
          labelled.addAndGet(rows.length);
        }
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        // The next request tries again; the test asserts on what reached the model.
      }
    }
  }

  private static float[][] rows(int count) {
    float[][] rows = new float[count][FEATURES];
    for (float[] row : rows) {
      for (int f = 0; f < FEATURES; f++) {
        row[f] = (float) random.nextGaussian();
      }
    }
    return rows;
  }

  private static GenericKubernetesResource run() {
    GenericKubernetesResource run =
        cluster
            .client()
            .genericKubernetesResources("modelkeeper.io/v1alpha1", "RetrainingRun")
            .inNamespace(namespace)
            .withName("tuned-now")
            .get();
    assertThat(run).as("run tuned-now").isNotNull();
    return run;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<?, ?>> trials(GenericKubernetesResource run) {
    Object trials = field(run, "status", "trials");
    return trials instanceof List<?> list ? (List<Map<?, ?>>) list : List.of();
  }

  private static Object field(GenericKubernetesResource resource, String... path) {
    Object node = resource.getAdditionalProperties();
    for (String key : path) {
      if (!(node instanceof Map<?, ?> map)) {
        return null;
      }
      node = map.get(key);
    }
    return node;
  }

  private static long generation() {
    return Long.parseLong(
        kubectl.run("get", "md", MD, "-o", "jsonpath={.metadata.generation}").orThrow().trim());
  }
}

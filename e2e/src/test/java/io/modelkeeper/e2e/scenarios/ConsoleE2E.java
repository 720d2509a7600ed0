package io.modelkeeper.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelkeeper.e2e.RequiredTools;
import io.modelkeeper.e2e.browser.HeadlessChromium;
import io.modelkeeper.e2e.traffic.InferenceClient;
import io.modelkeeper.e2e.traffic.LabelledTraffic;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The web console in a real browser (headless Chromium) against the local cluster's operator: a
 * retraining run tunes two trials, is blessed and goes through a canary, and the console's pages,
 * loaded while the trials train and while the canary is checked, plot the trials' curves and each
 * arm's figures at every check, with no message on the browser's console. Screenshots of each page
 * are saved under {@code e2e/target/console/}.
 */
class ConsoleE2E {

  private static final String MD = "viewed";
  private static final String RUN = "viewed-now";
  private static final Duration PATIENCE = Duration.ofMinutes(4);
  private static final int WIDTH = 1280;

  static ClusterUnderTest cluster;
  static RetrainingScenario loop;
  static LabelledTraffic traffic;
  static HeadlessChromium chromium;
  static String console;
  static Path screenshots;

  @RegisterExtension
  static final ScenarioCluster scenario =
      ScenarioCluster.local("e2e-console-state")
          .describeOnFailure(() -> RetrainingScenario.describe(cluster, MD));

  @BeforeAll
  static void startCluster() {
    Path binary = RequiredTools.chromium("the web console's browser test");
    cluster = scenario.cluster();
    console = scenario.local().cluster().operator().url() + "/console/";
    screenshots = scenario.project().resolve("e2e/target/console");
    chromium = new HeadlessChromium(binary, scenario.project().resolve("e2e/target/chromium"));
    loop = new RetrainingScenario(cluster, MD);
  }

  @AfterAll
  static void stopTraffic() throws Exception {
    if (traffic != null) {
      traffic.close();
    }
    if (loop != null) {
      loop.close();
    }
  }

  @Test
  void thePagesPlotATuningRunsTrialsAndTheCanarysChecks() throws Exception {
    long start = System.nanoTime();
    loop.applyAndAwaitReady(
        RetrainingScenario.claims(MD)
            + """
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
                  - {weight: 50, duration: 20s}
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
                claimName: %1$s-data
                maxAge: 1h
                minRows: 300
                holdoutFraction: 0.25
              output: {claimName: %1$s-models}
              training:
                mode: full
                activeDeadline: 3m
                hyperparameters: {epochs: "1000", batch_size: "256"}
              tuning:
                algorithm: random
                trials: 2
                parallelTrials: 2
                seed: 3
                objective: {metric: val_loss, direction: minimize}
                parameters:
                  - {name: learning_rate, type: logUniform, min: 0.01, max: 0.5}
                # Median stopping is what keeps each trial's curve in its status.
                earlyStopping:
                  medianStop: {minTrials: 1, startStep: 1}
              validation: {metric: accuracy, minValue: 0.7, minImprovement: 0.3}
              rollout: automatic
            """
                .formatted(MD, cluster.modelBaseUrl()));
    double ready = seconds(start);
    HeadlessChromium.Page list = chromium.load(console);
    assertThat(list.console()).as("console messages of the list page").isEmpty();
    assertThat(list.bodyAttribute("data-models")).isEqualTo("1");
    assertThat(list.dom()).contains(">" + MD + "<");

    // Labels that say the opposite of what the serving model predicts: a retrained one is better.
    traffic = loop.startTraffic(29);
    traffic.changeTheWorld();
    loop.awaitCapturingPods(2);
    await().atMost(PATIENCE).until(() -> traffic.labelledRows() >= 800);
    loop.createRun(RUN, "tune from the console test");
    double runCreated = seconds(start);

    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> curvePoints(detail()) >= 2);
    double curves = seconds(start);
    String page = console + "model?namespace=" + loop.namespace() + "&name=" + MD;
    HeadlessChromium.Page training = chromium.load(page);
    assertThat(training.console()).as("console messages of the model page").isEmpty();
    assertThat(training.bodyAttribute("data-loaded")).isEqualTo("true");
    assertThat(training.bodyAttribute("data-runs")).isEqualTo("1");
    assertThat(number(training.attribute("chart-run-0", "data-points")))
        .as("points of the trials' curves")
        .isGreaterThanOrEqualTo(2);
    assertThat(training.dom()).contains(RUN);
    assertThat(chromium.screenshot(page, screenshots.resolve("model-retraining.png"), WIDTH, 1500))
        .isEmpty();

    // The best trial is blessed and canaried: the charts follow the canary's checks.
    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> canaryChecks(detail()) >= 2);
    double checks = seconds(start);
    HeadlessChromium.Page canary = chromium.load(page);
    assertThat(canary.console()).as("console messages of the model page").isEmpty();
    for (String chart : List.of("chart-weight", "chart-errors", "chart-p99", "chart-accuracy")) {
      assertThat(number(canary.attribute(chart, "data-points")))
          .as("points of %s", chart)
          .isGreaterThanOrEqualTo(2);
    }
    boolean during = detail().path("canary").isObject();
    assertThat(chromium.screenshot(page, screenshots.resolve("model-canary.png"), WIDTH, 1500))
        .isEmpty();
    assertThat(chromium.screenshot(console, screenshots.resolve("list.png"), WIDTH, 360)).isEmpty();

    // The local cluster's console has no token: it only reads.
    InferenceClient.Reply refused =
        new InferenceClient()
            .post(
                console
                    + "api/modeldeployments/"
                    + loop.namespace()
                    + "/"
                    + MD
                    + "/actions/promote",
                java.util.Map.of());
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.text()).contains("read-only");
    System.out.printf(
        "ConsoleE2E: %.1f s from apply to the last page (Ready %.1f s, run created %.1f s, trial"
            + " curves %.1f s, two canary checks %.1f s; canary still running at its load: %s);"
            + " screenshots in %s%n",
        seconds(start), ready, runCreated, curves, checks, during, screenshots);
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static JsonNode detail() {
    InferenceClient.Reply reply =
        new InferenceClient().get(console + "api/modeldeployments/" + loop.namespace() + "/" + MD);
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
}

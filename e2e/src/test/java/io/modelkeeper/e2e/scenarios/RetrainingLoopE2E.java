package io.modelkeeper.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.modelkeeper.e2e.metrics.ScrapedSeries;
import io.modelkeeper.e2e.traffic.InferenceClient;
import io.modelkeeper.e2e.traffic.LabelledTraffic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole loop, unattended, with clients that know only the model's Service: a model serves
 * labelled traffic above its accuracy objective; the world changes (every label flips against the
 * inputs); accuracy falls, the ModelDeployment turns Degraded after slo.for; a run is triggered,
 * trains incrementally on the captured rows with the reference trainer, is blessed on the held-out
 * rows, goes through the canary and is promoted; accuracy on new traffic is back above the
 * objective. Nobody writes a spec.
 */
class RetrainingLoopE2E {

  private static final String MD = "loop";
  private static final Duration PATIENCE = Duration.ofMinutes(8);

  static ClusterUnderTest cluster;
  static RetrainingScenario loop;
  static LabelledTraffic traffic;

  @RegisterExtension
  static final ScenarioCluster scenario =
      ScenarioCluster.local("e2e-retraining-state")
          .describeOnFailure(() -> RetrainingScenario.describe(cluster, MD));

  @BeforeAll
  static void startCluster() {
    cluster = scenario.cluster();
    loop = new RetrainingScenario(cluster, MD);
  }

  @AfterAll
  static void stopTraffic() throws Exception {
    if (traffic != null) {
      traffic.close();
    }
    loop.close();
  }

  @Test
  void aLabelShiftIsRetrainedBlessedCanariedAndPromotedWithoutAnySpecWrite() throws Exception {
    String manifests =
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
            slo:
              for: 6s
              minAccuracy: 0.8
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
            claimName: loop-data
            maxAge: 1h
            minRows: 2000
            holdoutFraction: 0.25
          output: {claimName: loop-models}
          triggers:
            onDegraded: [AccuracyBelowSlo]
          guards: {cooldown: 20s, maxRunsPerDay: 10, maxConsecutiveFailures: 2}
          training:
            mode: incremental
            activeDeadline: 5m
            hyperparameters: {epochs: "30", learning_rate: "0.05"}
          validation: {metric: accuracy, minValue: 0.7, minImprovement: 0.3}
          rollout: automatic
        """
                .formatted(MD, cluster.modelBaseUrl());
    loop.applyAndAwaitReady(manifests);
    long generation = loop.generation();

    // The world as the model knows it: labels agree with its predictions 19 times in 20.
    traffic = loop.startTraffic(13);
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              assertThat(loop.accuracy()).isGreaterThanOrEqualTo(0.85);
              assertThat(loop.condition("Degraded")).startsWith("False");
            });

    // The world changes: every label now says the opposite of what the inputs used to mean.
    traffic.changeTheWorld();
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> assertThat(loop.condition("Degraded")).startsWith("True AccuracyBelowSlo"));

    // A run starts by itself, trains, is blessed, is canaried and promoted.
    Set<String> phases = new LinkedHashSet<>();
    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              GenericKubernetesResource run = onlyRun();
              phases.add(String.valueOf(RetrainingScenario.field(run, "status", "phase")));
              assertThat(RetrainingScenario.field(run, "spec", "trigger")).isEqualTo("Degraded");
              assertThat(RetrainingScenario.field(run, "status", "phase"))
                  .as("phases so far %s", phases)
                  .isEqualTo("Promoted");
            });
    assertThat(phases).contains("Promoted").doesNotContain("NotBlessed", "RolledBack");
    GenericKubernetesResource run = onlyRun();
    String runName = run.getMetadata().getName();
    Map<?, ?> blessing = (Map<?, ?>) RetrainingScenario.field(run, "status", "blessing");
    assertThat(blessing.get("passed")).isEqualTo(true);
    assertThat(((Number) blessing.get("candidate")).doubleValue())
        .isGreaterThan(((Number) blessing.get("serving")).doubleValue() + 0.1);

    String stable =
        cluster
            .kubectl()
            .run(
                "get",
                "md",
                MD,
                "-o",
                "jsonpath={.status.stable.version} {.status.stable.run} {.spec.model.version}")
            .orThrow();
    assertThat(stable).matches("1-r\\d+ " + runName + " 1");
    assertThat(loop.generation()).as("no spec was written").isEqualTo(generation);
    assertThat(cluster.kubectl().run("get", "md", MD).orThrow()).containsPattern("1-r\\d+");

    // New traffic, served by the retrained model, is right again.
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              assertThat(loop.condition("Degraded")).startsWith("False");
              assertThat(loop.accuracy()).isGreaterThanOrEqualTo(0.8);
            });
    assertThat(cluster.kubectl().run("get", "retrainingruns").orThrow())
        .contains("TRIGGER", "PHASE", "ROWS", "CANDIDATE", "SERVING", "BLESSED", "VERSION")
        .contains(runName, "Degraded", "Promoted");

    // The dashboard's retraining panels and the alert name series the operator now exports.
    ExamplesE2E.project = scenario.project();
    ScrapedSeries operator = new ScrapedSeries();
    operator.add(
        new InferenceClient()
            .get(scenario.local().cluster().operator().url() + "/q/metrics")
            .text());
    List<String> unmet = new ArrayList<>();
    for (String expression : ExamplesE2E.dashboardQueries()) {
      if (expression.contains(ExamplesE2E.RETRAINING_SERIES)
          && !expression.contains(ExamplesE2E.TUNING_SERIES)) {
        unmet.addAll(ExamplesE2E.unmet("dashboard", expression, operator));
      }
    }
    for (String expression : ExamplesE2E.alertExpressions()) {
      if (expression.contains(ExamplesE2E.RETRAINING_SERIES)) {
        unmet.addAll(ExamplesE2E.unmet("alert rule", expression, operator));
      }
    }
    assertThat(unmet).as("retraining queries naming series the operator does not export").isEmpty();

    traffic.close();
    assertThat(traffic.failed())
        .as("failed client requests out of %d (last: %s)", traffic.sent(), traffic.lastFailure())
        .isZero();
  }

  private static GenericKubernetesResource onlyRun() {
    List<GenericKubernetesResource> runs = loop.runs();
    assertThat(runs).as("runs").isNotEmpty();
    GenericKubernetesResource newest = runs.get(runs.size() - 1);
    // A run that starts before enough rows were captured ends NotEnoughRows (not a failure that
    // counts); the next trigger after the cooldown tries again with more rows.
    for (GenericKubernetesResource run : runs) {
      if (run != newest && "Failed".equals(RetrainingScenario.field(run, "status", "phase"))) {
        assertThat(String.valueOf(RetrainingScenario.field(run, "status", "message")))
            .startsWith("NotEnoughRows");
      }
    }
    return newest;
  }
}

package io.modelkeeper.operator.retraining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.modelkeeper.api.v1alpha1.Conditions;
import io.modelkeeper.api.v1alpha1.ModelRetraining;
import io.modelkeeper.api.v1alpha1.ModelTask;
import io.modelkeeper.api.v1alpha1.MonitoringSpec;
import io.modelkeeper.api.v1alpha1.RunPhase;
import io.modelkeeper.api.v1alpha1.RunTrigger;
import io.modelkeeper.api.v1alpha1.SloSpec;
import io.modelkeeper.operator.metricsource.ArmMetrics;
import io.modelkeeper.operator.metricsource.PrometheusText;
import io.modelkeeper.operator.metricsource.WindowQuality;
import io.modelkeeper.operator.testing.CrdInMockServer;
import io.modelkeeper.operator.testing.FakeMetricsSource;
import io.modelkeeper.operator.testing.TestCluster;
import io.modelkeeper.operator.testing.TestModels;
import io.modelkeeper.operator.testing.TestRetrainings;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Triggers and guards through the real operator loop: a ModelDeployment Degraded for accuracy
 * starts a run; a second trigger inside the cooldown starts nothing and says which guard held it;
 * failures in a row stall the ModelRetraining until the reset annotation gets a new value.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = CrdInMockServer.class)
class RetrainingGuardsOperatorTest {

  private static final Duration WAIT = RetrainingOperatorTest.WAIT;

  @Inject KubernetesClient client;

  @Inject FakeMetricsSource metrics;

  @Inject PrometheusMeterRegistry registry;

  @Test
  void aSecondTriggerInsideTheCooldownStartsNothingAndSaysSo() {
    degradedModel("cool");
    create(
        TestRetrainings.retraining(
            "cool", "cool", spec -> spec.getTriggers().setOnDegraded(List.of("AccuracyBelowSlo"))));

    awaitPhase("cool-r1", RunPhase.Training);
    assertThat(jobs().runNamed("cool-r1").getSpec().getTrigger()).isEqualTo(RunTrigger.Degraded);
    assertThat(jobs().runNamed("cool-r1").getSpec().getReason()).contains("AccuracyBelowSlo");
    jobs().fail("cool-r1-train", "BackoffLimitExceeded", "out of memory");
    awaitPhase("cool-r1", RunPhase.Failed);

    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              var skipped = retraining("cool").getStatus().getLastSkipped();
              assertThat(skipped.getTrigger()).isEqualTo(RunTrigger.Degraded);
              assertThat(skipped.getGuard()).isEqualTo(Guards.COOLDOWN);
              assertThat(skipped.getMessage()).contains("spec.guards.cooldown 6h");
            });
    assertThat(jobs().runNamed("cool-r2")).as("no second run inside the cooldown").isNull();
    assertThat(new TestCluster(client).events("cool")).contains("RunCreated", "RunHeld");
  }

  @Test
  void failuresInARowStallTheRetrainingUntilTheResetAnnotationChanges() {
    degradedModel("stall");
    create(
        TestRetrainings.retraining(
            "stall",
            "stall",
            spec -> {
              spec.getTriggers().setOnDegraded(List.of("AccuracyBelowSlo"));
              spec.getGuards().setCooldown("0s");
              spec.getGuards().setMaxConsecutiveFailures(2);
              spec.getGuards().setMaxRunsPerDay(100);
            }));

    awaitPhase("stall-r1", RunPhase.Training);
    jobs().fail("stall-r1-train", "BackoffLimitExceeded", "bad data");
    awaitPhase("stall-r2", RunPhase.Training);
    jobs().fail("stall-r2-train", "BackoffLimitExceeded", "bad data");

    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              Condition stalled = condition("stall", Conditions.STALLED);
              assertThat(stalled.getStatus()).isEqualTo("True");
              assertThat(stalled.getReason()).isEqualTo(Conditions.REASON_CONSECUTIVE_FAILURES);
              assertThat(retraining("stall").getStatus().getLastSkipped().getGuard())
                  .isEqualTo(Guards.CONSECUTIVE_FAILURES);
            });
    assertThat(jobs().runNamed("stall-r3")).as("stalled: no third run").isNull();
    assertThat(
            PrometheusText.parse(registry.scrape()).stream()
                .filter(s -> s.name().equals("modelkeeper_retraining_consecutive_failures"))
                .filter(s -> "stall".equals(s.labels().get("retraining")))
                .map(PrometheusText.Sample::value))
        .as("the series the failed-runs alert watches")
        .containsExactly(2.0);

    client
        .resources(ModelRetraining.class)
        .inNamespace(TestModels.NAMESPACE)
        .withName("stall")
        .edit(
            r -> {
              r.getMetadata().setAnnotations(Map.of(RunNames.RESET_FAILURES, "1"));
              return r;
            });
    awaitPhase("stall-r3", RunPhase.Training);
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(condition("stall", Conditions.STALLED).getStatus()).isEqualTo("False"));
  }

  /** A ModelDeployment Degraded with reason AccuracyBelowSlo: accuracy 0.5 under 0.8, for 0s. */
  private void degradedModel(String name) {
    metrics.set(name, "1", accuracy(0.5));
    create(TestModels.model(name, "1", spec -> spec.setMonitoring(monitoring())));
    await()
        .atMost(WAIT)
        .until(
            () -> new TestCluster(client).deployment(TestModels.deploymentName(name, "1")).get(),
            d -> d != null);
    new TestCluster(client).markReady(TestModels.deploymentName(name, "1"), 1);
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(new TestCluster(client).condition(name, Conditions.DEGRADED).getReason())
                    .isEqualTo(Conditions.REASON_ACCURACY_BELOW_SLO));
  }

  private static MonitoringSpec monitoring() {
    SloSpec slo = new SloSpec();
    slo.setMinAccuracy(0.8);
    slo.setHoldFor("0s");
    MonitoringSpec monitoring = new MonitoringSpec();
    monitoring.setTask(ModelTask.BINARY_CLASSIFICATION);
    monitoring.setInterval("1s");
    monitoring.setSlo(slo);
    return monitoring;
  }

  private static ArmMetrics accuracy(double accuracy) {
    return new ArmMetrics(
        100, 0, 0.005, 0.01, 200, accuracy, 0.01, 1, 0, new WindowQuality(Map.of()));
  }

  private Condition condition(String name, String type) {
    return retraining(name).getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElseThrow();
  }

  private ModelRetraining retraining(String name) {
    return jobs().retrainingNamed(name);
  }

  private void awaitPhase(String run, RunPhase phase) {
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> assertThat(jobs().runNamed(run).getStatus().getPhase()).isEqualTo(phase));
  }

  private void create(io.fabric8.kubernetes.api.model.HasMetadata object) {
    client.resource(object).create();
  }

  private TestRetrainings jobs() {
    return new TestRetrainings(client);
  }
}

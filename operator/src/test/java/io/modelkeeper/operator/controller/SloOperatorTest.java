package io.modelkeeper.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.modelkeeper.api.v1alpha1.Conditions;
import io.modelkeeper.api.v1alpha1.FeatureDrift;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelTask;
import io.modelkeeper.api.v1alpha1.MonitoringSpec;
import io.modelkeeper.api.v1alpha1.SloCrossing;
import io.modelkeeper.api.v1alpha1.SloSpec;
import io.modelkeeper.operator.metricsource.ArmMetrics;
import io.modelkeeper.operator.metricsource.PrometheusText;
import io.modelkeeper.operator.metricsource.QualityFigure;
import io.modelkeeper.operator.metricsource.WindowQuality;
import io.modelkeeper.operator.testing.CrdInMockServer;
import io.modelkeeper.operator.testing.FakeMetricsSource;
import io.modelkeeper.operator.testing.TestCluster;
import io.modelkeeper.operator.testing.TestModels;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The serving version's figures reach status.metrics and, once an objective stayed crossed for
 * spec.monitoring.slo.for, the Degraded condition, through the real operator loop on the mock API
 * server, with figures from {@link FakeMetricsSource}.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = CrdInMockServer.class)
class SloOperatorTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Inject KubernetesClient client;

  @Inject FakeMetricsSource metrics;

  @Inject PrometheusMeterRegistry registry;

  @Test
  void driftCrossedForTheHoldDegradesAndRecoversAtOnce() {
    metrics.set("watched", "1", quality(0.9, 0.05));
    client
        .resources(ModelDeployment.class)
        .inNamespace(TestModels.NAMESPACE)
        .resource(TestModels.model("watched", "1", spec -> spec.setMonitoring(monitoring("2s"))))
        .create();
    await()
        .atMost(WAIT)
        .until(() -> deployment(TestModels.deploymentName("watched", "1")).get(), d -> d != null);
    markReady(TestModels.deploymentName("watched", "1"), 1);

    await()
        .ignoreExceptions()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              ModelDeployment md = model();
              assertThat(md.getStatus().getMetrics().getAccuracy()).isEqualTo(0.9);
              assertThat(md.getStatus().getMetrics().getDrift()).isEqualTo(0.05);
              assertThat(md.getStatus().getMetrics().getLabelled()).isEqualTo(200L);
              assertThat(md.getStatus().getMetrics().getF1()).isEqualTo(0.85);
              assertThat(degraded().getStatus()).isEqualTo("False");
              assertThat(degraded().getReason()).isEqualTo(Conditions.REASON_SLO_MET);
            });
    assertThat(model().getStatus().getMetrics().getAuc()).as("not measured stays absent").isNull();
    assertThat(model().getStatus().getSloCrossings()).isNull();

    metrics.set(
        "watched",
        "1",
        withFeatureDrift(quality(0.9, 1.5), Map.of("amount", 1.5, "age", 0.1, "hour", 0.3)));
    await()
        .ignoreExceptions()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> {
              assertThat(degraded().getStatus()).isEqualTo("False");
              assertThat(degraded().getReason()).isEqualTo(Conditions.REASON_SLO_PENDING);
              assertThat(degraded().getMessage())
                  .contains("Degraded if still so at")
                  .contains("spec.monitoring.slo.for 2s");
            });
    String since = model().getStatus().getSloCrossings().get(0).getSince();
    assertThat(model().getStatus().getSloCrossings())
        .singleElement()
        .satisfies(c -> assertThat(c.getObjective()).isEqualTo("maxDrift"));
    assertThat(model().getStatus().getPhase().name())
        .as("not degraded while pending")
        .isEqualTo("Ready");

    await()
        .ignoreExceptions()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(degraded().getStatus()).isEqualTo("True");
              assertThat(degraded().getReason()).isEqualTo(Conditions.REASON_DRIFT_ABOVE_SLO);
              assertThat(degraded().getMessage())
                  .contains(
                      "drift score 1.5 is above spec.monitoring.slo.maxDrift 0.2, since " + since);
              assertThat(gauge("DriftAboveSlo")).isEqualTo(1.0);
            });
    assertThat(model().getStatus().getMetrics().getDriftedFeatures())
        .as("the serving version's most drifted features, most drifted first")
        .extracting(FeatureDrift::getFeature, FeatureDrift::getPsi)
        .containsExactly(tuple("amount", 1.5), tuple("hour", 0.3), tuple("age", 0.1));
    assertThat(
            Duration.between(
                Instant.parse(since), Instant.parse(degraded().getLastTransitionTime())))
        .as("degraded only once crossed for spec.monitoring.slo.for")
        .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    assertThat(model().getStatus().getPhase().name()).isEqualTo("Degraded");

    metrics.set("watched", "1", quality(0.9, 0.05));
    await()
        .ignoreExceptions()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(degraded().getStatus()).isEqualTo("False");
              assertThat(degraded().getReason()).isEqualTo(Conditions.REASON_SLO_MET);
              assertThat(gauge("SloMet")).isZero();
            });
    assertThat(model().getStatus().getSloCrossings()).isNull();
    assertThat(model().getStatus().getMetrics().getDriftedFeatures())
        .as("figures of the last read only")
        .isNull();
    assertThat(gauge("DriftAboveSlo")).as("the old reason's series is gone").isNull();
    List<String> events = events("watched");
    assertThat(events.stream().filter("DriftAboveSlo"::equals))
        .as("one Event per transition")
        .hasSize(1);
    assertThat(events).contains("Recovered").doesNotContain(Conditions.REASON_SLO_PENDING);
  }

  @Test
  void theHoldClockLivesInStatusNotInTheOperatorsMemory() {
    metrics.set("resumed", "1", quality(0.9, 1.5));
    client
        .resources(ModelDeployment.class)
        .inNamespace(TestModels.NAMESPACE)
        .resource(TestModels.model("resumed", "1", spec -> spec.setMonitoring(monitoring("1h"))))
        .create();
    await()
        .atMost(WAIT)
        .until(() -> deployment(TestModels.deploymentName("resumed", "1")).get(), d -> d != null);
    markReady(TestModels.deploymentName("resumed", "1"), 1);
    await()
        .ignoreExceptions()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(cluster().condition("resumed", Conditions.DEGRADED).getReason())
                    .isEqualTo(Conditions.REASON_SLO_PENDING));

    // As an operator that restarted finds it: a crossing that began two hours ago.
    String twoHoursAgo =
        Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS).toString();
    await()
        .ignoreExceptions()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Condition degraded = cluster().condition("resumed", Conditions.DEGRADED);
              if (!"True".equals(degraded.getStatus())) {
                // Retried: the operator may write its own status over this edit before it reads it.
                cluster()
                    .models()
                    .withName("resumed")
                    .editStatus(
                        md -> {
                          md.getStatus()
                              .setSloCrossings(List.of(new SloCrossing("maxDrift", twoHoursAgo)));
                          return md;
                        });
              }
              assertThat(degraded.getStatus()).isEqualTo("True");
              assertThat(degraded.getReason()).isEqualTo(Conditions.REASON_DRIFT_ABOVE_SLO);
              assertThat(degraded.getMessage()).contains("since " + twoHoursAgo);
            });
  }

  private static ArmMetrics quality(double accuracy, double drift) {
    return new ArmMetrics(
        100,
        0,
        0.005,
        0.01,
        200,
        accuracy,
        drift,
        1,
        0,
        new WindowQuality(
            Map.of(
                QualityFigure.PRECISION, 0.8, QualityFigure.RECALL, 0.9, QualityFigure.F1, 0.85)));
  }

  private static ArmMetrics withFeatureDrift(ArmMetrics figures, Map<String, Double> psi) {
    return new ArmMetrics(
        figures.requests(),
        figures.errors(),
        figures.latencyP50Seconds(),
        figures.latencyP99Seconds(),
        figures.labelled(),
        figures.accuracy(),
        figures.drift(),
        figures.podsRead(),
        figures.podsMissed(),
        figures.quality(),
        figures.importance(),
        psi);
  }

  private static MonitoringSpec monitoring(String holdFor) {
    SloSpec slo = new SloSpec();
    slo.setMinAccuracy(0.8);
    slo.setMaxDrift(0.2);
    slo.setHoldFor(holdFor);
    MonitoringSpec monitoring = new MonitoringSpec();
    monitoring.setTask(ModelTask.BINARY_CLASSIFICATION);
    monitoring.setInterval("1s");
    monitoring.setSlo(slo);
    return monitoring;
  }

  private Double gauge(String reason) {
    return PrometheusText.parse(registry.scrape()).stream()
        .filter(s -> s.name().equals("modelkeeper_modeldeployment_degraded"))
        .filter(
            s ->
                "watched".equals(s.labels().get("modeldeployment"))
                    && reason.equals(s.labels().get("reason")))
        .map(PrometheusText.Sample::value)
        .findFirst()
        .orElse(null);
  }

  private ModelDeployment model() {
    return cluster().model("watched");
  }

  private Condition degraded() {
    return cluster().condition("watched", Conditions.DEGRADED);
  }

  private io.fabric8.kubernetes.client.dsl.Resource<Deployment> deployment(String name) {
    return cluster().deployment(name);
  }

  private List<String> events(String name) {
    return cluster().events(name);
  }

  private void markReady(String name, int pods) {
    cluster().markReady(name, pods);
  }

  private TestCluster cluster() {
    return new TestCluster(client);
  }
}

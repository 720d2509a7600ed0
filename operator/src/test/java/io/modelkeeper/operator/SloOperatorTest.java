package io.modelkeeper.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.modelkeeper.api.v1alpha1.Conditions;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelTask;
import io.modelkeeper.api.v1alpha1.MonitoringSpec;
import io.modelkeeper.api.v1alpha1.SloSpec;
import io.modelkeeper.operator.metrics.ArmMetrics;
import io.modelkeeper.operator.metrics.PrometheusText;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The serving version's figures reach status.metrics and the Degraded condition through the real
 * operator loop on the mock API server, with figures from {@link FakeMetricsSource}.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = CrdInMockServer.class)
class SloOperatorTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    KubernetesClient client;

    @Inject
    FakeMetricsSource metrics;

    @Inject
    PrometheusMeterRegistry registry;

    @Test
    void driftCrossingTheObjectiveDegradesAndRecovers() {
        metrics.set("watched", "1", quality(0.9, 0.05));
        client.resources(ModelDeployment.class).inNamespace(TestModels.NAMESPACE)
                .resource(TestModels.model("watched", "1", spec -> spec.setMonitoring(monitoring()))).create();
        await().atMost(WAIT).until(() -> deployment(TestModels.deploymentName("watched", "1")).get(), d -> d != null);
        markReady(TestModels.deploymentName("watched", "1"), 1);

        await().ignoreExceptions().atMost(WAIT).untilAsserted(() -> {
            ModelDeployment md = model();
            assertThat(md.getStatus().getMetrics().getAccuracy()).isEqualTo(0.9);
            assertThat(md.getStatus().getMetrics().getDrift()).isEqualTo(0.05);
            assertThat(md.getStatus().getMetrics().getLabelled()).isEqualTo(200L);
            assertThat(degraded().getStatus()).isEqualTo("False");
            assertThat(degraded().getReason()).isEqualTo(Conditions.REASON_SLO_MET);
        });
        assertThat(model().getStatus().getMetrics().getAuc()).as("not measured stays absent").isNull();

        metrics.set("watched", "1", quality(0.9, 1.5));
        await().ignoreExceptions().atMost(WAIT).untilAsserted(() -> {
            assertThat(degraded().getStatus()).isEqualTo("True");
            assertThat(degraded().getReason()).isEqualTo(Conditions.REASON_DRIFT_ABOVE_SLO);
            assertThat(degraded().getMessage())
                    .contains("drift score 1.5 is above spec.monitoring.slo.maxDrift 0.2");
            assertThat(gauge("DriftAboveSlo")).isEqualTo(1.0);
        });
        assertThat(model().getStatus().getPhase().name()).isEqualTo("Degraded");

        metrics.set("watched", "1", quality(0.9, 0.05));
        await().ignoreExceptions().atMost(WAIT).untilAsserted(() -> {
            assertThat(degraded().getStatus()).isEqualTo("False");
            assertThat(degraded().getReason()).isEqualTo(Conditions.REASON_SLO_MET);
            assertThat(gauge("SloMet")).isZero();
        });
        assertThat(gauge("DriftAboveSlo")).as("the old reason's series is gone").isNull();
        List<String> events = events();
        assertThat(events.stream().filter("DriftAboveSlo"::equals)).as("one Event per transition").hasSize(1);
        assertThat(events).contains("Recovered");
    }

    private static ArmMetrics quality(double accuracy, double drift) {
        return new ArmMetrics(100, 0, 0.005, 0.01, 200, accuracy, drift, 1, 0);
    }

    private static MonitoringSpec monitoring() {
        SloSpec slo = new SloSpec();
        slo.setMinAccuracy(0.8);
        slo.setMaxDrift(0.2);
        MonitoringSpec monitoring = new MonitoringSpec();
        monitoring.setTask(ModelTask.BINARY_CLASSIFICATION);
        monitoring.setInterval("1s");
        monitoring.setSlo(slo);
        return monitoring;
    }

    private Double gauge(String reason) {
        return PrometheusText.parse(registry.scrape()).stream()
                .filter(s -> s.name().equals("modelkeeper_modeldeployment_degraded"))
                .filter(s -> "watched".equals(s.labels().get("modeldeployment")) && reason.equals(s.labels().get("reason")))
                .map(PrometheusText.Sample::value)
                .findFirst().orElse(null);
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

    private List<String> events() {
        return cluster().events("watched");
    }

    private void markReady(String name, int pods) {
        cluster().markReady(name, pods);
    }

    private TestCluster cluster() {
        return new TestCluster(client);
    }
}

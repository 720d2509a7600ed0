package io.modelkeeper.operator.controller;

import static io.modelkeeper.operator.testing.TestModels.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.modelkeeper.api.v1alpha1.Conditions;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.RolloutResult;
import io.modelkeeper.operator.metricsource.PrometheusText;
import io.modelkeeper.operator.testing.CrdInMockServer;
import io.modelkeeper.operator.testing.FakeMetricsSource;
import io.modelkeeper.operator.testing.TestCluster;
import io.modelkeeper.operator.testing.TestModels;
import io.modelkeeper.operator.workload.WorkloadLabels;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Canaries through the real operator event loop on the mock API server, with per-version figures
 * from {@link FakeMetricsSource}; the test plays the Deployment controller.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = CrdInMockServer.class)
class CanaryOperatorTest {

  private static final Duration WAIT = Duration.ofSeconds(40);

  @Inject KubernetesClient client;

  @Inject FakeMetricsSource metrics;

  @Inject PrometheusMeterRegistry registry;

  @Test
  void goodCanaryWalksEveryStepToPromotion() {
    serveVersionOne("walk");
    metrics.set("walk", "1", FakeMetricsSource.serving(1000, 10, 0.05));
    metrics.set("walk", "2", FakeMetricsSource.serving(400, 4, 0.05));
    List<Integer> stepsSeen = new ArrayList<>();

    newVersion("walk", "2");
    Deployment canary =
        await()
            .atMost(WAIT)
            .until(() -> deployment(TestModels.deploymentName("walk", "2")).get(), d -> d != null);
    assertThat(canary.getMetadata().getLabels()).containsEntry(WorkloadLabels.ARM, "canary");
    assertThat(canary.getSpec().getReplicas()).as("25% beside 2 stable pods").isEqualTo(1);
    markReady(TestModels.deploymentName("walk", "2"), 1);

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              ModelDeployment md = model("walk");
              if (md.getStatus().getCanary() != null
                  && !stepsSeen.contains(md.getStatus().getCanary().getStep())) {
                stepsSeen.add(md.getStatus().getCanary().getStep());
              }
              assertThat(md.getStatus().getCanary().getStep()).isEqualTo(1);
              assertThat(
                      deployment(TestModels.deploymentName("walk", "2"))
                          .get()
                          .getSpec()
                          .getReplicas())
                  .isEqualTo(2);
            });
    assertThat(deployment(TestModels.deploymentName("walk", "1")).get().getSpec().getReplicas())
        .as("stable keeps its size")
        .isEqualTo(2);
    markReady(TestModels.deploymentName("walk", "2"), 2);

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              ModelDeployment md = model("walk");
              assertThat(md.getStatus().getStable().getVersion()).isEqualTo("2");
              assertThat(md.getStatus().getCanary()).isNull();
              assertThat(md.getStatus().getHistory())
                  .last()
                  .satisfies(
                      h -> {
                        assertThat(h.getResult()).isEqualTo(RolloutResult.Promoted);
                        assertThat(h.getReason()).contains("all 2 steps passed");
                      });
              assertThat(deployment(TestModels.deploymentName("walk", "1")).get())
                  .as("old version removed once drained")
                  .isNull();
              assertThat(
                      deployment(TestModels.deploymentName("walk", "2"))
                          .get()
                          .getMetadata()
                          .getLabels())
                  .containsEntry(WorkloadLabels.ARM, "stable");
            });
    assertThat(stepsSeen).containsExactly(0, 1);
    assertThat(events("walk")).contains("CanaryStarted", "CanaryAdvanced", "Promoted");
    List<PrometheusText.Sample> scrape = PrometheusText.parse(registry.scrape());
    assertThat(value(scrape, "modelkeeper_analysis_decisions_total", "walk", "decision", "Advance"))
        .isEqualTo(1.0);
    assertThat(value(scrape, "modelkeeper_analysis_decisions_total", "walk", "decision", "Promote"))
        .isEqualTo(1.0);
    assertThat(value(scrape, "modelkeeper_rollouts_total", "walk", "result", "Promoted"))
        .isEqualTo(1.0);
    assertThat(value(scrape, "modelkeeper_canary_weight", "walk")).isZero();
    assertThat(value(scrape, "modelkeeper_modeldeployment_degraded", "walk", "reason", "Healthy"))
        .isZero();
  }

  @Test
  void failingCanaryIsRolledBackWhileStableKeepsServing() {
    serveVersionOne("sour");
    metrics.set("sour", "1", FakeMetricsSource.serving(1000, 0, 0.05));
    metrics.set("sour", "2", FakeMetricsSource.serving(400, 400, 0.05));

    newVersion("sour", "2");
    await()
        .atMost(WAIT)
        .until(() -> deployment(TestModels.deploymentName("sour", "2")).get(), d -> d != null);
    markReady(TestModels.deploymentName("sour", "2"), 1);

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              ModelDeployment md = model("sour");
              assertThat(md.getStatus().getCanary()).isNull();
              assertThat(md.getStatus().getRejected().getVersion()).isEqualTo("2");
              assertThat(md.getStatus().getHistory())
                  .last()
                  .satisfies(
                      h -> {
                        assertThat(h.getResult()).isEqualTo(RolloutResult.RolledBack);
                        assertThat(h.getReason()).contains("higher than stable's");
                      });
              assertThat(condition("sour", Conditions.PROGRESSING).getReason())
                  .isEqualTo(Conditions.REASON_ROLLED_BACK);
              assertThat(deployment(TestModels.deploymentName("sour", "2")).get()).isNull();
            });
    assertThat(deployment(TestModels.deploymentName("sour", "1")).get().getSpec().getReplicas())
        .isEqualTo(2);
    assertThat(condition("sour", Conditions.READY).getStatus()).isEqualTo("True");
    assertThat(events("sour")).contains("RolledBack");

    int readsAfterRollback = metrics.reads("sour", "2");
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              assertThat(deployment(TestModels.deploymentName("sour", "2")).get())
                  .as("a rolled-back version is not retried")
                  .isNull();
              assertThat(metrics.reads("sour", "2")).isEqualTo(readsAfterRollback);
            });
  }

  @Test
  void aModelDeploymentsRolloutSeriesExistFromItsFirstReconcileAndGoWhenItIsDeleted() {
    serveVersionOne("gauged");

    List<PrometheusText.Sample> before = PrometheusText.parse(registry.scrape());
    assertThat(
            value(before, "modelkeeper_analysis_decisions_total", "gauged", "decision", "RollBack"))
        .isZero();
    assertThat(value(before, "modelkeeper_rollouts_total", "gauged", "result", "Failed")).isZero();
    assertThat(value(before, "modelkeeper_canary_weight", "gauged")).isZero();
    assertThat(before)
        .as("per-arm figures are in status, not series")
        .noneMatch(sample -> sample.name().startsWith("modelkeeper_arm_"));

    models().withName("gauged").delete();

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(PrometheusText.parse(registry.scrape()))
                    .noneMatch(sample -> "gauged".equals(sample.labels().get("modeldeployment"))));
  }

  /** The value of the series with the ModelDeployment's labels and the given extra label. */
  private static Double value(
      List<PrometheusText.Sample> scrape, String name, String md, String... label) {
    return scrape.stream()
        .filter(sample -> sample.name().equals(name))
        .filter(
            sample ->
                md.equals(sample.labels().get("modeldeployment"))
                    && TestModels.NAMESPACE.equals(sample.labels().get("namespace")))
        .filter(sample -> label.length == 0 || label[1].equals(sample.labels().get(label[0])))
        .map(PrometheusText.Sample::value)
        .findFirst()
        .orElse(null);
  }

  private void serveVersionOne(String name) {
    models()
        .resource(
            TestModels.model(
                name,
                "1",
                spec -> {
                  spec.getServing().setReplicas(2);
                  spec.getRollout().setSteps(List.of(step(25, "2s"), step(50, "2s")));
                  spec.getRollout().getAnalysis().setInterval("1s");
                  spec.getRollout().getAnalysis().setMinRequests(100);
                }))
        .create();
    await()
        .atMost(WAIT)
        .until(() -> deployment(TestModels.deploymentName(name, "1")).get(), d -> d != null);
    markReady(TestModels.deploymentName(name, "1"), 2);
    await().atMost(WAIT).until(() -> "True".equals(condition(name, Conditions.READY).getStatus()));
  }

  private void newVersion(String name, String version) {
    models()
        .withName(name)
        .edit(
            md -> {
              md.getSpec().getModel().setVersion(version);
              md.getSpec()
                  .getModel()
                  .setUri("https://models.example.com/" + name + "/" + version + "/model.onnx");
              return md;
            });
  }

  private NonNamespaceOperation<
          ModelDeployment, KubernetesResourceList<ModelDeployment>, Resource<ModelDeployment>>
      models() {
    return cluster().models();
  }

  private ModelDeployment model(String name) {
    return cluster().model(name);
  }

  private Condition condition(String name, String type) {
    return cluster().condition(name, type);
  }

  private Resource<Deployment> deployment(String name) {
    return cluster().deployment(name);
  }

  private List<String> events(String name) {
    return cluster().events(name);
  }

  private void markReady(String deploymentName, int pods) {
    cluster().markReady(deploymentName, pods);
  }

  private TestCluster cluster() {
    return new TestCluster(client);
  }
}

package io.modelkeeper.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelTask;
import io.modelkeeper.api.v1alpha1.MonitoringSpec;
import io.modelkeeper.operator.testing.CrdInMockServer;
import io.modelkeeper.operator.testing.FakeMetricsSource;
import io.modelkeeper.operator.testing.TestCluster;
import io.modelkeeper.operator.testing.TestModels;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;

/**
 * A spec edit that lands while a reconcile is between its reading and its status write is acted on
 * at once, not at the next periodic reconcile (a minute away in this profile as in production).
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = CrdInMockServer.class)
class SpecEditRaceOperatorTest {

  private static final Duration WAIT = Duration.ofSeconds(40);

  @Inject KubernetesClient client;

  @Inject FakeMetricsSource metrics;

  @RepeatedTest(3)
  void aVersionBumpDuringAStatusWriteStartsTheCanaryAtOnce() throws InterruptedException {
    String name = "race" + System.nanoTime() % 100000;
    TestCluster cluster = new TestCluster(client);
    metrics.set(name, "1", FakeMetricsSource.serving(100, 0, 0.01));
    cluster
        .models()
        .resource(
            TestModels.model(
                name,
                "1",
                spec -> {
                  MonitoringSpec monitoring = new MonitoringSpec();
                  monitoring.setTask(ModelTask.BINARY_CLASSIFICATION);
                  monitoring.setInterval("1s");
                  spec.setMonitoring(monitoring);
                }))
        .create();
    String stable = TestModels.deploymentName(name, "1");
    await().atMost(WAIT).until(() -> cluster.deployment(stable).get() != null);
    cluster.markReady(stable, 1);
    await()
        .atMost(WAIT)
        .until(
            () -> {
              ModelDeployment md = cluster.model(name);
              return md.getStatus() != null && md.getStatus().getMetrics() != null;
            });

    // The next reconcile reads the serving figures, then writes status; the edit lands between.
    CountDownLatch edited = new CountDownLatch(1);
    metrics.duringNextRead(
        name,
        () -> {
          cluster.editModel(
              name,
              md -> {
                md.getSpec().getModel().setVersion("2");
                md.getSpec()
                    .getModel()
                    .setUri("https://models.example.com/" + name + "/2/model.onnx");
                return md;
              });
          edited.countDown();
        });
    assertThat(edited.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    await()
        .atMost(Duration.ofSeconds(8))
        .untilAsserted(
            () ->
                assertThat(cluster.deployment(TestModels.deploymentName(name, "2")).get())
                    .as("canary of the edited version")
                    .isNotNull());
  }
}

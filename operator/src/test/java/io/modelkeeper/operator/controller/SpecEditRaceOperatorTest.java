package io.modelkeeper.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.MonitoringSpec;
import io.modelkeeper.operator.testing.CrdInMockServer;
import io.modelkeeper.operator.testing.FakeMetricsSource;
import io.modelkeeper.operator.testing.TestCluster;
import io.modelkeeper.operator.testing.TestModels;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.RepeatedTest;

/**
 * A spec edit that the API server applies while the operator's status write is on its way is acted
 * on at once, not at the next periodic reconcile (a minute away in this profile as in production).
 *
 * <p>The edit is made from inside the operator's own client, after the status write has left the
 * reconciler and before it reaches the API server: the watch event of the edit then arrives while
 * the operator is filtering the events of its own write, and the write's answer already carries the
 * edited spec. That is the order in which the edit used to be lost.
 */
@QuarkusTest
@TestProfile(SpecEditRaceOperatorTest.EditsDuringStatusWrites.class)
@WithKubernetesTestServer(crud = true, setup = CrdInMockServer.class)
class SpecEditRaceOperatorTest {

  private static final Duration WAIT = Duration.ofSeconds(40);

  /** Run once, on the reconciler's thread, just before its next status write is sent. */
  static final AtomicReference<Runnable> BEFORE_NEXT_STATUS_WRITE = new AtomicReference<>();

  @Inject KubernetesClient client;

  @Inject FakeMetricsSource metrics;

  @RepeatedTest(2)
  void aVersionBumpDuringAStatusWriteStartsTheCanaryAtOnce() throws InterruptedException {
    String name = "race" + System.nanoTime() % 100000;
    TestCluster cluster = new TestCluster(client);
    metrics.set(name, "1", FakeMetricsSource.serving(100, 0, 0.01));
    // Figures read every 5 minutes: nothing but an event brings the next reconcile before the
    // periodic one, a minute away.
    cluster
        .models()
        .resource(
            TestModels.model(
                name,
                "1",
                spec -> {
                  MonitoringSpec monitoring = new MonitoringSpec();
                  monitoring.setInterval("5m");
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
              return md.getStatus() != null
                  && md.getStatus().getStable() != null
                  && Integer.valueOf(1).equals(md.getStatus().getStable().getReadyReplicas());
            });

    CountDownLatch edited = new CountDownLatch(1);
    BEFORE_NEXT_STATUS_WRITE.set(
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
          pause(Duration.ofMillis(500)); // the edit's watch event reaches the operator meanwhile
          edited.countDown();
        });
    // A second ready pod changes the status, so the reconcile it causes writes it.
    cluster.markReady(stable, 2);
    assertThat(edited.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    await()
        .atMost(Duration.ofSeconds(8))
        .untilAsserted(
            () ->
                assertThat(cluster.deployment(TestModels.deploymentName(name, "2")).get())
                    .as("canary of the edited version")
                    .isNotNull());
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The operator's client, with a hook before its status writes of ModelDeployments. */
  public static final class EditsDuringStatusWrites implements QuarkusTestProfile {
    @Override
    public Set<Class<?>> getEnabledAlternatives() {
      return Set.of(HookedClient.class);
    }
  }

  @Alternative
  @Singleton
  public static class HookedClient {
    @Produces
    @Singleton
    KubernetesClient client(Config config, KubernetesSerialization serialization) {
      Interceptor hook =
          new Interceptor() {
            @Override
            public void before(
                BasicBuilder builder, HttpRequest request, Interceptor.RequestTags tags) {
              String path = request.uri().getPath();
              if (path.contains("/modeldeployments/") && path.endsWith("/status")) {
                Runnable once = BEFORE_NEXT_STATUS_WRITE.getAndSet(null);
                if (once != null) {
                  once.run();
                }
              }
            }
          };
      return new KubernetesClientBuilder()
          .withConfig(config)
          .withKubernetesSerialization(serialization)
          .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("spec-edit-race", hook))
          .build();
    }
  }
}

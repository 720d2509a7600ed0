package io.modelkeeper.operator.controller;

import static io.modelkeeper.operator.testing.TestModels.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.RolloutResult;
import io.modelkeeper.operator.rollout.ManualControl;
import io.modelkeeper.operator.testing.CrdInMockServer;
import io.modelkeeper.operator.testing.FakeMetricsSource;
import io.modelkeeper.operator.testing.TestCluster;
import io.modelkeeper.operator.testing.TestModels;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A write that meets a newer object (409 Conflict) must not make the operator forget what it
 * decided: the model it rolled back stays rejected, and an annotation it acted on is not acted on
 * again.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = CrdInMockServer.class)
class ConflictOperatorTest {

  private static final Duration WAIT = Duration.ofSeconds(40);
  private static final String NAME = "clash";

  @KubernetesTestServer KubernetesServer server;

  @Inject KubernetesClient client;

  @Inject FakeMetricsSource metrics;

  @Test
  void aConflictAfterAnAbortNeitherRestartsTheRejectedModelNorReplaysTheAnnotation() {
    TestCluster cluster = new TestCluster(client);
    String stable = TestModels.deploymentName(NAME, "1");
    String canary = TestModels.deploymentName(NAME, "2");
    metrics.set(NAME, "1", FakeMetricsSource.serving(1000, 0, 0.05));
    metrics.set(NAME, "2", FakeMetricsSource.serving(400, 0, 0.05));
    cluster
        .models()
        .resource(
            TestModels.model(
                NAME,
                "1",
                spec -> {
                  spec.getRollout().setSteps(List.of(step(50, "10m")));
                  spec.getRollout().getAnalysis().setInterval("1s");
                }))
        .create();
    await().atMost(WAIT).until(() -> cluster.deployment(stable).get() != null);
    cluster.markReady(stable, 1);
    await().atMost(WAIT).until(() -> stableVersion(cluster, "1"));

    cluster.editModel(NAME, md -> withVersion(md, "2"));
    await().atMost(WAIT).until(() -> cluster.deployment(canary).get() != null);
    cluster.markReady(canary, 1);
    cluster.editModel(
        NAME,
        md -> {
          if (md.getMetadata().getAnnotations() == null) {
            md.getMetadata().setAnnotations(new HashMap<>());
          }
          md.getMetadata().getAnnotations().put(ManualControl.ABORT, "bad batch");
          return md;
        });
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              ModelDeployment md = cluster.model(NAME);
              assertThat(md.getStatus().getRejected().getVersion()).isEqualTo("2");
              assertThat(md.getStatus().getHistory())
                  .last()
                  .satisfies(h -> assertThat(h.getResult()).isEqualTo(RolloutResult.RolledBack));
              assertThat(cluster.deployment(canary).get()).isNull();
            });
    long startsBefore = count(cluster, "CanaryStarted");
    long rollbacksBefore = count(cluster, "RolledBack");

    // Someone changes the stable Deployment; the operator's first two writes putting it back meet
    // a newer object, as when its informer lags behind the API server.
    server
        .expect()
        .put()
        .withPath("/apis/apps/v1/namespaces/" + TestModels.NAMESPACE + "/deployments/" + stable)
        .andReturn(
            409,
            new StatusBuilder()
                .withStatus("Failure")
                .withReason("Conflict")
                .withCode(409)
                .withMessage("the object has been modified; please apply your changes")
                .build())
        .times(2);
    cluster.editDeployment(
        stable,
        d -> {
          d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("tampered:1");
          return d;
        });
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(image(cluster.deployment(stable).get()))
                    .as("put back after the conflicts")
                    .isNotEqualTo("tampered:1"));

    // Several reconciles later, nothing it decided before the conflict is undone.
    await()
        .during(Duration.ofSeconds(4))
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              ModelDeployment md = cluster.model(NAME);
              assertThat(md.getStatus().getRejected().getVersion()).isEqualTo("2");
              assertThat(md.getStatus().getManualActions())
                  .anySatisfy(a -> assertThat(a.getAnnotation()).isEqualTo(ManualControl.ABORT));
              assertThat(md.getStatus().getCanary()).isNull();
              assertThat(cluster.deployment(canary).get())
                  .as("the rolled-back model is not started again")
                  .isNull();
              assertThat(count(cluster, "CanaryStarted")).isEqualTo(startsBefore);
              assertThat(count(cluster, "RolledBack")).isEqualTo(rollbacksBefore);
            });
  }

  private static boolean stableVersion(TestCluster cluster, String version) {
    ModelDeployment md = cluster.model(NAME);
    return md.getStatus() != null
        && md.getStatus().getStable() != null
        && version.equals(md.getStatus().getStable().getVersion());
  }

  private static ModelDeployment withVersion(ModelDeployment md, String version) {
    md.getSpec().getModel().setVersion(version);
    md.getSpec()
        .getModel()
        .setUri("https://models.example.com/" + NAME + "/" + version + "/model.onnx");
    return md;
  }

  private static String image(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  private static long count(TestCluster cluster, String reason) {
    return cluster.events(NAME).stream().filter(reason::equals).count();
  }
}

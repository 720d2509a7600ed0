package io.modelkeeper.operator.controller;

import static io.modelkeeper.operator.testing.TestModels.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelkeeper.api.v1alpha1.Conditions;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.RolloutResult;
import io.modelkeeper.operator.testing.CrdInMockServer;
import io.modelkeeper.operator.testing.FakeMetricsSource;
import io.modelkeeper.operator.testing.TestCluster;
import io.modelkeeper.operator.testing.TestModels;
import io.modelkeeper.operator.testing.TestWorkloads;
import io.modelkeeper.operator.workload.ModelVersion;
import io.modelkeeper.operator.workload.WorkloadLabels;
import io.modelkeeper.operator.workload.WorkloadNames;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A new uri under the serving version string is a canary of its own revision, through the real
 * operator event loop on the mock API server; and Deployments made before revisions existed are
 * adopted as they are.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = CrdInMockServer.class)
class RevisionOperatorTest {

  private static final Duration WAIT = Duration.ofSeconds(40);

  @Inject KubernetesClient client;

  @Inject FakeMetricsSource metrics;

  @Test
  void aNewUriUnderTheServingVersionIsACanaryWalkedToPromotion() {
    ModelVersion first = serveVersionOne("refit");
    ModelVersion retrained = file("refit", "retrained");
    metrics.set("refit", first, FakeMetricsSource.serving(1000, 10, 0.05));
    metrics.set("refit", retrained, FakeMetricsSource.serving(400, 4, 0.05));

    newUri("refit", retrained);
    String canaryName = WorkloadNames.deployment(cluster().model("refit"), retrained);
    Deployment canary =
        await()
            .ignoreExceptions()
            .atMost(WAIT)
            .until(() -> cluster().deployment(canaryName).get(), d -> d != null);
    assertThat(canaryName).isNotEqualTo(deploymentName("refit", first));
    assertThat(canary.getMetadata().getLabels())
        .containsEntry(WorkloadLabels.ARM, "canary")
        .containsEntry(WorkloadLabels.MODEL_VERSION, "1")
        .containsEntry(WorkloadLabels.REVISION, retrained.revision());
    assertThat(canary.getSpec().getSelector().getMatchLabels())
        .containsEntry(WorkloadLabels.REVISION, retrained.revision());
    await()
        .ignoreExceptions()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              ModelDeployment md = cluster().model("refit");
              assertThat(md.getStatus().getCanary().getVersion()).isEqualTo("1");
              assertThat(md.getStatus().getCanary().getUri()).isEqualTo(retrained.uri());
              assertThat(md.getStatus().getCanary().getRevision()).isEqualTo(retrained.revision());
              assertThat(md.getStatus().getCanary().getDeployment()).isEqualTo(canaryName);
              assertThat(md.getStatus().getStable().getRevision()).isEqualTo(first.revision());
            });
    cluster().markReady(canaryName, 1);

    await()
        .ignoreExceptions()
        .atMost(WAIT)
        .until(() -> cluster().model("refit").getStatus().getCanary().getStep() == 1);
    assertThat(cluster().deployment(deploymentName("refit", first)).get().getSpec().getReplicas())
        .as("stable keeps its size")
        .isEqualTo(2);
    cluster().markReady(canaryName, 2);

    await()
        .ignoreExceptions()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              ModelDeployment md = cluster().model("refit");
              assertThat(md.getStatus().getCanary()).isNull();
              assertThat(md.getStatus().getStable().getRevision()).isEqualTo(retrained.revision());
              assertThat(md.getStatus().getStable().getUri()).isEqualTo(retrained.uri());
              assertThat(md.getStatus().getHistory())
                  .last()
                  .satisfies(
                      h -> {
                        assertThat(h.getResult()).isEqualTo(RolloutResult.Promoted);
                        assertThat(h.getRevision()).isEqualTo(retrained.revision());
                        assertThat(h.getUri()).isEqualTo(retrained.uri());
                        assertThat(h.getReason())
                            .contains("replaced version 1 (revision " + first.revision() + ")");
                      });
              assertThat(cluster().deployment(deploymentName("refit", first)).get()).isNull();
            });
    assertThat(cluster().events("refit")).contains("CanaryStarted", "CanaryAdvanced", "Promoted");
  }

  @Test
  void aRolledBackUriIsNotRetriedButADifferentUriIs() {
    ModelVersion first = serveVersionOne("refix");
    ModelVersion broken = file("refix", "broken");
    ModelVersion fixed = file("refix", "fixed");
    metrics.set("refix", first, FakeMetricsSource.serving(1000, 0, 0.05));
    metrics.set("refix", broken, FakeMetricsSource.serving(400, 400, 0.05));
    metrics.set("refix", fixed, FakeMetricsSource.serving(400, 0, 0.05));

    newUri("refix", broken);
    String brokenName = WorkloadNames.deployment(cluster().model("refix"), broken);
    await()
        .ignoreExceptions()
        .atMost(WAIT)
        .until(() -> cluster().deployment(brokenName).get(), d -> d != null);
    cluster().markReady(brokenName, 1);

    await()
        .ignoreExceptions()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              ModelDeployment md = cluster().model("refix");
              assertThat(md.getStatus().getCanary()).isNull();
              assertThat(md.getStatus().getRejected().getRevision()).isEqualTo(broken.revision());
              assertThat(md.getStatus().getRejected().getUri()).isEqualTo(broken.uri());
              assertThat(md.getStatus().getHistory())
                  .last()
                  .satisfies(
                      h -> {
                        assertThat(h.getResult()).isEqualTo(RolloutResult.RolledBack);
                        assertThat(h.getRevision()).isEqualTo(broken.revision());
                      });
              assertThat(cluster().condition("refix", Conditions.PROGRESSING).getMessage())
                  .contains("revision " + broken.revision());
              assertThat(cluster().deployment(brokenName).get()).isNull();
            });
    assertThat(cluster().deployment(deploymentName("refix", first)).get().getSpec().getReplicas())
        .isEqualTo(2);
    int readsAfterRollback = metrics.reads("refix", broken);
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              assertThat(cluster().deployment(brokenName).get())
                  .as("a rolled-back revision is not retried")
                  .isNull();
              assertThat(metrics.reads("refix", broken)).isEqualTo(readsAfterRollback);
            });

    newUri("refix", fixed);
    String fixedName = WorkloadNames.deployment(cluster().model("refix"), fixed);
    await()
        .ignoreExceptions()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(cluster().deployment(fixedName).get())
                  .as("another file under the version is tried")
                  .isNotNull();
              ModelDeployment md = cluster().model("refix");
              assertThat(md.getStatus().getCanary().getRevision()).isEqualTo(fixed.revision());
              assertThat(md.getStatus().getRejected()).isNull();
            });
    assertThat(cluster().deployment(brokenName).get()).isNull();
  }

  @Test
  void aDeploymentMadeBeforeRevisionsStaysTheServingOneAfterAnUpgrade() {
    ModelDeployment md = model("elder");
    ModelVersion first = ModelVersion.of(md.getSpec().getModel());
    Deployment elder = TestWorkloads.earlierRelease(md, first, 2);
    client.resource(elder).create();
    cluster().markReady("elder-1", 2);

    cluster().models().resource(md).create();
    // Adopting writes the revision label, which the mock server counts as a new generation (a real
    // API server does not): observe it as a Deployment controller would, or the model's readiness
    // depends on whether a reconcile happens to come after the write.
    await()
        .ignoreExceptions()
        .atMost(WAIT)
        .until(
            () -> cluster().deployment("elder-1").get().getMetadata().getLabels(),
            labels -> labels.containsKey(WorkloadLabels.REVISION));
    cluster().markReady("elder-1", 2);

    await()
        .ignoreExceptions()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(cluster().condition("elder", Conditions.READY).getStatus())
                  .isEqualTo("True");
              ModelDeployment seen = cluster().model("elder");
              assertThat(seen.getStatus().getStable().getDeployment()).isEqualTo("elder-1");
              assertThat(seen.getStatus().getStable().getRevision()).isEqualTo(first.revision());
              assertThat(seen.getStatus().getCanary()).isNull();
              assertThat(cluster().deployment("elder-1").get().getMetadata().getLabels())
                  .as("the Deployment is known by its revision from now on")
                  .containsEntry(WorkloadLabels.REVISION, first.revision());
            });
    Deployment adopted = cluster().deployment("elder-1").get();
    assertThat(adopted.getSpec().getSelector()).isEqualTo(elder.getSpec().getSelector());
    assertThat(adopted.getSpec().getTemplate().getMetadata().getLabels())
        .as("the pod template is untouched, so no pod restarts")
        .isEqualTo(elder.getSpec().getTemplate().getMetadata().getLabels());
    assertThat(deploymentsOf("elder")).containsExactly("elder-1");
    assertThat(cluster().events("elder")).doesNotContain("CanaryStarted", "Created");

    // A new file under the same version beside the adopted Deployment is a canary of its own.
    ModelVersion retrained = file("elder", "retrained");
    metrics.set("elder", first, FakeMetricsSource.serving(1000, 10, 0.05));
    metrics.set("elder", retrained, FakeMetricsSource.serving(400, 4, 0.05));
    newUri("elder", retrained);
    String canaryName = WorkloadNames.deployment(md, retrained);
    await()
        .ignoreExceptions()
        .atMost(WAIT)
        .until(() -> cluster().deployment(canaryName).get(), d -> d != null);
    assertThat(cluster().deployment("elder-1").get().getSpec().getReplicas()).isEqualTo(2);
    cluster().markReady(canaryName, 1);
    await()
        .ignoreExceptions()
        .atMost(WAIT)
        .until(() -> cluster().model("elder").getStatus().getCanary().getStep() == 1);
    cluster().markReady(canaryName, 2);
    await()
        .ignoreExceptions()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(cluster().model("elder").getStatus().getStable().getRevision())
                  .isEqualTo(retrained.revision());
              assertThat(deploymentsOf("elder")).containsExactly(canaryName);
            });
  }

  private ModelVersion serveVersionOne(String name) {
    cluster().models().resource(model(name)).create();
    String stable = TestModels.deploymentName(name, "1");
    await()
        .ignoreExceptions()
        .atMost(WAIT)
        .until(() -> cluster().deployment(stable).get(), d -> d != null);
    cluster().markReady(stable, 2);
    await()
        .ignoreExceptions()
        .atMost(WAIT)
        .until(() -> "True".equals(cluster().condition(name, Conditions.READY).getStatus()));
    return TestModels.file(name, "1");
  }

  private static ModelDeployment model(String name) {
    return TestModels.model(
        name,
        "1",
        spec -> {
          spec.getServing().setReplicas(2);
          spec.getRollout().setSteps(List.of(step(25, "2s"), step(50, "2s")));
          spec.getRollout().getAnalysis().setInterval("1s");
          spec.getRollout().getAnalysis().setMinRequests(100);
        });
  }

  /** Version 1 of the model under another file name. */
  private static ModelVersion file(String name, String variant) {
    return new ModelVersion(
        "1", "https://models.example.com/" + name + "/1/" + variant + ".onnx", null);
  }

  private void newUri(String name, ModelVersion model) {
    cluster()
        .editModel(
            name,
            md -> {
              md.getSpec().getModel().setUri(model.uri());
              return md;
            });
  }

  private List<String> deploymentsOf(String name) {
    return client
        .apps()
        .deployments()
        .inNamespace(TestModels.NAMESPACE)
        .withLabels(Map.of(WorkloadLabels.DEPLOYMENT, name))
        .list()
        .getItems()
        .stream()
        .map(d -> d.getMetadata().getName())
        .toList();
  }

  private static String deploymentName(String name, ModelVersion model) {
    return WorkloadNames.deployment(TestModels.model(name, "1"), model);
  }

  private TestCluster cluster() {
    return new TestCluster(client);
  }
}

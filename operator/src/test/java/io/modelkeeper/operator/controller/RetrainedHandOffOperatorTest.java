package io.modelkeeper.operator.controller;

import static io.modelkeeper.operator.testing.TestModels.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelkeeper.api.v1alpha1.Conditions;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelRetraining;
import io.modelkeeper.api.v1alpha1.RetrainingRollout;
import io.modelkeeper.api.v1alpha1.RolloutResult;
import io.modelkeeper.api.v1alpha1.RunPhase;
import io.modelkeeper.operator.retraining.RunNames;
import io.modelkeeper.operator.testing.CrdInMockServer;
import io.modelkeeper.operator.testing.FakeMetricsSource;
import io.modelkeeper.operator.testing.TestCluster;
import io.modelkeeper.operator.testing.TestModels;
import io.modelkeeper.operator.testing.TestRetrainings;
import io.modelkeeper.operator.workload.ModelVersion;
import io.modelkeeper.operator.workload.WorkloadNames;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The hand-off without writing any spec: a ModelRetraining's approved candidate is served through
 * the ordinary canary, its pods capture rows onto the dataset claim, and spec.model stays as Git
 * wrote it.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = CrdInMockServer.class)
class RetrainedHandOffOperatorTest {

  private static final Duration WAIT = Duration.ofSeconds(40);

  @Inject KubernetesClient client;

  @Inject FakeMetricsSource metrics;

  @Test
  void aBlessedRunIsCanariedAndPromotedWithoutTouchingTheSpec() {
    serveVersionOne("loop");
    metrics.set("loop", "1", FakeMetricsSource.serving(1000, 10, 0.05));
    metrics.set("loop", "1-r1", FakeMetricsSource.serving(400, 0, 0.05));

    create(TestRetrainings.retraining("loop", "loop", spec -> {}));
    String stableName = TestModels.deploymentName("loop", "1");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(capturesRows(cluster().deployment(stableName).get(), "loop"))
                    .as("serving pods capture labelled rows onto the dataset claim")
                    .isTrue());

    bless("loop-now", "loop");
    String canaryName = WorkloadNames.deployment(cluster().model("loop"), candidate("loop-now"));
    Deployment canary =
        await().atMost(WAIT).until(() -> cluster().deployment(canaryName).get(), d -> d != null);
    PodSpec pod = canary.getSpec().getTemplate().getSpec();
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getPersistentVolumeClaim() != null)
        .extracting(v -> v.getPersistentVolumeClaim().getClaimName())
        .as("the candidate is read from the output claim; rows go to the dataset claim")
        .contains(TestRetrainings.OUTPUT_CLAIM, TestRetrainings.DATASET_CLAIM);
    assertThat(capturesRows(canary, "loop")).isTrue();
    cluster().markReady(canaryName, 1);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              cluster().markReady(canaryName, 2);
              ModelDeployment md = cluster().model("loop");
              assertThat(md.getStatus().getStable().getVersion()).isEqualTo("1-r1");
              assertThat(md.getStatus().getStable().getRun()).isEqualTo("loop-now");
              assertThat(md.getStatus().getHistory())
                  .last()
                  .satisfies(h -> assertThat(h.getResult()).isEqualTo(RolloutResult.Promoted));
            });
    await()
        .atMost(WAIT)
        .until(
            () -> retrainings().runNamed("loop-now").getStatus().getPhase() == RunPhase.Promoted);
    ModelDeployment md = cluster().model("loop");
    assertThat(md.getSpec().getModel().getVersion()).as("no spec was written").isEqualTo("1");
    assertThat(md.getMetadata().getGeneration()).isEqualTo(1L);

    // A new spec.model from Git starts a new lineage: the retrained file is replaced by a canary.
    metrics.set("loop", "2", FakeMetricsSource.serving(400, 0, 0.05));
    cluster()
        .editModel(
            "loop",
            m -> {
              m.getSpec().getModel().setVersion("2");
              m.getSpec().getModel().setUri("https://models.example.com/loop/2/model.onnx");
              return m;
            });
    await()
        .atMost(WAIT)
        .until(() -> cluster().deployment(TestModels.deploymentName("loop", "2")).get() != null);
    // The reconcile that creates the Deployment writes the status after it.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(cluster().model("loop").getStatus().getCanary())
                    .isNotNull()
                    .satisfies(started -> assertThat(started.getVersion()).isEqualTo("2")));
  }

  @Test
  void withTheDatasetInABucketTheServingPodsUploadTheirCaptureFiles() {
    serveVersionOne("bucket");
    create(
        TestRetrainings.retraining(
            "bucket",
            "bucket",
            spec -> {
              spec.getDataset().setClaimName(null);
              spec.getDataset().setUri("s3://datasets/capture/");
              spec.getDataset().setCredentialsSecret("dataset-keys");
            }));
    String stableName = TestModels.deploymentName("bucket", "1");

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              PodSpec pod =
                  cluster().deployment(stableName).get().getSpec().getTemplate().getSpec();
              assertThat(pod.getContainers().get(0).getEnv())
                  .anyMatch(
                      e ->
                          e.getName().equals("MODELKEEPER_DATASET_URI")
                              && e.getValue().equals("s3://datasets/capture/bucket/"))
                  .anyMatch(
                      e ->
                          e.getName().equals("MODELKEEPER_CAPTURE_DIR")
                              && e.getValue().endsWith("/dataset/bucket"));
              assertThat(pod.getVolumes())
                  .as("no claim: an emptyDir, and the dataset's Secret for the uploads")
                  .noneMatch(v -> v.getPersistentVolumeClaim() != null)
                  .anyMatch(
                      v ->
                          v.getSecret() != null
                              && v.getSecret().getSecretName().equals("dataset-keys"));
            });
  }

  @Test
  void aCandidateWaitingForApprovalIsNotRolledOut() {
    serveVersionOne("wait");
    metrics.set("wait", "1", FakeMetricsSource.serving(1000, 10, 0.05));
    create(
        TestRetrainings.retraining(
            "wait", "wait", spec -> spec.setRollout(RetrainingRollout.MANUAL)));

    bless("wait-now", "wait");
    String canaryName = WorkloadNames.deployment(cluster().model("wait"), candidate("wait-now"));
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .until(() -> retrainings().retrainingNamed("wait").getStatus().getCandidate() != null);
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .until(() -> cluster().deployment(canaryName).get() == null);

    client
        .resources(ModelRetraining.class)
        .inNamespace(TestModels.NAMESPACE)
        .withName("wait")
        .edit(
            r -> {
              r.getMetadata().setAnnotations(Map.of(RunNames.APPROVE, "wait-now"));
              return r;
            });
    await().atMost(WAIT).until(() -> cluster().deployment(canaryName).get() != null);
  }

  private static boolean capturesRows(Deployment deployment, String name) {
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    boolean mounted =
        pod.getVolumes().stream()
            .map(Volume::getPersistentVolumeClaim)
            .anyMatch(
                c ->
                    c != null
                        && c.getClaimName().equals(TestRetrainings.DATASET_CLAIM)
                        && !c.getReadOnly());
    List<EnvVar> env = pod.getContainers().get(0).getEnv();
    return mounted
        && env.stream()
            .anyMatch(
                e ->
                    e.getName().equals("MODELKEEPER_CAPTURE_DIR")
                        && e.getValue().endsWith("/dataset/" + name));
  }

  /** The file a blessed run {@code run} offers: version 1-r1 on the output claim. */
  private static ModelVersion candidate(String run) {
    return new ModelVersion(
        "1-r1",
        "pvc://" + TestRetrainings.OUTPUT_CLAIM + "/" + run + "/model.onnx",
        "ab".repeat(32));
  }

  /** A run created by hand whose training and evaluation Jobs succeed, the candidate blessed. */
  private void bless(String run, String retraining) {
    create(TestRetrainings.run(run, retraining));
    await().atMost(WAIT).until(() -> retrainings().job(run + "-train") != null);
    retrainings().succeed(run + "-train", TestRetrainings.TRAINED);
    await().atMost(WAIT).until(() -> retrainings().job(run + "-eval") != null);
    retrainings()
        .succeed(
            run + "-eval",
            "{\"metric\":\"accuracy\",\"candidate\":0.91,\"serving\":0.84,\"delta\":0.07,"
                + "\"passed\":true,\"reason\":\"beats serving by 0.07\"}");
  }

  private <T extends io.fabric8.kubernetes.api.model.HasMetadata> void create(T resource) {
    client.resource(resource).create();
  }

  private TestRetrainings retrainings() {
    return new TestRetrainings(client);
  }

  private void serveVersionOne(String name) {
    cluster()
        .models()
        .resource(
            TestModels.model(
                name,
                "1",
                spec -> {
                  spec.getServing().setReplicas(2);
                  spec.getRollout().setSteps(List.of(step(50, "1s")));
                  spec.getRollout().getAnalysis().setInterval("1s");
                  spec.getRollout().getAnalysis().setMinRequests(100);
                }))
        .create();
    await()
        .atMost(WAIT)
        .until(() -> cluster().deployment(TestModels.deploymentName(name, "1")).get() != null);
    cluster().markReady(TestModels.deploymentName(name, "1"), 2);
    await()
        .atMost(WAIT)
        .until(() -> "True".equals(cluster().condition(name, Conditions.READY).getStatus()));
  }

  private TestCluster cluster() {
    return new TestCluster(client);
  }
}

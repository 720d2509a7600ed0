package io.modelkeeper.operator.controller;

import static io.modelkeeper.operator.testing.TestModels.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelkeeper.api.v1alpha1.Conditions;
import io.modelkeeper.api.v1alpha1.DatasetSpec;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelRef;
import io.modelkeeper.api.v1alpha1.ModelRetraining;
import io.modelkeeper.api.v1alpha1.ModelRetrainingSpec;
import io.modelkeeper.api.v1alpha1.ModelRetrainingStatus;
import io.modelkeeper.api.v1alpha1.ObjectName;
import io.modelkeeper.api.v1alpha1.OutputSpec;
import io.modelkeeper.api.v1alpha1.RetrainingCandidate;
import io.modelkeeper.api.v1alpha1.RolloutResult;
import io.modelkeeper.operator.testing.CrdInMockServer;
import io.modelkeeper.operator.testing.FakeMetricsSource;
import io.modelkeeper.operator.testing.TestCluster;
import io.modelkeeper.operator.testing.TestModels;
import io.modelkeeper.operator.workload.ModelVersion;
import io.modelkeeper.operator.workload.WorkloadNames;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
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
  void aBlessedCandidateIsCanariedAndPromotedWithoutTouchingTheSpec() {
    serveVersionOne("loop");
    metrics.set("loop", "1", FakeMetricsSource.serving(1000, 10, 0.05));
    metrics.set("loop", "1-r1", FakeMetricsSource.serving(400, 0, 0.05));

    retrainingOf("loop");
    String stableName = TestModels.deploymentName("loop", "1");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(capturesRows(cluster().deployment(stableName).get(), "loop"))
                    .as("serving pods capture labelled rows onto the dataset claim")
                    .isTrue());

    offer("loop", "1", true);
    String canaryName = WorkloadNames.deployment(cluster().model("loop"), candidate("loop"));
    Deployment canary =
        await().atMost(WAIT).until(() -> cluster().deployment(canaryName).get(), d -> d != null);
    PodSpec pod = canary.getSpec().getTemplate().getSpec();
    assertThat(pod.getVolumes())
        .extracting(v -> v.getPersistentVolumeClaim() == null ? null : v)
        .filteredOn(v -> v != null)
        .extracting(v -> v.getPersistentVolumeClaim().getClaimName())
        .as("the candidate is read from the output claim; rows go to the dataset claim")
        .contains("loop-models", "loop-data");
    assertThat(capturesRows(canary, "loop")).isTrue();
    cluster().markReady(canaryName, 1);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              cluster().markReady(canaryName, 2);
              ModelDeployment md = cluster().model("loop");
              assertThat(md.getStatus().getStable().getVersion()).isEqualTo("1-r1");
              assertThat(md.getStatus().getStable().getRun()).isEqualTo("loop-r1");
              assertThat(md.getStatus().getHistory())
                  .last()
                  .satisfies(h -> assertThat(h.getResult()).isEqualTo(RolloutResult.Promoted));
            });
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
    assertThat(cluster().model("loop").getStatus().getCanary().getVersion()).isEqualTo("2");
  }

  @Test
  void aCandidateWaitingForApprovalIsNotRolledOut() {
    serveVersionOne("wait");
    metrics.set("wait", "1", FakeMetricsSource.serving(1000, 10, 0.05));
    retrainingOf("wait");

    offer("wait", "1", false);
    String canaryName = WorkloadNames.deployment(cluster().model("wait"), candidate("wait"));
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .until(() -> cluster().deployment(canaryName).get() == null);

    offer("wait", "1", true);
    await().atMost(WAIT).until(() -> cluster().deployment(canaryName).get() != null);
  }

  @Test
  void aCandidateOfAnotherSpecModelIsNotRolledOut() {
    serveVersionOne("stale");
    metrics.set("stale", "1", FakeMetricsSource.serving(1000, 10, 0.05));
    retrainingOf("stale");

    offer("stale", "0.9", true);
    String canaryName = WorkloadNames.deployment(cluster().model("stale"), candidate("stale"));
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .until(() -> cluster().deployment(canaryName).get() == null);
    assertThat(cluster().model("stale").getStatus().getCanary()).isNull();
  }

  private static boolean capturesRows(Deployment deployment, String name) {
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    boolean mounted =
        pod.getVolumes().stream()
            .map(Volume::getPersistentVolumeClaim)
            .anyMatch(
                c -> c != null && c.getClaimName().equals(name + "-data") && !c.getReadOnly());
    List<EnvVar> env = pod.getContainers().get(0).getEnv();
    return mounted
        && env.stream()
            .anyMatch(
                e ->
                    e.getName().equals("MODELKEEPER_CAPTURE_DIR")
                        && e.getValue().endsWith("/dataset/" + name));
  }

  private static ModelVersion candidate(String name) {
    return new ModelVersion(
        "1-r1", "pvc://" + name + "-models/" + name + "-r1/model.onnx", "ab".repeat(32));
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

  private void retrainingOf(String name) {
    ModelRetraining retraining = new ModelRetraining();
    retraining.setMetadata(
        new ObjectMetaBuilder().withName(name).withNamespace(TestModels.NAMESPACE).build());
    ModelRetrainingSpec spec = new ModelRetrainingSpec();
    ObjectName ref = new ObjectName();
    ref.setName(name);
    spec.setModelDeploymentRef(ref);
    DatasetSpec dataset = new DatasetSpec();
    dataset.setClaimName(name + "-data");
    spec.setDataset(dataset);
    OutputSpec output = new OutputSpec();
    output.setClaimName(name + "-models");
    spec.setOutput(output);
    retraining.setSpec(spec);
    client.resources(ModelRetraining.class).resource(retraining).create();
  }

  /** What the retraining controller writes once a run is blessed. */
  private void offer(String name, String baseVersion, boolean approved) {
    ModelVersion file = candidate(name);
    RetrainingCandidate candidate = new RetrainingCandidate();
    candidate.setRun(name + "-r1");
    candidate.setVersion(file.version());
    candidate.setUri(file.uri());
    candidate.setSha256(file.sha256());
    ModelRef base = new ModelRef();
    base.setVersion(baseVersion);
    base.setUri("https://models.example.com/" + name + "/" + baseVersion + "/model.onnx");
    candidate.setBase(base);
    candidate.setApproved(approved);
    client
        .resources(ModelRetraining.class)
        .inNamespace(TestModels.NAMESPACE)
        .withName(name)
        .editStatus(
            r -> {
              ModelRetrainingStatus status = new ModelRetrainingStatus();
              status.setCandidate(candidate);
              r.setStatus(status);
              return r;
            });
  }

  private TestCluster cluster() {
    return new TestCluster(client);
  }
}

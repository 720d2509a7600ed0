package io.modelkeeper.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.modelkeeper.e2e.api.InjectedConflicts;
import io.modelkeeper.e2e.cluster.Kubectl;
import io.modelkeeper.e2e.cluster.OperatorProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A 409 Conflict after an abort, on the local API server with the operator's packaged jar: the
 * operator's writes of the stable Deployment and of the ModelDeployment's status are answered 409
 * (as when its informer lags behind another writer), and over the reconciles that follow it neither
 * starts the rolled-back version again nor acts on the abort annotation a second time.
 */
class ConflictE2E {

  private static final String MD = "clash";
  private static final Duration PATIENCE = Duration.ofMinutes(2);

  /** Short, so that the steady part sees several periodic reconciles in a few seconds. */
  private static final Duration RECONCILE_INTERVAL = Duration.ofSeconds(2);

  static ClusterUnderTest cluster;
  static Kubectl kubectl;
  static ModelDeploymentView md;

  @RegisterExtension
  static final ScenarioCluster scenario =
      ScenarioCluster.local("e2e-conflict-state").reconcilingEvery(RECONCILE_INTERVAL);

  @BeforeAll
  static void startCluster() {
    cluster = scenario.cluster();
    kubectl = cluster.kubectl();
    md = new ModelDeploymentView(cluster, MD, PATIENCE);
  }

  /**
   * One stable pod; a canary that no traffic can judge (its one step lasts ten minutes and needs
   * requests), so it runs until aborted.
   */
  private static String manifest() {
    return """
        apiVersion: modelkeeper.io/v1alpha1
        kind: ModelDeployment
        metadata:
          name: %s
        spec:
          model:
            version: "1"
            uri: %s/logistic-regression/model.onnx
          serving:
            replicas: 1
            gpus: 0
            executionProvider: cpu
          rollout:
            steps:
              - weight: 50
                duration: 10m
            analysis:
              interval: 2s
              minRequests: 1000
        """
        .formatted(MD, cluster.modelBaseUrl());
  }

  @Test
  void conflictsAfterAnAbortNeitherRestartTheRejectedVersionNorReplayTheAnnotation()
      throws Exception {
    LocalClusterUnderTest local = scenario.local();
    InjectedConflicts conflicts = local.cluster().api().conflicts();
    kubectl.runWithInput(manifest(), "apply", "--validate=false", "-f", "-").orThrow();
    assertThat(kubectl.run("wait", "--for=condition=Ready", "md/" + MD, "--timeout=120s").orThrow())
        .contains("condition met");
    String stable = md.status().path("stable").path("deployment").asText();
    assertThat(stable).isNotEmpty();

    md.newVersion("2", "logistic-regression");
    md.awaitStatus(s -> "2".equals(s.path("canary").path("version").asText()));
    await()
        .atMost(PATIENCE)
        .pollInterval(ModelDeploymentView.POLL)
        .untilAsserted(() -> assertThat(md.deploymentVersions()).contains("2"));
    kubectl.run("annotate", "md", MD, "modelkeeper.io/abort=bad batch").orThrow();
    JsonNode aborted =
        md.awaitStatus(
            s ->
                "2".equals(s.path("rejected").path("version").asText())
                    && s.path("canary").isMissingNode());
    assertThat(ModelDeploymentView.lastHistory(aborted).path("result").asText())
        .isEqualTo("RolledBack");
    assertThat(abortsRecorded(aborted)).isEqualTo(1);
    await()
        .atMost(PATIENCE)
        .pollInterval(ModelDeploymentView.POLL)
        .untilAsserted(() -> assertThat(md.deploymentVersions()).containsExactly("1"));
    assertThat(canaryStarts()).hasSize(1);
    assertThat(rollbacks()).hasSize(1);

    // Someone changes the stable Deployment; the operator's next two writes of it meet a newer
    // object, as when its informer lags behind. kubectl's and the node's writes pass.
    InjectedConflicts.Target stableWrites =
        InjectedConflicts.Target.of("Deployment", "default", stable)
            .byClient(OperatorProcess.CLIENT);
    InjectedConflicts.Target statusWrites =
        InjectedConflicts.Target.of("ModelDeployment", "default", MD)
            .statusOnly()
            .byClient(OperatorProcess.CLIENT);
    long answeredBefore = conflicts.answered();
    conflicts.next(stableWrites, 2);
    kubectl
        .run(
            "patch",
            "deployment",
            stable,
            "--type=json",
            "-p",
            "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/image\","
                + "\"value\":\"tampered:1\"}]")
        .orThrow();
    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              assertThat(conflicts.remaining(stableWrites))
                  .as("conflicts still to come on the operator's Deployment writes")
                  .isZero();
              assertThat(image(stable))
                  .as("put back after the conflicts")
                  .isNotEqualTo("tampered:1");
            });
    // A spec change the operator must write twice over, the stable Deployment's replicas and the
    // status's observedGeneration, each meeting a conflict first. One status conflict only: the
    // write right after it is what the operator's error path writes, if it writes anything.
    conflicts.next(stableWrites, 1);
    conflicts.next(statusWrites, 1);
    assertThat(kubectl.run("scale", "md", MD, "--replicas=2").orThrow()).contains("scaled");
    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              assertThat(conflicts.remaining(statusWrites))
                  .as("conflicts still to come on the operator's status writes")
                  .isZero();
              assertThat(conflicts.remaining(stableWrites)).isZero();
              assertThat(replicas(stable)).isEqualTo(2);
              JsonNode status = md.status();
              assertThat(status.path("observedGeneration").asLong()).isEqualTo(generation());
            });
    assertThat(conflicts.answered() - answeredBefore)
        .as("the operator's writes answered 409")
        .isEqualTo(4);

    // Several reconciles later, nothing it decided before the conflicts is undone.
    long reconcilesBefore = local.operatorReconciles();
    List<String> versionsSeen = new ArrayList<>();
    await()
        .during(Duration.ofSeconds(10))
        .atMost(Duration.ofSeconds(30))
        .pollInterval(ModelDeploymentView.POLL)
        .untilAsserted(
            () -> {
              JsonNode status = md.status();
              versionsSeen.addAll(md.deploymentVersions());
              assertThat(status.path("rejected").path("version").asText()).isEqualTo("2");
              assertThat(status.path("canary").isMissingNode())
                  .as("no canary in status: %s", status)
                  .isTrue();
              assertThat(abortsRecorded(status)).as("the abort's record").isEqualTo(1);
              assertThat(ModelDeploymentView.history(status, "2")).hasSize(1);
              assertThat(versionsSeen)
                  .as("the rolled-back version is not started again")
                  .doesNotContain("2");
              assertThat(canaryStarts()).as("CanaryStarted events").hasSize(1);
              assertThat(rollbacks()).as("RolledBack events").hasSize(1);
              assertThat(image(stable)).isNotEqualTo("tampered:1");
            });
    long reconciled = local.operatorReconciles() - reconcilesBefore;
    System.out.printf(
        "[conflict] %d injected conflicts answered; %d reconciles afterwards%n",
        conflicts.answered() - answeredBefore, reconciled);
    assertThat(reconciled).as("reconciles while watching").isGreaterThanOrEqualTo(4);
  }

  private static List<String> canaryStarts() {
    return md.events("CanaryStarted", "Canary version 2 ");
  }

  private static List<String> rollbacks() {
    return md.events("RolledBack", "Version 2 ");
  }

  private static long abortsRecorded(JsonNode status) {
    List<JsonNode> actions = new ArrayList<>();
    status.path("manualActions").forEach(actions::add);
    return actions.stream()
        .filter(a -> "modelkeeper.io/abort".equals(a.path("annotation").asText()))
        .filter(a -> "2".equals(a.path("version").asText()))
        .count();
  }

  private static Deployment deployment(String name) {
    return cluster.client().apps().deployments().inNamespace("default").withName(name).get();
  }

  private static String image(String name) {
    return deployment(name).getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  private static int replicas(String name) {
    return deployment(name).getSpec().getReplicas();
  }

  private static long generation() {
    return Long.parseLong(
        kubectl.run("get", "md", MD, "-o", "jsonpath={.metadata.generation}").orThrow().strip());
  }
}

package io.modelkeeper.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelkeeper.e2e.api.RequestLog;
import io.modelkeeper.e2e.cluster.Kubectl;
import io.modelkeeper.e2e.cluster.LocalCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ModelDeployments that are wrong, scaled from outside or simply left alone, end to end: a typo'd
 * field and a {@code kubectl scale} leave every other ModelDeployment reconciled; an autoscaler's
 * scale request sizes the serving version; a steady ModelDeployment causes no Deployment writes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadObjectsE2E {

  private static final Duration PATIENCE = Duration.ofMinutes(3);

  /**
   * The operator's periodic reconcile here: short, so that the steady test sees many reconciles.
   */
  private static final Duration RECONCILE_INTERVAL = Duration.ofSeconds(2);

  static ClusterUnderTest cluster;
  static Kubectl kubectl;

  @RegisterExtension
  static final ScenarioCluster scenario =
      ScenarioCluster.local("e2e-bad-objects-state").reconcilingEvery(RECONCILE_INTERVAL);

  @BeforeAll
  static void startCluster() {
    cluster = scenario.cluster();
    kubectl = cluster.kubectl();
  }

  /** The fraud example under another name, with one replica. */
  private static String example(String name) throws IOException {
    return Files.readString(scenario.project().resolve("e2e/examples/fraud.yaml"))
        .replace("{{MODEL_REPOSITORY}}", cluster.modelBaseUrl())
        .replace("name: fraud", "name: " + name)
        .replace("replicas: 2", "replicas: 1");
  }

  @Test
  @Order(1)
  void aTypoAndAScaleLeaveTheOtherModelDeploymentReconciled() throws Exception {
    kubectl.runWithInput(example("other"), "apply", "--validate=false", "-f", "-").orThrow();
    assertThat(kubectl.run("wait", "--for=condition=Ready", "md/other", "--timeout=180s").orThrow())
        .contains("condition met");

    // A typo'd field: kubectl --validate=false sends it, the API server prunes it (and says so).
    String typo = example("typo").replace("replicas: 1", "replcas: 3");
    assertThat(typo).contains("replcas: 3");
    Kubectl.Result applied = kubectl.runWithInput(typo, "apply", "--validate=false", "-f", "-");
    assertThat(applied.orThrow()).contains("modeldeployment.modelkeeper.io/typo created");
    if (cluster.runsLocalProcesses()) {
      // A real server, asked by kubectl --validate=false to ignore unknown fields, is silent.
      assertThat(applied.err()).contains("unknown field \"spec.serving.replcas\"");
    }
    assertThat(kubectl.run("get", "md", "typo", "-o", "jsonpath={.spec.serving}").orThrow())
        .doesNotContain("replcas");
    assertThat(kubectl.run("wait", "--for=condition=Ready", "md/typo", "--timeout=180s").orThrow())
        .contains("condition met");

    assertThat(kubectl.run("scale", "md", "typo", "--replicas=2").orThrow())
        .contains("modeldeployment.modelkeeper.io/typo scaled");
    awaitServing("typo", 2);

    // The other ModelDeployment is still reconciled: a new version starts its canary.
    kubectl
        .run(
            "patch",
            "md",
            "other",
            "--type=merge",
            "-p",
            "{\"spec\":{\"model\":{\"version\":\"2\"}}}")
        .orThrow();
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () ->
                assertThat(
                        jsonpath(
                            "other",
                            "{.status.canary.version} {.status.stable.version}"
                                + " {.status.observedGeneration} {.metadata.generation}"))
                    .matches("2 1 (\\d+) \\1"));
  }

  @Test
  @Order(2)
  void anAutoscalersScaleRequestSetsTheServingReplicas() {
    String scalePath =
        cluster.client().getMasterUrl()
            + "apis/modelkeeper.io/v1alpha1/namespaces/default/modeldeployments/typo/scale";
    // As a HorizontalPodAutoscaler does: read the Scale, write it back with the replicas it wants.
    JsonNode scale = Serialization.unmarshal(cluster.client().raw(scalePath), JsonNode.class);
    assertThat(scale.path("kind").asText()).isEqualTo("Scale");
    assertThat(scale.path("spec").path("replicas").asInt()).isEqualTo(2);
    assertThat(scale.path("status").path("selector").asText())
        .contains("modelkeeper.io/deployment=typo");
    ((ObjectNode) scale.get("spec")).put("replicas", 3);
    JsonNode written =
        Serialization.unmarshal(cluster.client().raw(scalePath, "PUT", scale), JsonNode.class);
    assertThat(written.path("spec").path("replicas").asInt()).isEqualTo(3);

    assertThat(jsonpath("typo", "{.spec.serving.replicas}")).isEqualTo("3");
    awaitServing("typo", 3);
  }

  @Test
  @Order(3)
  void aSteadyModelDeploymentCausesNoDeploymentWrites() throws Exception {
    LocalClusterUnderTest local = scenario.local();
    // Only "typo" stays: the other one's canary legitimately writes its Deployments.
    kubectl.run("delete", "md", "other", "--timeout=60s").orThrow();
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                cluster
                    .client()
                    .apps()
                    .deployments()
                    .withLabel("modelkeeper.io/deployment", "other")
                    .list()
                    .getItems()
                    .isEmpty());
    awaitServing("typo", 3);

    RequestLog requests = local.cluster().api().requests();
    Predicate<RequestLog.Kind> operatorWritesDeployments =
        kind ->
            kind.writesObject("apps", "deployments")
                && !kind.client().equals("kubectl")
                && !LocalCluster.NODE_USER_AGENT.startsWith(kind.client() + "/");
    long writesBefore = requests.count(operatorWritesDeployments);
    // The count sees the operator's writes at all: it created and scaled these Deployments.
    assertThat(writesBefore).as("the operator's Deployment writes so far").isPositive();
    long reconcilesBefore = local.operatorReconciles();

    // Stands for "five minutes of reconciles": a dozen reconciles (the periodic one comes every
    // 2 s) of a Ready ModelDeployment whose Deployment a real Deployment controller keeps
    // annotating and whose quantities the API server canonicalised. Counted, not slept for: a
    // faster or slower machine reaches the dozen sooner or later.
    long started = System.nanoTime();
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> local.operatorReconciles() - reconcilesBefore >= 12);
    long reconciled = local.operatorReconciles() - reconcilesBefore;
    System.out.println(
        "[steady] "
            + reconciled
            + " reconciles in "
            + Duration.ofNanos(System.nanoTime() - started).toSeconds()
            + " s; requests: "
            + requests.snapshot());
    assertThat(requests.count(operatorWritesDeployments) - writesBefore)
        .as(
            "Deployment writes (POST, PUT, PATCH) by the operator in %d reconciles; all requests: %s",
            reconciled, requests.snapshot())
        .isZero();
    assertThat(jsonpath("typo", "{.status.conditions[?(@.type==\"Ready\")].status}"))
        .isEqualTo("True");
  }

  private static String jsonpath(String md, String path) {
    return kubectl.run("get", "md", md, "-o", "jsonpath=" + path).orThrow();
  }

  /** The serving version's Deployment asks for {@code replicas} and that many pods are ready. */
  private static void awaitServing(String md, int replicas) {
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              List<Deployment> deployments =
                  cluster
                      .client()
                      .apps()
                      .deployments()
                      .withLabel("modelkeeper.io/deployment", md)
                      .list()
                      .getItems();
              assertThat(deployments).hasSize(1);
              Deployment serving = deployments.get(0);
              assertThat(serving.getSpec().getReplicas()).isEqualTo(replicas);
              assertThat(serving.getStatus().getReadyReplicas()).isEqualTo(replicas);
              assertThat(jsonpath(md, "{.status.replicas}")).isEqualTo(String.valueOf(replicas));
            });
  }
}

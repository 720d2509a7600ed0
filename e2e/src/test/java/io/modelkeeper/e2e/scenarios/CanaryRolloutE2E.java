package io.modelkeeper.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelkeeper.e2e.cluster.Kubectl;
import io.modelkeeper.e2e.traffic.BackgroundTraffic;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Canary rollouts on the local cluster with real model servers and real traffic: a version that
 * serves as well is promoted step by step while no client request fails, one whose model rejects
 * the clients' requests is rolled back while stable serves every request, and an operator restarted
 * mid-step changes nothing. Short analysis intervals and a small {@code minRequests} keep each
 * rollout to about a minute.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CanaryRolloutE2E {

  private static final String MD = "scoring";
  private static final Duration PATIENCE = Duration.ofMinutes(2);
  private static final Duration POLL = ModelDeploymentView.POLL;

  static ClusterUnderTest cluster;
  static Kubectl kubectl;
  static BackgroundTraffic traffic;
  static ModelDeploymentView md;

  @RegisterExtension
  static final ScenarioCluster scenario =
      ScenarioCluster.local("e2e-canary-state").describeOnFailure(() -> String.valueOf(traffic));

  @BeforeAll
  static void startClusterAndServeVersionOne() {
    cluster = scenario.cluster();
    kubectl = cluster.kubectl();
    md = new ModelDeploymentView(cluster, MD, PATIENCE);
    kubectl.runWithInput(manifest(), "apply", "--validate=false", "-f", "-").orThrow();
    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> status().path("phase").isTextual());
    HealthFixtures.capture(kubectl, MD, "first-version-starting");
    assertThat(kubectl.run("wait", "--for=condition=Ready", "md/" + MD, "--timeout=180s").orThrow())
        .contains("condition met");
    HealthFixtures.capture(kubectl, MD, "serving-ready");
    traffic = BackgroundTraffic.start(cluster.client(), cluster::podBaseUrl, MD);
    await()
        .atMost(PATIENCE)
        .untilAsserted(() -> assertThat(traffic.of("1").ok()).isGreaterThan(20));
  }

  @AfterAll
  static void stopTraffic() {
    if (traffic != null) {
      traffic.close();
    }
  }

  /** One stable pod; two short steps judged every 3 s on at least 15 requests per version. */
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
              - weight: 20
                duration: 8s
              - weight: 50
                duration: 8s
            analysis:
              interval: 3s
              minRequests: 15
              failureLimit: 2
              maxErrorRate: 0.05
        """
        .formatted(MD, cluster.modelBaseUrl());
  }

  @Test
  @Order(1)
  void aVersionThatServesAsWellIsPromotedStepByStep_withoutFailingAClientRequest() {
    List<Integer> steps = new ArrayList<>();
    BackgroundTraffic.Totals before = traffic.totals();
    newVersion("2", "logistic-regression");
    HealthFixtures.capture(kubectl, MD, "spec-changed");

    JsonNode status =
        awaitStatus(
            s -> {
              noteStep(s, "2", steps);
              captureCanary(s);
              return hasHistory(s, "2");
            });

    assertThat(steps)
        .as("steps of the canary seen in status.canary")
        .startsWith(0)
        .contains(1)
        .isSorted();
    assertThat(lastHistory(status).path("result").asText()).isEqualTo("Promoted");
    awaitStatus(
        s ->
            "2".equals(s.path("stable").path("version").asText())
                && s.path("canary").isMissingNode());
    await()
        .atMost(PATIENCE)
        .pollInterval(POLL)
        .untilAsserted(() -> assertThat(deploymentVersions()).containsExactly("2"));
    assertThat(events("CanaryAdvanced", "Canary version 2 ")).hasSize(1);
    assertThat(events("Promoted", "Version 2 ")).hasSize(1);
    long servedBefore = traffic.of("2").ok();
    await()
        .atMost(PATIENCE)
        .untilAsserted(() -> assertThat(traffic.of("2").ok()).isGreaterThan(servedBefore + 10));
    assertNoClientRequestFailedSince(before, "promotion of version 2");
  }

  @Test
  @Order(2)
  void aVersionWhoseModelRejectsTheClientsIsRolledBackWhileStableServesEveryRequest() {
    BackgroundTraffic.Tally stable = traffic.of("2");
    long stableOkBefore = stable.ok();
    long stableFailedBefore = stable.failed();
    // The mlp model takes 16 columns where the clients send 8: every request to it is a client
    // error.
    newVersion("3", "mlp");

    JsonNode status = awaitStatus(s -> hasHistory(s, "3"));
    HealthFixtures.capture(kubectl, MD, "rolling-back");

    assertThat(lastHistory(status).path("result").asText()).isEqualTo("RolledBack");
    assertThat(traffic.of("3").failed()).as("requests the canary failed").isPositive();
    assertThat(traffic.of("3").ok()).as("requests the canary answered").isZero();
    awaitStatus(
        s ->
            s.path("canary").isMissingNode()
                && "2".equals(s.path("stable").path("version").asText()));
    await()
        .atMost(PATIENCE)
        .pollInterval(POLL)
        .untilAsserted(() -> assertThat(deploymentVersions()).containsExactly("2"));
    HealthFixtures.capture(kubectl, MD, "rolled-back");
    assertThat(status.path("rejected").path("version").asText()).isEqualTo("3");
    assertThat(events("RolledBack", "Version 3 ")).hasSize(1);
    System.out.printf(
        "rollback of version 3: stable (version 2) answered %d client requests, failed %d; "
            + "the canary failed %d%n",
        stable.ok() - stableOkBefore,
        stable.failed() - stableFailedBefore,
        traffic.of("3").failed());
    assertThat(stable.failed() - stableFailedBefore)
        .as("requests stable failed: %s", stable)
        .isZero();
    assertThat(stable.ok()).as("stable kept serving").isGreaterThan(stableOkBefore + 20);
  }

  @Test
  @Order(3)
  void anOperatorRestartedDuringTheCanaryNeitherChangesTheOutcomeNorDoublesAStep() {
    List<Integer> steps = new ArrayList<>();
    BackgroundTraffic.Totals sent = traffic.totals();
    newVersion("4", "logistic-regression");
    awaitStatus(
        s -> {
          noteStep(s, "4", steps);
          return s.path("canary").path("analysis").path("decision").isTextual()
              && "4".equals(s.path("canary").path("version").asText());
        });

    LocalClusterUnderTest local = scenario.local();
    long before = local.cluster().operator().pid();
    long after = local.cluster().restartOperator().pid();
    assertThat(after).isNotEqualTo(before);
    Instant restarted = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    assertThat(hasHistory(status(), "4"))
        .as("version 4 still a canary when the new operator is up")
        .isFalse();

    JsonNode status =
        awaitStatus(
            s -> {
              noteStep(s, "4", steps);
              return hasHistory(s, "4");
            });

    assertThat(lastHistory(status).path("result").asText()).isEqualTo("Promoted");
    assertThat(steps).as("steps of the canary seen across the restart").contains(1).isSorted();
    assertThat(history(status, "4")).hasSize(1);
    assertThat(Instant.parse(lastHistory(status).path("at").asText()))
        .as("decided by the restarted operator")
        .isAfterOrEqualTo(restarted);
    assertThat(events("CanaryStarted", "Canary version 4 ")).hasSize(1);
    assertThat(events("CanaryAdvanced", "Canary version 4 ")).hasSize(1);
    assertThat(events("Promoted", "Version 4 ")).hasSize(1);
    awaitStatus(
        s ->
            "4".equals(s.path("stable").path("version").asText())
                && s.path("canary").isMissingNode());
    await()
        .atMost(PATIENCE)
        .pollInterval(POLL)
        .untilAsserted(() -> assertThat(deploymentVersions()).containsExactly("4"));
    assertNoClientRequestFailedSince(sent, "promotion of version 4 across an operator restart");
  }

  @Test
  @Order(4)
  void aNewUriUnderTheServingVersionIsJudgedAsACanaryAndRolledBackWhenItFails() {
    JsonNode before = status();
    String stableRevision = before.path("stable").path("revision").asText();
    String stableDeployment = before.path("stable").path("deployment").asText();
    assertThat(stableRevision).isNotEmpty();
    // Same version string, another file: the mlp model, which rejects the clients' 8 columns.
    kubectl
        .run(
            "patch",
            "md",
            MD,
            "--type=merge",
            "-p",
            "{\"spec\":{\"model\":{\"uri\":\"" + cluster.modelBaseUrl() + "/mlp/model.onnx\"}}}")
        .orThrow();

    JsonNode status =
        awaitStatus(s -> lastHistory(s).path("uri").asText().endsWith("/mlp/model.onnx"));

    JsonNode outcome = lastHistory(status);
    assertThat(outcome.path("result").asText()).isEqualTo("RolledBack");
    assertThat(outcome.path("version").asText()).isEqualTo("4");
    assertThat(outcome.path("revision").asText()).isNotEqualTo(stableRevision);
    assertThat(status.path("rejected").path("revision").asText())
        .isEqualTo(outcome.path("revision").asText());
    assertThat(
            events(
                "CanaryStarted",
                "Canary version 4 (revision " + outcome.path("revision").asText() + ")"))
        .hasSize(1);
    awaitStatus(
        s ->
            s.path("canary").isMissingNode()
                && stableRevision.equals(s.path("stable").path("revision").asText()));
    await()
        .atMost(PATIENCE)
        .pollInterval(POLL)
        .untilAsserted(() -> assertThat(deploymentNames()).containsExactly(stableDeployment));
  }

  /**
   * Every client request sent since {@code before}, to whichever pod was ready, was answered: a
   * whole rollout, from the spec change to the old version's last pod gone, fails none.
   */
  private static void assertNoClientRequestFailedSince(
      BackgroundTraffic.Totals before, String rollout) {
    BackgroundTraffic.Totals during = traffic.totals().since(before);
    System.out.printf("%s: %s%n", rollout, during);
    assertThat(during.ok()).as("client requests answered during the %s", rollout).isPositive();
    assertThat(during.failed())
        .as("client requests failed during the %s: %s", rollout, traffic)
        .isZero();
  }

  private static void newVersion(String version, String modelDir) {
    md.newVersion(version, modelDir);
  }

  private static JsonNode status() {
    return md.status();
  }

  private static JsonNode awaitStatus(Predicate<JsonNode> done) {
    return md.awaitStatus(done);
  }

  /** Records the canary's step each time it changes, for {@code version}. */
  private static boolean noteStep(JsonNode status, String version, List<Integer> steps) {
    JsonNode canary = status.path("canary");
    if (version.equals(canary.path("version").asText()) && canary.path("step").isInt()) {
      int step = canary.path("step").asInt();
      if (steps.isEmpty() || steps.get(steps.size() - 1) != step) {
        steps.add(step);
      }
    }
    return false;
  }

  /** Saves the canary once it has been judged at a step, and once it is being promoted. */
  private static void captureCanary(JsonNode status) {
    JsonNode canary = status.path("canary");
    String decision = canary.path("analysis").path("decision").asText();
    if ("Promote".equals(decision)) {
      HealthFixtures.capture(kubectl, MD, "promoting");
    } else if (!decision.isEmpty() && canary.path("weight").asInt() > 0) {
      HealthFixtures.capture(kubectl, MD, "canary-mid-step");
    }
  }

  private static boolean hasHistory(JsonNode status, String version) {
    return ModelDeploymentView.hasHistory(status, version);
  }

  private static List<JsonNode> history(JsonNode status, String version) {
    return ModelDeploymentView.history(status, version);
  }

  private static JsonNode lastHistory(JsonNode status) {
    return ModelDeploymentView.lastHistory(status);
  }

  private static List<String> deploymentNames() {
    return md.deploymentNames();
  }

  private static List<String> deploymentVersions() {
    return md.deploymentVersions();
  }

  private static List<String> events(String reason, String messagePrefix) {
    return md.events(reason, messagePrefix);
  }
}

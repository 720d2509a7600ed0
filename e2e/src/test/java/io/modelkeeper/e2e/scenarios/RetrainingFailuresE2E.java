package io.modelkeeper.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.modelkeeper.e2e.traffic.LabelledTraffic;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What continuous training does when a run goes wrong, on one model serving labelled traffic
 * through its Service: a trainer that produces a worse model is not blessed; a training Job that
 * fails, or outlives spec.training.activeDeadline, fails its run with the reason; a trigger inside
 * the cooldown starts nothing and says so. Throughout, the serving version and its very pods stay
 * as they were.
 *
 * <p>The worse model: the reference trainer, from scratch ({@code mode: full}), with one hidden
 * unit, one epoch and a learning rate of 1e-9. The hidden unit keeps its random initial weights and
 * the output layer barely moves from its start, so the candidate is close to a guess on the
 * held-out rows, where the serving model is right about 19 times in 20 (the labels follow it, with
 * one in twenty flipped). No {@code minValue} is set, so the only reason not to bless it is that it
 * is worse than the serving model.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RetrainingFailuresE2E {

  private static final String MD = "fails";
  private static final Duration PATIENCE = Duration.ofMinutes(3);

  /** The local node runs this image's command as it is (docs/local-cluster.md#images). */
  private static final String EXEC_IMAGE = "localhost/modelkeeper-local/exec:1";

  static ClusterUnderTest cluster;
  static RetrainingScenario fails;
  static LabelledTraffic traffic;
  static RetrainingScenario.Serving before;

  @RegisterExtension
  static final ScenarioCluster scenario =
      ScenarioCluster.local("e2e-retraining-failures-state")
          .describeOnFailure(() -> RetrainingScenario.describe(cluster, MD));

  @BeforeAll
  static void deployAModelThatCapturesLabelledRows() throws Exception {
    cluster = scenario.cluster();
    fails = new RetrainingScenario(cluster, MD);
    fails.applyAndAwaitReady(
        RetrainingScenario.claims(MD)
            + """
            apiVersion: modelkeeper.io/v1alpha1
            kind: ModelDeployment
            metadata:
              name: %1$s
            spec:
              model:
                version: "1"
                uri: %2$s/logistic-regression/model.onnx
              serving:
                replicas: 1
                gpus: 0
                executionProvider: cpu
              monitoring:
                task: binary-classification
                window: 200
                interval: 2s
                slo:
                  minAccuracy: 0.8
            ---
            apiVersion: modelkeeper.io/v1alpha1
            kind: ModelRetraining
            metadata:
              name: %1$s
            spec:
              modelDeploymentRef: {name: %1$s}
              dataset:
                claimName: %1$s-data
                maxAge: 1h
                minRows: 200
                holdoutFraction: 0.25
              output: {claimName: %1$s-models}
              triggers:
                newLabelledRows: 300
              guards: {cooldown: 1h, maxRunsPerDay: 20, maxConsecutiveFailures: 5}
              training:
                mode: full
                activeDeadline: 3m
                hyperparameters: {hidden_units: "1", epochs: "1", learning_rate: "1e-9"}
              validation: {metric: accuracy, minImprovement: 0.0}
              rollout: automatic
            """
                .formatted(MD, cluster.modelBaseUrl()));
    traffic = fails.startTraffic(17);
    fails.awaitCapturingPods(1);
    before = fails.serving();
    assertThat(before.version()).isEqualTo("1");
  }

  @AfterAll
  static void stopTraffic() throws Exception {
    if (traffic != null) {
      traffic.close();
      assertThat(traffic.failed())
          .as("failed client requests out of %d (last: %s)", traffic.sent(), traffic.lastFailure())
          .isZero();
    }
    if (fails != null) {
      fails.close();
    }
  }

  @Test
  @Order(1)
  void aRunWhoseModelIsWorseThanTheServingOneIsNotBlessedAndNothingIsRolledOut() {
    // The newLabelledRows trigger starts the first run once 300 labelled rows were captured.
    String name = MD + "-r1";
    await().atMost(PATIENCE).until(() -> fails.run(name) != null);
    GenericKubernetesResource run = fails.awaitFinished(name, PATIENCE);

    assertThat(field(run, "spec", "trigger")).isEqualTo("NewRows");
    assertThat(field(run, "status", "phase")).isEqualTo("NotBlessed");
    Map<?, ?> blessing = (Map<?, ?>) field(run, "status", "blessing");
    assertThat(blessing.get("passed")).isEqualTo(false);
    double candidate = ((Number) blessing.get("candidate")).doubleValue();
    double serving = ((Number) blessing.get("serving")).doubleValue();
    assertThat(serving).as("the serving model on the held-out rows").isGreaterThan(0.85);
    assertThat(candidate).as("the candidate on the same rows").isLessThan(serving - 0.1);
    assertThat(String.valueOf(field(run, "status", "message")))
        .startsWith("not blessed: accuracy")
        .endsWith("nothing is rolled out");
    assertThat(field(run, "status", "version")).as("no version is made of it").isNull();
    assertThat(fails.events("NotBlessed")).anyMatch(m -> m.contains(name));

    assertThat(field(fails.retraining(), "status", "candidate")).as("nothing offered").isNull();
    assertServingUntouched();
  }

  @Test
  @Order(2)
  void aSecondTriggerInsideTheCooldownStartsNothingAndSaysSo() {
    // Rows keep coming: the next look at the counters (every 5 s on the local cluster) finds 300
    // more since r1 started, inside the one-hour cooldown.
    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              GenericKubernetesResource retraining = fails.retraining();
              assertThat(field(retraining, "status", "lastSkipped", "guard")).isEqualTo("Cooldown");
              assertThat(field(retraining, "status", "lastSkipped", "trigger"))
                  .isEqualTo("NewRows");
            });
    String message = String.valueOf(field(fails.retraining(), "status", "lastSkipped", "message"));
    assertThat(message).contains("spec.guards.cooldown 1h").contains("lets the next start at");
    assertThat(fails.events("RunHeld"))
        .anyMatch(m -> m.startsWith("Trigger NewRows started no run: Cooldown: "));
    assertThat(fails.runs()).as("runs").hasSize(1);
    assertServingUntouched();
  }

  @Test
  @Order(3)
  void aRunWhoseTrainingJobFailsIsFailedWithTheReason() {
    scenario.local(); // the exec image is the local node's stand-in for any image
    // A run made by hand is held by no guard (it waits only for a run in flight).
    fails.patchRetraining(template("echo 'trainer: cannot open the dataset' >&2; exit 1", "3m"));
    fails.createRun(MD + "-broken", "a trainer image that exits 1");
    GenericKubernetesResource run = fails.awaitFinished(MD + "-broken", PATIENCE);

    assertThat(field(run, "status", "phase")).isEqualTo("Failed");
    assertThat(String.valueOf(field(run, "status", "message")))
        .startsWith("TrainingFailed: BackoffLimitExceeded")
        .contains("trainer: cannot open the dataset")
        .endsWith("serving is untouched");
    assertThat(succeeded(run)).isEqualTo("False TrainingFailed");
    assertThat(field(run, "status", "jobs", "evaluation")).as("nothing evaluated").isNull();
    Job job = job(MD + "-broken-train");
    assertThat(job.getStatus().getFailed()).isEqualTo(1);
    assertThat(fails.events("RunFailed")).anyMatch(m -> m.contains(MD + "-broken"));
    assertServingUntouched();
  }

  @Test
  @Order(4)
  void aRunPastItsActiveDeadlineIsFailedWithTheDeadlineReason() {
    scenario.local(); // the exec image is the local node's stand-in for any image
    fails.patchRetraining(template("sleep 120", "5s"));
    fails.createRun(MD + "-slow", "a trainer that takes longer than spec.training.activeDeadline");
    GenericKubernetesResource run = fails.awaitFinished(MD + "-slow", PATIENCE);

    assertThat(field(run, "status", "phase")).isEqualTo("Failed");
    assertThat(String.valueOf(field(run, "status", "message")))
        .startsWith("DeadlineExceeded: DeadlineExceeded")
        .endsWith("serving is untouched");
    assertThat(succeeded(run)).isEqualTo("False DeadlineExceeded");
    Job job = job(MD + "-slow-train");
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(5L);
    // The node stopped the pod that was still sleeping.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                job(MD + "-slow-train").getStatus().getActive() == null
                    || job(MD + "-slow-train").getStatus().getActive() == 0);
    assertServingUntouched();
    assertThat(fails.runs())
        .as("the cooldown held every trigger while the runs made by hand went on")
        .extracting(r -> r.getMetadata().getName())
        .containsExactly(MD + "-r1", MD + "-broken", MD + "-slow");
  }

  /** A training template of the exec image running {@code script}, and the deadline. */
  private static String template(String script, String deadline) {
    return """
        {"spec":{"training":{"activeDeadline":"%s","backoffLimit":0,"template":{"spec":{"template":\
        {"spec":{"containers":[{"name":"trainer","image":"%s","command":["sh","-c",%s]}]}}}}}}}\
        """
        .formatted(deadline, EXEC_IMAGE, json(script));
  }

  private static String json(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** The serving version, its canary, its history and its very pods are as before the runs. */
  private static void assertServingUntouched() {
    RetrainingScenario.Serving now = fails.serving();
    assertThat(now).as("what serves").isEqualTo(before);
    assertThat(fails.condition("Ready")).startsWith("True");
  }

  private static String succeeded(GenericKubernetesResource run) {
    Object conditions = field(run, "status", "conditions");
    if (conditions instanceof List<?> list) {
      for (Object item : list) {
        Map<?, ?> condition = (Map<?, ?>) item;
        if ("Succeeded".equals(condition.get("type"))) {
          return condition.get("status") + " " + condition.get("reason");
        }
      }
    }
    return null;
  }

  private static Job job(String name) {
    return cluster.client().batch().v1().jobs().inNamespace(fails.namespace()).withName(name).get();
  }

  private static Object field(GenericKubernetesResource resource, String... path) {
    return RetrainingScenario.field(resource, path);
  }
}

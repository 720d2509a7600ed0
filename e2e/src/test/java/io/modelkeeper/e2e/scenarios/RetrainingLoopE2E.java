package io.modelkeeper.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.modelkeeper.e2e.cluster.Kubectl;
import io.modelkeeper.e2e.metrics.ScrapedSeries;
import io.modelkeeper.e2e.traffic.InferenceClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole loop, unattended, with clients that know only the model's Service: a model serves
 * labelled traffic above its accuracy objective; the world changes (every label flips against the
 * inputs); accuracy falls, the ModelDeployment turns Degraded after slo.for; a run is triggered,
 * trains incrementally on the captured rows with the reference trainer, is blessed on the held-out
 * rows, goes through the canary and is promoted; accuracy on new traffic is back above the
 * objective. Nobody writes a spec.
 */
class RetrainingLoopE2E {

  private static final String MD = "loop";
  private static final int FEATURES = 8;
  private static final Duration PATIENCE = Duration.ofMinutes(8);

  static ClusterUnderTest cluster;
  static Kubectl kubectl;
  static ReferenceModel original;
  static final Random random = new Random(13);
  static final AtomicBoolean worldChanged = new AtomicBoolean();
  static final AtomicBoolean stop = new AtomicBoolean();
  static final AtomicLong sent = new AtomicLong();
  static final AtomicLong failed = new AtomicLong();
  static final AtomicReference<String> lastFailure = new AtomicReference<>();
  static Thread traffic;
  static String namespace;

  @RegisterExtension
  static final ScenarioCluster scenario =
      ScenarioCluster.local("e2e-retraining-state")
          .describeOnFailure(
              () ->
                  kubectl == null
                      ? "(no cluster)"
                      : kubectl.run("get", "retrainingruns", "-o", "yaml").out()
                          + "\n"
                          + kubectl.run("get", "modelretraining", MD, "-o", "yaml").out()
                          + "\n"
                          + kubectl.run("get", "jobs,pods", "-o", "wide").out());

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = scenario.cluster();
    kubectl = cluster.kubectl();
    original =
        ReferenceModel.load(
            cluster.modelsDir().resolve("logistic-regression").resolve("model.onnx"));
  }

  @AfterAll
  static void stopTraffic() throws Exception {
    stop.set(true);
    if (traffic != null) {
      traffic.join(10_000);
    }
    if (original != null) {
      original.close();
    }
  }

  @Test
  void aLabelShiftIsRetrainedBlessedCanariedAndPromotedWithoutAnySpecWrite() throws Exception {
    String manifests =
        """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: loop-data}
        spec:
          accessModes: [ReadWriteMany]
          resources: {requests: {storage: 1Gi}}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: loop-models}
        spec:
          accessModes: [ReadWriteMany]
          resources: {requests: {storage: 1Gi}}
        ---
        apiVersion: modelkeeper.io/v1alpha1
        kind: ModelDeployment
        metadata:
          name: %1$s
        spec:
          model:
            version: "1"
            uri: %2$s/logistic-regression/model.onnx
          serving:
            replicas: 2
            gpus: 0
            executionProvider: cpu
          monitoring:
            task: binary-classification
            window: 200
            interval: 2s
            slo:
              for: 6s
              minAccuracy: 0.8
          rollout:
            steps:
              - {weight: 50, duration: 10s}
            analysis:
              interval: 2s
              minRequests: 20
              minLabelled: 50
        ---
        apiVersion: modelkeeper.io/v1alpha1
        kind: ModelRetraining
        metadata:
          name: %1$s
        spec:
          modelDeploymentRef: {name: %1$s}
          dataset:
            claimName: loop-data
            maxAge: 1h
            minRows: 2000
            holdoutFraction: 0.25
          output: {claimName: loop-models}
          triggers:
            onDegraded: [AccuracyBelowSlo]
          guards: {cooldown: 20s, maxRunsPerDay: 10, maxConsecutiveFailures: 2}
          training:
            mode: incremental
            activeDeadline: 5m
            hyperparameters: {epochs: "30", learning_rate: "0.05"}
          validation: {metric: accuracy, minValue: 0.7, minImprovement: 0.3}
          rollout: automatic
        """
            .formatted(MD, cluster.modelBaseUrl());
    kubectl.runWithInput(manifests, "apply", "--validate=false", "-f", "-").orThrow();
    assertThat(kubectl.run("wait", "--for=condition=Ready", "md/" + MD, "--timeout=180s").orThrow())
        .contains("condition met");
    long generation = generation();
    namespace =
        kubectl.run("get", "md", MD, "-o", "jsonpath={.metadata.namespace}").orThrow().trim();
    String service = cluster.serviceBaseUrl(namespace, MD);

    // The world as the model knows it: labels agree with its predictions 19 times in 20.
    traffic = new Thread(() -> sendLabelledTraffic(service), "labelled-traffic");
    traffic.setDaemon(true);
    traffic.start();
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              assertThat(accuracy()).isGreaterThanOrEqualTo(0.85);
              assertThat(condition("Degraded")).startsWith("False");
            });

    // The world changes: every label now says the opposite of what the inputs used to mean.
    worldChanged.set(true);
    await()
        .atMost(PATIENCE)
        .untilAsserted(() -> assertThat(condition("Degraded")).startsWith("True AccuracyBelowSlo"));

    // A run starts by itself, trains, is blessed, is canaried and promoted.
    Set<String> phases = new LinkedHashSet<>();
    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              GenericKubernetesResource run = onlyRun();
              phases.add(String.valueOf(field(run, "status", "phase")));
              assertThat(field(run, "spec", "trigger")).isEqualTo("Degraded");
              assertThat(field(run, "status", "phase"))
                  .as("phases so far %s", phases)
                  .isEqualTo("Promoted");
            });
    assertThat(phases).contains("Promoted").doesNotContain("NotBlessed", "RolledBack");
    GenericKubernetesResource run = onlyRun();
    String runName = run.getMetadata().getName();
    Map<?, ?> blessing = (Map<?, ?>) field(run, "status", "blessing");
    assertThat(blessing.get("passed")).isEqualTo(true);
    assertThat(((Number) blessing.get("candidate")).doubleValue())
        .isGreaterThan(((Number) blessing.get("serving")).doubleValue() + 0.1);

    String stable =
        kubectl
            .run(
                "get",
                "md",
                MD,
                "-o",
                "jsonpath={.status.stable.version} {.status.stable.run} {.spec.model.version}")
            .orThrow();
    assertThat(stable).matches("1-r\\d+ " + runName + " 1");
    assertThat(generation()).as("no spec was written").isEqualTo(generation);
    assertThat(kubectl.run("get", "md", MD).orThrow()).containsPattern("1-r\\d+");

    // New traffic, served by the retrained model, is right again.
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              assertThat(condition("Degraded")).startsWith("False");
              assertThat(accuracy()).isGreaterThanOrEqualTo(0.8);
            });
    assertThat(kubectl.run("get", "retrainingruns").orThrow())
        .contains("TRIGGER", "PHASE", "ROWS", "CANDIDATE", "SERVING", "BLESSED", "VERSION")
        .contains(runName, "Degraded", "Promoted");

    // The dashboard's retraining panels and the alert name series the operator now exports.
    ExamplesE2E.project = scenario.project();
    ScrapedSeries operator = new ScrapedSeries();
    operator.add(
        new InferenceClient()
            .get(scenario.local().cluster().operator().url() + "/q/metrics")
            .text());
    List<String> unmet = new ArrayList<>();
    for (String expression : ExamplesE2E.dashboardQueries()) {
      if (expression.contains(ExamplesE2E.RETRAINING_SERIES)
          && !expression.contains(ExamplesE2E.TUNING_SERIES)) {
        unmet.addAll(ExamplesE2E.unmet("dashboard", expression, operator));
      }
    }
    for (String expression : ExamplesE2E.alertExpressions()) {
      if (expression.contains(ExamplesE2E.RETRAINING_SERIES)) {
        unmet.addAll(ExamplesE2E.unmet("alert rule", expression, operator));
      }
    }
    assertThat(unmet).as("retraining queries naming series the operator does not export").isEmpty();

    stop.set(true);
    traffic.join(10_000);
    assertThat(failed.get())
        .as("failed client requests out of %d (last: %s)", sent.get(), lastFailure.get())
        .isZero();
  }

  /**
   * Inference and its labels through the Service, about 100 rows a second, until stopped; each
   * request on a connection of its own, as many clients would, so the Service spreads them.
   */
  private static void sendLabelledTraffic(String service) {
    while (!stop.get()) {
      InferenceClient client = new InferenceClient();
      try {
        float[][] rows = rows(10);
        InferenceClient.Reply reply = client.infer(service, MD, "input", null, rows);
        sent.incrementAndGet();
        if (!reply.ok()) {
          failed.incrementAndGet();
          lastFailure.set("infer " + reply.status() + " " + reply.text());
          continue;
        }
        float[] truth = original.predict(rows);
        List<Object> labels = new ArrayList<>();
        for (int r = 0; r < rows.length; r++) {
          int meant = truth[r] > 0.5f ? 1 : 0;
          boolean noise = random.nextInt(20) == 0;
          int label = worldChanged.get() ? 1 - meant : meant;
          labels.add(noise ? 1 - label : label);
        }
        String id = reply.body().path("id").asText();
        InferenceClient.Reply feedback =
            new InferenceClient().feedback(service, MD, List.of(Map.of("id", id, "label", labels)));
        sent.incrementAndGet();
        if (feedback.status() != 200) {
          failed.incrementAndGet();
          lastFailure.set("feedback " + feedback.status() + " " + feedback.text());
        }
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        failed.incrementAndGet();
        lastFailure.set(e.toString());
      }
    }
  }

  private static float[][] rows(int count) {
    float[][] rows = new float[count][FEATURES];
    for (float[] row : rows) {
      for (int f = 0; f < FEATURES; f++) {
        row[f] = (float) random.nextGaussian();
      }
    }
    return rows;
  }

  private static GenericKubernetesResource onlyRun() {
    List<GenericKubernetesResource> runs =
        cluster
            .client()
            .genericKubernetesResources("modelkeeper.io/v1alpha1", "RetrainingRun")
            .inNamespace(namespace)
            .list()
            .getItems();
    assertThat(runs).as("runs").isNotEmpty();
    GenericKubernetesResource newest =
        runs.stream()
            .max(java.util.Comparator.comparingLong(RetrainingLoopE2E::number))
            .orElseThrow();
    // A run that starts before enough rows were captured ends NotEnoughRows (not a failure that
    // counts); the next trigger after the cooldown tries again with more rows.
    for (GenericKubernetesResource run : runs) {
      if (run != newest && "Failed".equals(field(run, "status", "phase"))) {
        assertThat(String.valueOf(field(run, "status", "message"))).startsWith("NotEnoughRows");
      }
    }
    return newest;
  }

  private static long number(GenericKubernetesResource run) {
    Object number = field(run, "status", "number");
    return number instanceof Number n ? n.longValue() : -1;
  }

  private static Object field(GenericKubernetesResource resource, String... path) {
    Object node = resource.getAdditionalProperties();
    for (String key : path) {
      if (!(node instanceof Map<?, ?> map)) {
        return null;
      }
      node = map.get(key);
    }
    return node;
  }

  private static long generation() {
    return Long.parseLong(
        kubectl.run("get", "md", MD, "-o", "jsonpath={.metadata.generation}").orThrow().trim());
  }

  private static double accuracy() {
    String value =
        kubectl.run("get", "md", MD, "-o", "jsonpath={.status.metrics.accuracy}").orThrow().trim();
    return value.isEmpty() ? Double.NaN : Double.parseDouble(value);
  }

  private static String condition(String type) {
    String path = "{.status.conditions[?(@.type==\"" + type + "\")].";
    return kubectl
        .run("get", "md", MD, "-o", "jsonpath=" + path + "status} " + path + "reason}")
        .orThrow();
  }
}

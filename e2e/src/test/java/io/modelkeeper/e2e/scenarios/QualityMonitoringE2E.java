package io.modelkeeper.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.modelkeeper.e2e.cluster.Kubectl;
import io.modelkeeper.e2e.traffic.InferenceClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Model quality on the cluster: labels that agree with 90% of a pod's predictions show accuracy 0.9
 * in the pod's /metrics and /quality and in the ModelDeployment's status; input traffic with one
 * feature shifted far from the reference sets Degraded=True with reason DriftAboveSlo once it has
 * stayed so for the spec's slo.for.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QualityMonitoringE2E {

  private static final Duration PATIENCE = Duration.ofMinutes(2);
  private static final String MD = "quality";
  private static final int FEATURES = 8;

  /**
   * Rows the server captures as its drift reference when no reference.json is shipped (its
   * default).
   */
  private static final int REFERENCE_ROWS = 1000;

  private static final int ROWS_PER_REQUEST = 100;

  static ClusterUnderTest cluster;
  static Kubectl kubectl;
  static String pod;
  static final InferenceClient inference = new InferenceClient();
  static final Random random = new Random(6);

  @RegisterExtension
  static final ScenarioCluster scenario =
      ScenarioCluster.local("e2e-quality-state")
          .describeOnFailure(
              () ->
                  pod == null
                      ? "(no pod chosen yet)"
                      : inference.get(pod + "/v2/models/" + MD + "/quality").text());

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = scenario.cluster();
    kubectl = cluster.kubectl();
  }

  @Test
  @Order(1)
  void labelsRightNineTimesInTenShowAccuracyNinetyPercentEverywhere() {
    String manifest =
        """
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
          monitoring:
            task: binary-classification
            window: 100
            interval: 2s
            slo:
              for: 4s
              minAccuracy: 0.8
              maxDrift: 0.5
        """
            .formatted(MD, cluster.modelBaseUrl());
    kubectl.runWithInput(manifest, "apply", "--validate=false", "-f", "-").orThrow();
    assertThat(kubectl.run("wait", "--for=condition=Ready", "md/" + MD, "--timeout=120s").orThrow())
        .contains("condition met");
    Pod serving =
        cluster.client().pods().withLabel("modelkeeper.io/deployment", MD).list().getItems().get(0);
    pod = cluster.podBaseUrl(serving);

    // The first rows after load become the drift reference.
    for (int i = 0; i < REFERENCE_ROWS / ROWS_PER_REQUEST; i++) {
      infer("reference-" + i, rows(ROWS_PER_REQUEST, 0f));
    }
    // 100 labelled rows, one label in ten contradicting the model's prediction.
    int labelled = 0;
    for (int i = 0; i < 10; i++) {
      String id = "labelled-" + i;
      float[] scores = infer(id, rows(10, 0f));
      List<Object> labels = new ArrayList<>();
      for (int r = 0; r < scores.length; r++) {
        int predicted = scores[r] > 0.5f ? 1 : 0;
        labels.add(r == 0 ? 1 - predicted : predicted);
        labelled++;
      }
      InferenceClient.Reply reply =
          inference.feedback(pod, MD, List.of(Map.of("id", id, "label", labels)));
      assertThat(reply.status()).as("feedback %s: %s", id, reply.text()).isEqualTo(200);
    }
    assertThat(labelled).isEqualTo(100);

    String metrics = inference.get(pod + "/metrics").text();
    assertThat(gauge(metrics, "modelkeeper_quality_accuracy")).isCloseTo(0.9, Offset.offset(1e-9));
    assertThat(gauge(metrics, "modelkeeper_quality_window_predictions")).isEqualTo(100.0);
    InferenceClient.Reply quality = inference.get(pod + "/v2/models/" + MD + "/quality");
    assertThat(quality.status()).isEqualTo(200);
    assertThat(quality.body().path("metrics").path("accuracy").asDouble())
        .isCloseTo(0.9, Offset.offset(1e-9));

    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              String table = kubectl.run("get", "md", MD).orThrow();
              assertThat(table)
                  .contains("ACCURACY")
                  .containsPattern(MD + "\\s+1\\s+.*\\s0\\.900\\s");
              assertThat(condition("Degraded")).startsWith("False SloMet");
            });
    // The rest of the window's figures, and its sample size, in -o wide and in status.metrics. A
    // reading taken while the feedback was still arriving shows a smaller sample (the accuracy was
    // already 0.9 after the first batch), so wait for the reading after the last label.
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () ->
                assertThat(kubectl.run("get", "md", MD, "-o", "wide").orThrow())
                    .contains("F1", "AUC", "LABELLED", "DRIFT")
                    .containsPattern("\\s100\\s"));
    String figures =
        kubectl
            .run(
                "get",
                "md",
                MD,
                "-o",
                "jsonpath={.status.metrics.labelled} {.status.metrics.precision} {.status.metrics.f1}")
            .orThrow();
    assertThat(figures).matches("100 [01](\\.\\d+)? [01](\\.\\d+)?");
  }

  @Test
  @Order(2)
  void driftingInputSetsDegradedWithTheDriftReason() {
    // Feature 0 moved six standard deviations: the whole drift window is far off the reference.
    for (int i = 0; i < REFERENCE_ROWS / ROWS_PER_REQUEST; i++) {
      infer("drifted-" + i, rows(ROWS_PER_REQUEST, 6f));
    }
    // The server reuses its drift report for up to a second: read until the new rows show.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(gauge(inference.get(pod + "/metrics").text(), "modelkeeper_drift_score"))
                    .isGreaterThan(0.5));

    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () ->
                assertThat(condition("Degraded"))
                    .startsWith("True DriftAboveSlo")
                    .contains("above spec.monitoring.slo.maxDrift 0.5, since "));
    HealthFixtures.capture(kubectl, MD, "degraded-by-drift");
    assertThat(
            cluster.client().v1().events().list().getItems().stream()
                .filter(e -> MD.equals(e.getInvolvedObject().getName()))
                .map(e -> e.getReason())
                .toList())
        .contains("DriftAboveSlo");
  }

  private static float[] infer(String id, float[][] rows) {
    return InferenceClient.firstOutput(inference.infer(pod, MD, "input", id, rows));
  }

  /** Standard normal rows, feature 0 moved by {@code shift}. */
  private static float[][] rows(int count, float shift) {
    float[][] rows = new float[count][FEATURES];
    for (float[] row : rows) {
      for (int f = 0; f < FEATURES; f++) {
        row[f] = (float) random.nextGaussian();
      }
      row[0] += shift;
    }
    return rows;
  }

  private static String condition(String type) {
    return kubectl
        .run(
            "get",
            "md",
            MD,
            "-o",
            "jsonpath={.status.conditions[?(@.type==\""
                + type
                + "\")].status} {.status.conditions[?(@.type==\""
                + type
                + "\")].reason}: "
                + "{.status.conditions[?(@.type==\""
                + type
                + "\")].message}")
        .orThrow();
  }

  /** The value of the first sample of {@code name} (any labels) in Prometheus text. */
  private static double gauge(String text, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? (\\S+)").matcher(text);
    assertThat(m.find()).as("%s in /metrics", name).isTrue();
    return Double.parseDouble(m.group(2));
  }
}

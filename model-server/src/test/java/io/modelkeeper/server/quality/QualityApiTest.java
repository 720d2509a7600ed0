package io.modelkeeper.server.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelkeeper.server.capture.DatasetFiles;
import io.modelkeeper.server.support.Http.Reply;
import io.modelkeeper.server.support.ServedModelTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

@QuarkusTest
@TestProfile(QualityProfile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QualityApiTest extends ServedModelTest {
  private static final String MODEL = "/v2/models/fraud";

  private Reply post(String path, Object body) {
    return http.postJson(path, body);
  }

  /** Infers one row; returns the predicted class (probability of fraud above 0.5). */
  private int infer(String id, float[] features) {
    Map<String, Object> input =
        Map.of("name", "input", "datatype", "FP32", "shape", List.of(1, 8), "data", features);
    Reply reply =
        post(
            MODEL + "/infer",
            id == null
                ? Map.of("inputs", List.of(input))
                : Map.of("id", id, "inputs", List.of(input)));
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    return reply.json().get("outputs").get(0).get("data").get(0).floatValue() > 0.5 ? 1 : 0;
  }

  /** The scrape, with the text format's optional trailing comma in label sets removed. */
  private String scrape() {
    return http.get("/metrics").text().replace(",}", "}");
  }

  private static float[] features(Random random, double shift) {
    float[] row = new float[8];
    for (int f = 0; f < 8; f++) {
      row[f] = (float) (random.nextGaussian() + (f == 3 ? shift : 0));
    }
    return row;
  }

  @BeforeEach
  void monitoringStarted() {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> http.get(MODEL + "/quality").status() == 200);
  }

  @Test
  @Order(1)
  void modelRightNineTimesInTen_showsAccuracyPointNineInJsonAndMetrics() {
    Random random = new Random(11);
    List<Map<String, Object>> labels = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      int predicted = infer("acc-" + i, features(random, 0));
      labels.add(Map.of("id", "acc-" + i, "label", i % 10 == 0 ? 1 - predicted : predicted));
    }

    Reply feedback = post(MODEL + "/feedback", labels);

    assertThat(feedback.status()).as(feedback.text()).isEqualTo(200);
    assertThat(feedback.json().get("accepted").asInt()).isEqualTo(200);
    JsonNode quality = http.get(MODEL + "/versions/7/quality").json();
    assertThat(quality.get("task").asText()).isEqualTo("binary-classification");
    assertThat(quality.get("metrics").get("accuracy").asDouble()).isCloseTo(0.9, within(1e-9));
    assertThat(quality.get("classes").get(1).get("name").asText()).isEqualTo("fraud");
    assertThat(quality.get("predictions").get("labelled_total").asLong()).isEqualTo(200);
    String metrics = scrape();
    assertThat(metrics)
        .contains("modelkeeper_quality_accuracy{model=\"fraud\",version=\"7\"} 0.9\n")
        .contains("modelkeeper_labelled_predictions_total{model=\"fraud\",version=\"7\"} 200.0")
        .contains("modelkeeper_feedback_total{model=\"fraud\",result=\"ok\",version=\"7\"} 200.0")
        .containsPattern("modelkeeper_quality_auc_roc\\{model=\"fraud\",version=\"7\"} 0\\.\\d+")
        .contains("modelkeeper_quality_class_precision{class=\"fraud\",model=\"fraud\"");
  }

  @Test
  @Order(2)
  void feedbackErrors_perItemStatusesAndWholeRequestStatus() {
    infer("bad-1", new float[8]);
    infer("bad-2", new float[8]);

    Reply unknown = post(MODEL + "/feedback", Map.of("id", "nobody", "label", 1));
    Reply mixed =
        post(
            MODEL + "/feedback",
            List.of(Map.of("id", "bad-1", "label", 1), Map.of("id", "bad-2", "label", 5)));
    Reply duplicate = post(MODEL + "/feedback", Map.of("id", "bad-1", "label", 0));
    Reply allBadDifferently =
        post(
            MODEL + "/feedback",
            List.of(Map.of("id", "bad-1", "label", 0), Map.of("id", "bad-2", "label", "spam")));
    Reply byName = post(MODEL + "/feedback", Map.of("id", "bad-2", "label", "legit"));

    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().get("error").asText()).contains("no prediction with id 'nobody'");
    assertThat(mixed.status()).isEqualTo(207);
    assertThat(mixed.json().get("results").get(1).get("result").asText()).isEqualTo("out_of_range");
    assertThat(mixed.json().get("results").get(1).get("status").asInt()).isEqualTo(422);
    assertThat(duplicate.status()).isEqualTo(409);
    assertThat(allBadDifferently.status()).isEqualTo(400);
    assertThat(allBadDifferently.json().get("rejected").asInt()).isEqualTo(2);
    assertThat(byName.status()).isEqualTo(200);
    assertThat(post(MODEL + "/feedback", "{not json").status()).isEqualTo(400);
    assertThat(post(MODEL + "/feedback", "[]").json().get("error").asText())
        .isEqualTo("the feedback array is empty");
    assertThat(post("/v2/models/other/feedback", "[]").status()).isEqualTo(404);
    Reply tooMany =
        post(
            MODEL + "/feedback",
            "["
                + String.join(
                    ",",
                    java.util.Collections.nCopies(
                        QualityRoutes.MAX_FEEDBACK_ITEMS + 1, "{\"id\":\"bad-1\",\"label\":1}"))
                + "]");
    assertThat(tooMany.status()).isEqualTo(413);
    assertThat(tooMany.json().get("error").asText()).contains("at most 10000 feedback items");
    Reply form =
        http.post(
            MODEL + "/feedback",
            "id=bad-1".getBytes(),
            Map.of("Content-Type", "application/x-www-form-urlencoded"));
    assertThat(form.status()).isEqualTo(415);
    assertThat(post(MODEL + "/versions/8/feedback", "[]").json().get("error").asText())
        .contains("has no version '8'");
  }

  @Test
  @Order(3)
  void requestWithoutId_getsOneThatCanBeLabelled() {
    Map<String, Object> input =
        Map.of("name", "input", "datatype", "FP32", "shape", List.of(1, 8), "data", new float[8]);
    Reply reply = post(MODEL + "/infer", Map.of("inputs", List.of(input)));
    String id = reply.json().get("id").asText();

    Reply feedback = post(MODEL + "/feedback", Map.of("id", id, "label", true));

    assertThat(id).isNotBlank();
    assertThat(feedback.status()).as(feedback.text()).isEqualTo(200);
  }

  @Test
  @Order(4)
  void shiftedInput_isFlaggedOnThatFeatureAgainstTheCapturedReference() {
    Random random = new Random(12);
    for (int i = 0; i < 200; i++) {
      infer(null, features(random, 3.0));
    }

    // The drift report is reused for up to a second: wait until it shows all 200 rows.
    JsonNode drift =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> http.get(MODEL + "/quality").json().get("drift"),
                d -> d.get("window_rows").asInt() >= 200);

    assertThat(drift.get("reference").asText()).isEqualTo("captured");
    assertThat(drift.get("window_rows").asInt()).isEqualTo(200);
    for (JsonNode feature : drift.get("features")) {
      boolean shifted = feature.get("name").asText().equals("input[3]");
      assertThat(feature.get("ks_significant").asBoolean())
          .as(feature.toString())
          .isEqualTo(shifted);
    }
    assertThat(drift.get("score").asDouble()).isGreaterThan(1.0);
    String metrics = scrape();
    assertThat(metrics)
        .containsPattern(
            "modelkeeper_drift_psi\\{feature=\"input\\[3]\",model=\"fraud\",reference=\"captured\","
                + "version=\"7\"} \\d");
    assertThat(metrics).contains("modelkeeper_drift_score{model=\"fraud\",reference=\"captured\"");
    Reply reference = http.get(MODEL + "/reference");
    assertThat(reference.json().get("features")).hasSize(8);
  }

  @Test
  @Order(5)
  void scrapePassesPromtool() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/promtool")),
        "promtool is installed by .ci/run");
    Process promtool =
        new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
    try (var stdin = promtool.getOutputStream()) {
      stdin.write(http.get("/metrics").text().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    String output =
        new String(
            promtool.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);

    assertThat(promtool.waitFor()).as(output).isZero();
  }

  @Test
  @Order(6)
  void labelledRowsLandInTheCaptureDirectory() {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(DatasetFiles.readAll(QualityProfile.CAPTURE_DIR))
                    .extracting(row -> row.get("id").asText())
                    .contains("acc-0", "acc-199", "bad-2"));
  }
}

package io.modelkeeper.server.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelkeeper.server.models.SampleModels;
import io.modelkeeper.server.onnx.ModelRunner;
import io.modelkeeper.server.support.Http;
import io.modelkeeper.server.support.Http.Reply;
import io.modelkeeper.server.support.ServedModelTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

@QuarkusTest
@TestProfile(ExplainProfile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExplainApiTest extends ServedModelTest {
  private static final String MODEL = "/v2/models/fraud";
  private static final int FEATURES = 8;

  private static float[][] rows(Random random, int count) {
    float[][] rows = new float[count][FEATURES];
    for (float[] row : rows) {
      for (int j = 0; j < FEATURES; j++) {
        row[j] = (float) random.nextGaussian();
      }
    }
    return rows;
  }

  private static Map<String, Object> input(float[][] rows) {
    List<Float> flat = new ArrayList<>();
    for (float[] row : rows) {
      for (float value : row) {
        flat.add(value);
      }
    }
    return Map.of(
        "name", "input", "datatype", "FP32", "shape", List.of(rows.length, FEATURES), "data", flat);
  }

  private Reply explain(String path, float[][] rows, Map<String, Object> parameters) {
    Map<String, Object> body = new HashMap<>();
    body.put("inputs", List.of(input(rows)));
    if (parameters != null) {
      body.put("parameters", parameters);
    }
    return http.postJson(path, body);
  }

  private static double[] attributions(JsonNode output) {
    double[] values = new double[FEATURES];
    for (int j = 0; j < FEATURES; j++) {
      values[j] = output.get("attributions").get(j).asDouble();
    }
    return values;
  }

  @Test
  @Order(1)
  void noBackgroundYet_409SaysWhereOneComesFrom() {
    Reply reply = explain(MODEL + "/explain", rows(new Random(1), 1), null);

    assertThat(reply.status()).as(reply.text()).isEqualTo(409);
    assertThat(reply.json().get("error").asText()).contains("parameters.background");
  }

  @Test
  @Order(2)
  void backgroundInRequest_shapEqualsBruteForceEnumerationAndSumsToPredictionMinusBase()
      throws Exception {
    Random random = new Random(2);
    float[][] rows = rows(random, 2);
    float[][] background = rows(random, 6);

    Reply reply = explain(MODEL + "/explain", rows, Map.of("background", background));

    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    JsonNode body = reply.json();
    assertThat(body.get("method").asText()).isEqualTo("shap");
    assertThat(body.get("algorithm").asText()).isEqualTo("exact");
    assertThat(body.get("features").toString())
        .isEqualTo("[\"f0\",\"f1\",\"f2\",\"f3\",\"f4\",\"f5\",\"f6\",\"f7\"]");
    assertThat(body.get("background").get("source").asText()).isEqualTo("request");
    assertThat(body.get("cost").get("model_rows").asLong()).isEqualTo(2L * 256 * 6);
    try (ModelRunner runner =
        ModelRunner.open(
            SampleModels.logisticRegression().toOnnx("lr", Map.of()), false, warning -> {})) {
      for (int r = 0; r < rows.length; r++) {
        JsonNode output = body.get("explanations").get(r).get("outputs").get(0);
        assertThat(output.get("name").asText()).isEqualTo("probability");
        double[] expected =
            BruteForceShapley.of(runner, "input", "probability", rows[r], background)[0];
        double[] actual = attributions(output);
        double sum = 0;
        for (int j = 0; j < FEATURES; j++) {
          assertThat(actual[j]).as("row %d feature %d", r, j).isCloseTo(expected[j], within(1e-6));
          sum += actual[j];
        }
        assertThat(sum)
            .isCloseTo(
                output.get("prediction").asDouble() - output.get("base_value").asDouble(),
                within(1e-9));
      }
    }
  }

  @Test
  @Order(3)
  void versionsForm_explainsTheServedVersionAndRefusesAnother() {
    float[][] rows = rows(new Random(3), 1);
    float[][] background = rows(new Random(4), 3);

    Reply served = explain(MODEL + "/versions/7/explain", rows, Map.of("background", background));
    Reply other = explain(MODEL + "/versions/8/explain", rows, Map.of("background", background));

    assertThat(served.status()).as(served.text()).isEqualTo(200);
    assertThat(served.json().get("model_version").asText()).isEqualTo("7");
    assertThat(other.status()).isEqualTo(404);
    assertThat(other.json().get("error").asText()).contains("no version '8'");
  }

  @Test
  @Order(4)
  void binaryInput_isExplainedAsTheSameRowsInJson() {
    float[][] rows = rows(new Random(5), 1);
    float[][] background = rows(new Random(6), 4);
    String header =
        Http.JSON
            .valueToTree(
                Map.of(
                    "parameters",
                    Map.of("background", background),
                    "inputs",
                    List.of(
                        Map.of(
                            "name",
                            "input",
                            "datatype",
                            "FP32",
                            "shape",
                            List.of(1, FEATURES),
                            "parameters",
                            Map.of("binary_data_size", FEATURES * 4)))))
            .toString();
    byte[] headerBytes = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer body =
        ByteBuffer.allocate(headerBytes.length + FEATURES * 4).order(ByteOrder.LITTLE_ENDIAN);
    body.put(headerBytes);
    for (float value : rows[0]) {
      body.putFloat(value);
    }

    Reply binary =
        http.post(
            MODEL + "/explain",
            body.array(),
            Map.of(
                "Inference-Header-Content-Length",
                Integer.toString(headerBytes.length),
                "Content-Type",
                "application/octet-stream"));
    Reply json = explain(MODEL + "/explain", rows, Map.of("background", background));

    assertThat(binary.status()).as(binary.text()).isEqualTo(200);
    assertThat(attributions(binary.json().get("explanations").get(0).get("outputs").get(0)))
        .containsExactly(
            attributions(json.json().get("explanations").get(0).get("outputs").get(0)));
  }

  @Test
  @Order(5)
  void limitsAndMistakes_get4xxWithMessagesNamingWhatToChange() {
    Random random = new Random(7);
    float[][] background = rows(random, ExplainProfile.MAX_BACKGROUND_ROWS);

    Reply tooCostly =
        explain(MODEL + "/explain", rows(random, 4), Map.of("background", background));
    Reply tooManyBackgroundRows =
        explain(
            MODEL + "/explain",
            rows(random, 1),
            Map.of("background", rows(random, ExplainProfile.MAX_BACKGROUND_ROWS + 1)));
    Reply unknownMethod =
        explain(
            MODEL + "/explain",
            rows(random, 1),
            Map.of("method", "deeplift", "background", rows(random, 2)));
    Reply shortRow =
        explain(
            MODEL + "/explain", rows(random, 1), Map.of("background", List.of(List.of(1, 2, 3))));
    Reply fewSamples =
        explain(
            MODEL + "/explain",
            rows(random, 1),
            Map.of("method", "lime", "samples", 3, "background", rows(random, 2)));
    Reply unknownOutput =
        http.postJson(
            MODEL + "/explain",
            Map.of(
                "inputs",
                List.of(input(rows(random, 1))),
                "outputs",
                List.of(Map.of("name", "nothing")),
                "parameters",
                Map.of("background", rows(random, 2))));

    assertThat(tooCostly.status()).as(tooCostly.text()).isEqualTo(413);
    assertThat(tooCostly.json().get("error").asText())
        .contains("51200 model rows")
        .contains("MODELKEEPER_EXPLAIN_MAX_MODEL_ROWS=" + ExplainProfile.MAX_MODEL_ROWS);
    assertThat(tooManyBackgroundRows.status()).isEqualTo(413);
    assertThat(tooManyBackgroundRows.json().get("error").asText())
        .contains("MODELKEEPER_EXPLAIN_MAX_BACKGROUND_ROWS");
    assertThat(unknownMethod.status()).isEqualTo(400);
    assertThat(unknownMethod.json().get("error").asText())
        .contains("parameters.method must be \"shap\" or \"lime\"");
    assertThat(shortRow.status()).isEqualTo(400);
    assertThat(shortRow.json().get("error").asText())
        .contains("parameters.background[0] must be a list of 8 numbers");
    assertThat(fewSamples.status()).isEqualTo(400);
    assertThat(fewSamples.json().get("error").asText()).contains("more samples than features");
    assertThat(unknownOutput.status()).isEqualTo(400);
    assertThat(unknownOutput.json().get("error").asText()).contains("'nothing' is not an output");
  }

  @Test
  @Order(6)
  void lime_answersSlopesAndFit() {
    Random random = new Random(8);

    Reply reply =
        explain(
            MODEL + "/explain",
            rows(random, 1),
            Map.of("method", "lime", "samples", 400, "background", rows(random, 20)));

    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    JsonNode output = reply.json().get("explanations").get(0).get("outputs").get(0);
    assertThat(reply.json().get("algorithm").asText()).isEqualTo("lime");
    assertThat(reply.json().get("cost").get("model_rows").asLong()).isEqualTo(401);
    assertThat(output.get("coefficients")).hasSize(FEATURES);
    assertThat(output.get("r2").asDouble()).isBetween(0.5, 1.0);
  }

  @Test
  @Order(8)
  void explanationAtTheLimitInFlight_nextGets429WithRetryAfterBeforeItsBodyIsRead()
      throws Exception {
    Map<String, Object> background = Map.of("background", rows(new Random(10), 2));
    try (Socket held = new Socket(url.getHost(), url.getPort())) {
      // A request whose body never finishes arriving holds the one place for explanations.
      OutputStream out = held.getOutputStream();
      out.write(
          ("POST "
                  + MODEL
                  + "/explain HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                  + "Content-Length: 1000\r\n\r\n{\"inputs\":")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                Reply refused = explain(MODEL + "/explain", rows(new Random(11), 1), background);
                assertThat(refused.status()).as(refused.text()).isEqualTo(429);
                assertThat(refused.header("Retry-After")).isEqualTo("1");
                assertThat(refused.json().get("error").asText())
                    .contains("MODELKEEPER_EXPLAIN_THREADS=1")
                    .contains("MODELKEEPER_EXPLAIN_QUEUE=0");
              });
      Reply inference =
          http.postJson(
              MODEL + "/infer", Map.of("inputs", List.of(input(rows(new Random(12), 1)))));
      assertThat(inference.status()).as("inference is not held up").isEqualTo(200);
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> explain(MODEL + "/explain", rows(new Random(13), 1), background).status() == 200);
  }

  @Test
  @Order(9)
  void onceTheDriftReferenceIsCaptured_itIsTheBackground() {
    Random random = new Random(14);
    for (int i = 0; i < 120; i++) {
      http.postJson(MODEL + "/infer", Map.of("inputs", List.of(input(rows(random, 1)))));
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                http.get(MODEL + "/quality")
                    .json()
                    .at("/drift/reference")
                    .asText()
                    .equals("captured"));

    Reply reply = explain(MODEL + "/explain", rows(random, 1), null);

    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    assertThat(reply.json().get("background").get("source").asText()).isEqualTo("reference");
    assertThat(reply.json().get("background").get("rows").asInt())
        .isEqualTo(ExplainProfile.MAX_BACKGROUND_ROWS);
    assertThat(reply.json().get("cost").get("model_rows").asLong())
        .isEqualTo(256L * ExplainProfile.MAX_BACKGROUND_ROWS);
  }

  @Test
  @Order(7)
  void liveRequests_areExplainedIntoTheImportanceGaugeAndQualityJson() {
    Random random = new Random(9);
    for (int i = 0; i < 60; i++) {
      Reply reply =
          http.postJson(MODEL + "/infer", Map.of("inputs", List.of(input(rows(random, 1)))));
      assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    }

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                http.get(MODEL + "/quality")
                        .json()
                        .get("importance")
                        .get("window")
                        .get("size")
                        .asInt()
                    >= 40);
    JsonNode importance = http.get(MODEL + "/quality").json().get("importance");
    String metrics = http.get("/metrics").text().replace(",}", "}");

    assertThat(importance.get("enabled").asBoolean()).isTrue();
    assertThat(importance.get("output").asText()).isEqualTo("probability");
    assertThat(importance.get("background").asText()).isEqualTo("live");
    JsonNode features = importance.get("features");
    assertThat(features).hasSize(FEATURES);
    List<String> order = new ArrayList<>();
    for (JsonNode feature : features) {
      order.add(feature.get("name").asText());
    }
    // The model's largest weights are on f1 (−2) and f0 (1.5); f3 and f6 carry none.
    assertThat(order.subList(0, 2)).containsExactlyInAnyOrder("f0", "f1");
    assertThat(order.subList(5, 8)).contains("f3", "f6");
    double f1 = features.get(order.indexOf("f1")).get("mean_abs_attribution").asDouble();
    Matcher gauge =
        Pattern.compile(
                "modelkeeper_feature_importance\\{feature=\"f1\",model=\"fraud\",version=\"7\"}"
                    + " ([0-9.Ee-]+)")
            .matcher(metrics);
    assertThat(gauge.find()).as(metrics).isTrue();
    assertThat(Double.parseDouble(gauge.group(1))).isCloseTo(f1, within(0.05));
    assertThat(metrics)
        .contains("modelkeeper_live_explanations_total{model=\"fraud\",result=\"explained\"");
  }
}

package io.modelkeeper.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.server.models.SampleModels;
import io.modelkeeper.server.support.ForwardPass;
import io.modelkeeper.server.support.Http;
import io.modelkeeper.server.support.Profiles;
import io.modelkeeper.server.support.ServedModelTest;
import io.modelkeeper.server.support.TestModels;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(Profiles.Mlp.class)
class BadInputTest extends ServedModelTest {

  private static final String INFER = "/v2/models/mlp/infer";
  private static final String SIXTEEN = "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]";

  private static String input(String name, String datatype, String shape, String data) {
    return "{\"inputs\":[{\"name\":\""
        + name
        + "\",\"datatype\":\""
        + datatype
        + "\",\"shape\":"
        + shape
        + ",\"data\":"
        + data
        + "}]}";
  }

  private void assertRejected(Http.Reply reply, int status, String... messageParts) {
    assertThat(reply.status()).as(reply.text()).isEqualTo(status);
    assertThat(reply.header("Content-Type")).startsWith("application/json");
    String error = reply.json().get("error").asText();
    for (String part : messageParts) {
      assertThat(error).contains(part);
    }
  }

  @Test
  void eachKindOfBadInputGetsItsOwnStatusAndMessage() {
    assertRejected(http.postJson(INFER, "{\"inputs\": ["), 400, "malformed JSON");
    assertRejected(http.postJson(INFER, "[1, 2]"), 400, "JSON object");
    assertRejected(
        http.postJson("/v2/models/other/infer", input("input", "FP32", "[1,16]", SIXTEEN)),
        404,
        "'other' not found");
    assertRejected(
        http.postJson("/v2/models/mlp/versions/9/infer", input("input", "FP32", "[1,16]", SIXTEEN)),
        404,
        "no version '9'");
    assertRejected(
        http.postJson(INFER, input("features", "FP32", "[1,16]", SIXTEEN)),
        400,
        "'features' is not an input",
        "inputs: input");
    assertRejected(http.postJson(INFER, "{\"inputs\": []}"), 400, "'inputs'");
    assertRejected(
        http.postJson(INFER, input("input", "FP32", "[1,15]", "[1]")),
        400,
        "input 'input'",
        "shape [1,15]",
        "[-1,16]");
    assertRejected(
        http.postJson(INFER, input("input", "FP32", "[16]", SIXTEEN)),
        400,
        "input 'input'",
        "shape [16]");
    assertRejected(
        http.postJson(INFER, input("input", "FP32", "[1,-16]", SIXTEEN)),
        400,
        "input 'input'",
        "shape[1]");
    assertRejected(
        http.postJson(INFER, input("input", "FP64", "[1,16]", SIXTEEN)),
        400,
        "input 'input'",
        "FP64",
        "FP32");
    assertRejected(
        http.postJson(INFER, input("input", "FLOAT", "[1,16]", SIXTEEN)),
        400,
        "input 'input'",
        "'FLOAT'");
    assertRejected(
        http.postJson(INFER, input("input", "FP32", "[2,16]", SIXTEEN)),
        400,
        "input 'input'",
        "16 values",
        "needs 32");
    assertRejected(
        http.postJson(INFER, input("input", "FP32", "[1,16]", SIXTEEN.replace("[1,", "[1,1,"))),
        400,
        "more values");
    assertRejected(
        http.postJson(INFER, input("input", "FP32", "[1,16]", SIXTEEN.replace(",3,", ",\"x\","))),
        400,
        "data[2]",
        "not a number");
    assertRejected(
        http.postJson(INFER, input("input", "FP32", "[1,16]", SIXTEEN.replace(",5,", ",NaN,"))),
        400,
        "data[4]",
        "NaN");
    assertRejected(http.postJson(INFER, "{\"id\": 7, \"inputs\": []}"), 400, "'id'");
    assertRejected(
        http.postJson(
            INFER,
            "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,16],\"data\":"
                + SIXTEEN
                + "}],\"outputs\":[{\"name\":\"label\"}]}"),
        400,
        "output 'label'");
    assertRejected(
        http.post(
            INFER,
            input("input", "FP32", "[1,16]", SIXTEEN).getBytes(StandardCharsets.UTF_8),
            Map.of("Content-Type", "text/plain")),
        415,
        "text/plain");
    byte[] huge =
        ("{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,16],\"data\":["
                + "0,".repeat(40_000)
                + "0]}]}")
            .getBytes(StandardCharsets.UTF_8);
    assertRejected(
        http.post(INFER, huge, Map.of("Content-Type", "application/json")),
        413,
        "MODELKEEPER_MAX_REQUEST_SIZE");
  }

  @Test
  void badBinaryRequestsAreRejected() {
    byte[] header =
        "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,16],\"parameters\":{\"binary_data_size\":64}}]}"
            .getBytes(StandardCharsets.UTF_8);
    ByteBuffer body = ByteBuffer.allocate(header.length + 64).order(ByteOrder.LITTLE_ENDIAN);
    body.put(header);
    float[] values = new float[16];
    values[3] = Float.NaN;
    body.asFloatBuffer().put(values);
    String length = Integer.toString(header.length);
    assertRejected(
        http.post(INFER, body.array(), Map.of("Inference-Header-Content-Length", "many")),
        400,
        "Inference-Header-Content-Length");
    assertRejected(
        http.post(INFER, body.array(), Map.of("Inference-Header-Content-Length", "99999")),
        400,
        "Inference-Header-Content-Length");
    assertRejected(
        http.post(INFER, body.array(), Map.of("Inference-Header-Content-Length", length)),
        400,
        "data[3]",
        "NaN");
    byte[] shortBody = java.util.Arrays.copyOf(body.array(), header.length + 60);
    assertRejected(
        http.post(INFER, shortBody, Map.of("Inference-Header-Content-Length", length)),
        400,
        "binary_data_size 64 exceeds");
    byte[] longBody = java.util.Arrays.copyOf(body.array(), header.length + 68);
    assertRejected(
        http.post(INFER, longBody, Map.of("Inference-Header-Content-Length", length)),
        400,
        "no input claims them");
  }

  @Test
  void aThousandGeneratedMalformedRequestsGetOnly4xxAndTheServerStillAnswers() {
    Random random = new Random(42);
    String valid = input("input", "FP32", "[1,16]", SIXTEEN);
    List<Supplier<String>> generators =
        List.of(
            () -> valid.substring(0, random.nextInt(valid.length() - 1)),
            () ->
                input(
                    "input",
                    "FP32",
                    "[" + random.nextInt(5) + "," + (random.nextInt(40) - 10) + "]",
                    SIXTEEN),
            () ->
                input(
                    "input",
                    List.of("FP16", "INT8", "BYTES", "fp32", "", "FP64", "INT64", "BOOL")
                        .get(random.nextInt(8)),
                    "[1,16]",
                    SIXTEEN),
            () -> input("in" + random.nextInt(1000), "FP32", "[1,16]", SIXTEEN),
            () ->
                input(
                    "input",
                    "FP32",
                    "[1,16]",
                    "[" + "1,".repeat((15 + 1 + random.nextInt(39)) % 40) + "1]"),
            () ->
                input(
                    "input",
                    "FP32",
                    "[1,16]",
                    SIXTEEN.replace(
                        Integer.toString(1 + random.nextInt(9)),
                        List.of("\"a\"", "null", "true", "{}", "NaN", "Infinity", "-Infinity")
                            .get(random.nextInt(7)))),
            () ->
                valid.replace(
                    "\"shape\":[1,16]",
                    "\"shape\":"
                        + List.of("null", "\"1,16\"", "[1.5,16]", "{}", "[]", "[1,16,1]")
                            .get(random.nextInt(6))),
            () ->
                valid.replace(
                    "\"data\":",
                    List.of("\"dat\":", "\"data\":null,\"x\":", "\"data\":\"1\",\"y\":")
                        .get(random.nextInt(3))),
            () -> randomText(random),
            () ->
                "{\"inputs\":"
                    + List.of("null", "{}", "[1]", "[null]", "[{}]", "\"input\"")
                        .get(random.nextInt(6))
                    + "}");
    int sent = 0;
    for (int i = 0; i < 1000; i++) {
      String body = generators.get(i % generators.size()).get();
      Http.Reply reply = http.postJson(INFER, body);
      assertThat(reply.status())
          .as("request %d: %s -> %s", i, body, reply.text())
          .isBetween(400, 499);
      assertThat(reply.json().get("error").asText()).as("request %d", i).isNotBlank();
      sent++;
    }
    assertThat(sent).isEqualTo(1000);
    float[] row = TestModels.randomRows(new Random(9), 1, 16);
    Http.Reply good = http.postJson(INFER, InferenceApiTest.request("after", row, 1));
    assertThat(good.status()).isEqualTo(200);
    InferenceApiTest.assertRowsMatch(
        good.json().at("/outputs/0/data"), ForwardPass.row(SampleModels.mlp(), row));
    assertThat(
            http.metric(
                "modelkeeper_requests_total{model=\"mlp\",outcome=\"server_error\",version=\"3\"}"))
        .isZero();
    assertThat(
            http.metric(
                "modelkeeper_requests_total{model=\"mlp\",outcome=\"client_error\",version=\"3\"}"))
        .isGreaterThanOrEqualTo(1000);
  }

  private static String randomText(Random random) {
    byte[] bytes = new byte[1 + random.nextInt(200)];
    random.nextBytes(bytes);
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }
}

package io.modelkeeper.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelkeeper.server.InferenceEvent;
import io.modelkeeper.server.models.DenseNetwork;
import io.modelkeeper.server.models.SampleModels;
import io.modelkeeper.server.support.ForwardPass;
import io.modelkeeper.server.support.Http;
import io.modelkeeper.server.support.Profiles;
import io.modelkeeper.server.support.RecordingInferenceListener;
import io.modelkeeper.server.support.ServedModelTest;
import io.modelkeeper.server.support.TestModels;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(Profiles.Mlp.class)
class InferenceApiTest extends ServedModelTest {

  private static final DenseNetwork MLP = SampleModels.mlp();

  static Map<String, Object> request(String id, float[] rows, int count) {
    return Map.of(
        "id",
        id,
        "inputs",
        List.of(
            Map.of(
                "name", "input", "datatype", "FP32", "shape", List.of(count, 16), "data", rows)));
  }

  static void assertRowsMatch(JsonNode data, float[] expected) {
    assertThat(data.size()).isEqualTo(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertThat(data.get(i).floatValue()).as("value %d", i).isCloseTo(expected[i], within(1e-5f));
    }
  }

  @Test
  void healthAndServerMetadata() {
    assertThat(http.get("/v2/health/live").status()).isEqualTo(200);
    Http.Reply ready = http.get("/v2/health/ready");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().get("ready").asBoolean()).isTrue();
    JsonNode server = http.get("/v2").json();
    assertThat(server.get("name").asText()).isEqualTo("modelkeeper-model-server");
    assertThat(server.get("extensions").toString()).contains("binary_tensor_data");
    assertThat(http.get("/v2/models/mlp/ready").status()).isEqualTo(200);
    assertThat(http.get("/v2/models/mlp/versions/3/ready").status()).isEqualTo(200);
  }

  @Test
  void metadataDescribesTheGraph() {
    for (String path : List.of("/v2/models/mlp", "/v2/models/mlp/versions/3")) {
      Http.Reply reply = http.get(path);
      assertThat(reply.status()).isEqualTo(200);
      JsonNode body = reply.json();
      assertThat(body.get("name").asText()).isEqualTo("mlp");
      assertThat(body.get("versions").toString()).isEqualTo("[\"3\"]");
      assertThat(body.get("platform").asText()).isEqualTo("onnxruntime_onnx");
      assertThat(body.get("inputs").toString())
          .isEqualTo("[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[-1,16]}]");
      assertThat(body.get("outputs").toString())
          .isEqualTo("[{\"name\":\"probabilities\",\"datatype\":\"FP32\",\"shape\":[-1,3]}]");
      assertThat(body.at("/parameters/execution_provider").asText()).isEqualTo("cpu");
      assertThat(body.at("/parameters/max_batch_size").asInt()).isEqualTo(32);
    }
  }

  @Test
  void jsonInferenceEqualsThePlainJavaForwardPass() {
    float[] rows = TestModels.randomRows(new Random(1), 5, 16);
    Http.Reply reply = http.postJson("/v2/models/mlp/infer", request("req-1", rows, 5));
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    JsonNode body = reply.json();
    assertThat(body.get("id").asText()).isEqualTo("req-1");
    assertThat(body.get("model_name").asText()).isEqualTo("mlp");
    assertThat(body.get("model_version").asText()).isEqualTo("3");
    JsonNode output = body.get("outputs").get(0);
    assertThat(output.get("name").asText()).isEqualTo("probabilities");
    assertThat(output.get("datatype").asText()).isEqualTo("FP32");
    assertThat(output.get("shape").toString()).isEqualTo("[5,3]");
    assertRowsMatch(output.get("data"), ForwardPass.rows(MLP, rows, 5));
  }

  @Test
  void nestedDataVersionPathOutputSelectionParametersAndGeneratedId() {
    float[] row = TestModels.randomRows(new Random(2), 1, 16);
    String body =
        "{\"parameters\":{\"trace\":\"abc\",\"n\":2},"
            + "\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,16],\"data\":["
            + floats(row)
            + "]}],"
            + "\"outputs\":[{\"name\":\"probabilities\"}]}";
    Http.Reply reply = http.postJson("/v2/models/mlp/versions/3/infer", body);
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    JsonNode json = reply.json();
    assertThat(json.get("id").asText()).matches("[0-9a-f-]{36}");
    assertThat(json.get("parameters").toString()).isEqualTo("{\"trace\":\"abc\",\"n\":2}");
    assertRowsMatch(json.at("/outputs/0/data"), ForwardPass.row(MLP, row));
  }

  private static String floats(float[] values) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      text.append(i == 0 ? "" : ",").append(values[i]);
    }
    return "[" + text + "]";
  }

  @Test
  void binaryRequestAndBinaryResponseAtBatch64() {
    int rows = 64;
    float[] values = TestModels.randomRows(new Random(4), rows, 16);
    String header =
        "{\"id\":\"bulk\",\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[64,16],"
            + "\"parameters\":{\"binary_data_size\":"
            + values.length * 4
            + "}}],"
            + "\"outputs\":[{\"name\":\"probabilities\",\"parameters\":{\"binary_data\":true}}]}";
    byte[] headerBytes = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer body =
        ByteBuffer.allocate(headerBytes.length + values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    body.put(headerBytes);
    body.asFloatBuffer().put(values);
    Http.Reply reply =
        http.post(
            "/v2/models/mlp/infer",
            body.array(),
            Map.of(
                "Content-Type",
                "application/octet-stream",
                "Inference-Header-Content-Length",
                Integer.toString(headerBytes.length)));
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    int jsonLength = Integer.parseInt(reply.header("Inference-Header-Content-Length"));
    String json = new String(reply.bytes(), 0, jsonLength, StandardCharsets.UTF_8);
    assertThat(json)
        .contains("\"id\":\"bulk\"")
        .contains("\"binary_data_size\":" + rows * 3 * 4)
        .doesNotContain("\"data\"");
    float[] served = new float[rows * 3];
    ByteBuffer.wrap(reply.bytes(), jsonLength, reply.bytes().length - jsonLength)
        .order(ByteOrder.LITTLE_ENDIAN)
        .asFloatBuffer()
        .get(served);
    float[] expected = ForwardPass.rows(MLP, values, rows);
    for (int i = 0; i < expected.length; i++) {
      assertThat(served[i]).isCloseTo(expected[i], within(1e-5f));
    }
  }

  @Test
  void binaryRequestWithJsonResponseByDefault() {
    float[] values = TestModels.randomRows(new Random(5), 2, 16);
    byte[] header =
        ("{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[2,16],\"parameters\":{\"binary_data_size\":128}}]}")
            .getBytes(StandardCharsets.UTF_8);
    ByteBuffer body = ByteBuffer.allocate(header.length + 128).order(ByteOrder.LITTLE_ENDIAN);
    body.put(header);
    body.asFloatBuffer().put(values);
    Http.Reply reply =
        http.post(
            "/v2/models/mlp/infer",
            body.array(),
            Map.of("Inference-Header-Content-Length", Integer.toString(header.length)));
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    assertThat(reply.header("Content-Type")).startsWith("application/json");
    assertRowsMatch(reply.json().at("/outputs/0/data"), ForwardPass.rows(MLP, values, 2));
  }

  @Inject RecordingInferenceListener listener;

  @Test
  void theInferenceListenerGetsTheIdInputRowsAndOutputs() {
    float[] rows = TestModels.randomRows(new Random(6), 2, 16);
    assertThat(http.postJson("/v2/models/mlp/infer", request("listen-1", rows, 2)).status())
        .isEqualTo(200);
    await().atMost(Duration.ofSeconds(5)).until(() -> listener.event("listen-1") != null);
    InferenceEvent event = listener.event("listen-1");
    assertThat(event.model()).isEqualTo("mlp");
    assertThat(event.version()).isEqualTo("3");
    assertThat(event.rows()).isEqualTo(2);
    assertThat(event.inputRows()[0]).containsExactly(java.util.Arrays.copyOfRange(rows, 0, 16));
    assertThat(event.inputRows()[1]).containsExactly(java.util.Arrays.copyOfRange(rows, 16, 32));
    float[] expected = ForwardPass.rows(MLP, rows, 2);
    assertThat(event.outputRows("probabilities")[1])
        .containsExactly(
            java.util.Arrays.copyOfRange(expected, 3, 6),
            org.assertj.core.data.Offset.offset(1e-5f));
  }
}

package io.modelkeeper.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelkeeper.server.support.Http;
import io.modelkeeper.server.support.Profiles;
import io.modelkeeper.server.support.ServedModelTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** FP64, INT32, INT64 and BOOL through a pass-through model, in JSON and binary form. */
@QuarkusTest
@TestProfile(Profiles.Typed.class)
class DataTypesTest extends ServedModelTest {

  private static final String INFER = "/v2/models/typed/infer";

  private static String request(String f64, String i32, String i64, String flag) {
    return "{\"inputs\":["
        + "{\"name\":\"f64\",\"datatype\":\"FP64\",\"shape\":[2,2],\"data\":"
        + f64
        + "},"
        + "{\"name\":\"i32\",\"datatype\":\"INT32\",\"shape\":[2,2],\"data\":"
        + i32
        + "},"
        + "{\"name\":\"i64\",\"datatype\":\"INT64\",\"shape\":[2,2],\"data\":"
        + i64
        + "},"
        + "{\"name\":\"flag\",\"datatype\":\"BOOL\",\"shape\":[2,2],\"data\":"
        + flag
        + "}]}";
  }

  @Test
  void metadataNamesEachDatatype() {
    JsonNode body = http.get("/v2/models/typed").json();
    assertThat(body.get("inputs").toString())
        .contains("{\"name\":\"f64\",\"datatype\":\"FP64\",\"shape\":[-1,2]}")
        .contains("{\"name\":\"i32\",\"datatype\":\"INT32\",\"shape\":[-1,2]}")
        .contains("{\"name\":\"i64\",\"datatype\":\"INT64\",\"shape\":[-1,2]}")
        .contains("{\"name\":\"flag\",\"datatype\":\"BOOL\",\"shape\":[-1,2]}");
  }

  @Test
  void jsonValuesComeBackUnchanged() {
    Http.Reply reply =
        http.postJson(
            INFER,
            request(
                "[[0.1, -2.5], [1e300, 3]]",
                "[[1, -2], [2147483647, -2147483648]]",
                "[[9007199254740993, -1], [0, 42]]",
                "[[true, false], [false, true]]"));
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    Map<String, String> expected =
        Map.of(
            "f64_out", "[0.1,-2.5,1.0E300,3.0]",
            "i32_out", "[1,-2,2147483647,-2147483648]",
            "i64_out", "[9007199254740993,-1,0,42]",
            "flag_out", "[true,false,false,true]");
    for (JsonNode output : reply.json().get("outputs")) {
      assertThat(output.get("data").toString())
          .isEqualTo(expected.get(output.get("name").asText()));
      assertThat(output.get("shape").toString()).isEqualTo("[2,2]");
    }
    assertThat(reply.json().get("outputs")).hasSize(4);
  }

  @Test
  void aModelThatAllowsNaNGetsIt() {
    Http.Reply reply =
        http.postJson(
            INFER, request("[NaN, 1, 2, 3]", "[1,2,3,4]", "[1,2,3,4]", "[true,true,true,true]"));
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
  }

  @Test
  void integerAndBooleanMistakesAreNamed() {
    Http.Reply overflow =
        http.postJson(
            INFER,
            request("[1,2,3,4]", "[1,2,3,2147483648]", "[1,2,3,4]", "[true,true,true,true]"));
    assertThat(overflow.status()).isEqualTo(400);
    assertThat(overflow.json().get("error").asText())
        .contains("input 'i32'", "data[3]", "32-bit integer");
    Http.Reply fraction =
        http.postJson(
            INFER, request("[1,2,3,4]", "[1,2,3,4]", "[1,2.5,3,4]", "[true,true,true,true]"));
    assertThat(fraction.json().get("error").asText()).contains("input 'i64'", "data[1]");
    Http.Reply notBool =
        http.postJson(INFER, request("[1,2,3,4]", "[1,2,3,4]", "[1,2,3,4]", "[1,0,1,0]"));
    assertThat(notBool.json().get("error").asText()).contains("input 'flag'", "true or false");
    Http.Reply rows =
        http.postJson(
            INFER,
            request("[1,2,3,4]", "[1,2,3,4]", "[1,2,3,4]", "[true,true]")
                .replace(
                    "\"shape\":[2,2],\"data\":[true,true]",
                    "\"shape\":[1,2],\"data\":[true,true]"));
    assertThat(rows.json().get("error").asText()).contains("disagree on the number of rows");
  }

  @Test
  void binaryInputsAndOutputsOfEveryDatatype() {
    String header =
        "{\"parameters\":{\"binary_data_output\":true},\"inputs\":["
            + "{\"name\":\"f64\",\"datatype\":\"FP64\",\"shape\":[1,2],\"parameters\":{\"binary_data_size\":16}},"
            + "{\"name\":\"i32\",\"datatype\":\"INT32\",\"shape\":[1,2],\"parameters\":{\"binary_data_size\":8}},"
            + "{\"name\":\"i64\",\"datatype\":\"INT64\",\"shape\":[1,2],\"parameters\":{\"binary_data_size\":16}},"
            + "{\"name\":\"flag\",\"datatype\":\"BOOL\",\"shape\":[1,2],\"parameters\":{\"binary_data_size\":2}}]}";
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer body = ByteBuffer.allocate(json.length + 42).order(ByteOrder.LITTLE_ENDIAN);
    body.put(json)
        .putDouble(1.25)
        .putDouble(-7)
        .putInt(5)
        .putInt(-6)
        .putLong(1L << 40)
        .putLong(-3)
        .put((byte) 1)
        .put((byte) 0);
    Http.Reply reply =
        http.post(
            INFER,
            body.array(),
            Map.of("Inference-Header-Content-Length", Integer.toString(json.length)));
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    int headerLength = Integer.parseInt(reply.header("Inference-Header-Content-Length"));
    ByteBuffer data =
        ByteBuffer.wrap(reply.bytes(), headerLength, reply.bytes().length - headerLength)
            .order(ByteOrder.LITTLE_ENDIAN);
    // Outputs come back in graph order: f64_out, i32_out, i64_out, flag_out.
    assertThat(data.getDouble()).isEqualTo(1.25);
    assertThat(data.getDouble()).isEqualTo(-7);
    assertThat(data.getInt()).isEqualTo(5);
    assertThat(data.getInt()).isEqualTo(-6);
    assertThat(data.getLong()).isEqualTo(1L << 40);
    assertThat(data.getLong()).isEqualTo(-3);
    assertThat(data.get()).isEqualTo((byte) 1);
    assertThat(data.get()).isEqualTo((byte) 0);
    assertThat(data.hasRemaining()).isFalse();
  }
}

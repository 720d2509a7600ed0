package io.modelkeeper.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.server.support.Http;
import io.modelkeeper.server.support.Profiles;
import io.modelkeeper.server.support.ServedModelTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Requests that claim far more than they carry are answered from their claims and their bytes,
 * before anything is allocated for them.
 */
@QuarkusTest
@TestProfile(Profiles.Mlp.class)
class HostileRequestsTest extends ServedModelTest {

  private static final String INFER = "/v2/models/mlp/infer";

  private static String input(String shape, String data) {
    return "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":"
        + shape
        + ",\"data\":"
        + data
        + "}]}";
  }

  private void assertRejected(Http.Reply reply, int status, String... parts) {
    assertThat(reply.status()).as(reply.text()).isEqualTo(status);
    String error = reply.json().get("error").asText();
    for (String part : parts) {
      assertThat(error).contains(part);
    }
  }

  @Test
  void aShapeOfMillionsOfRowsWithNoDataIsRefusedFromItsShape() {
    String tiny = input("[100000000,16]", "[]");
    assertThat(tiny.length()).isLessThan(100);
    assertRejected(http.postJson(INFER, tiny), 413, "MODELKEEPER_MAX_REQUEST_ROWS");
    assertRejected(
        http.postJson(INFER, input("[60000,16]", "[1,2]")), 400, "2 values", "needs 960000");
    assertRejected(
        http.postJson(INFER, input("[60000,160]", "[]")), 400, "does not match the model's");
    assertRejected(
        http.postJson(INFER, input("[9223372036854775807,16]", "[]")),
        413,
        "MODELKEEPER_MAX_REQUEST_ROWS");
    assertRejected(http.postJson(INFER, input("[99999999999999999999,16]", "[]")), 400, "shape[0]");
    assertRejected(http.postJson(INFER, input("[1,-16]", "[]")), 400, "shape[1]");
    assertRejected(
        http.postJson(INFER, input("[" + "1,".repeat(40) + "1]", "[]")), 400, "16 dimensions");
  }

  @Test
  void deepNestingLongStringsNumbersAndIdsAreRefused() {
    String deep = "[".repeat(100) + "]".repeat(100);
    assertRejected(http.postJson(INFER, input("[1,16]", deep)), 400, "JSON limit", "nesting");
    String longNumber = "1" + "0".repeat(200);
    assertRejected(
        http.postJson(INFER, input("[1,16]", "[" + longNumber + "]")), 400, "JSON limit");
    String id = "x".repeat(RequestReader.MAX_ID_LENGTH + 1);
    assertRejected(
        http.postJson(INFER, "{\"id\":\"" + id + "\"," + input("[1,16]", "[0]").substring(1)),
        400,
        "'id' has 257 characters");
  }

  @Test
  void binaryClaimsAreCheckedAgainstTheBytesPresent() {
    byte[] header =
        "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[100000,16],\"parameters\":{\"binary_data_size\":6400000}}]}"
            .getBytes(StandardCharsets.UTF_8);
    byte[] body = ByteBuffer.allocate(header.length + 64).put(header).array();
    Map<String, String> headers =
        Map.of(
            "Content-Type",
            "application/octet-stream",
            RequestReader.HEADER_LENGTH,
            Integer.toString(header.length));
    assertRejected(http.post(INFER, body, headers), 400, "binary_data_size 6400000 exceeds");
    assertRejected(
        http.post(
            INFER,
            body,
            Map.of(
                RequestReader.HEADER_LENGTH,
                "2147483647",
                "Content-Type",
                "application/octet-stream")),
        400,
        "but the body has only");
    assertRejected(
        http.post(
            INFER,
            body,
            Map.of(RequestReader.HEADER_LENGTH, "-5", "Content-Type", "application/octet-stream")),
        400);
  }
}

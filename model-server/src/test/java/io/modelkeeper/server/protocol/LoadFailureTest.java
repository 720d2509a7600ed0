package io.modelkeeper.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelkeeper.server.support.Http;
import io.modelkeeper.server.support.Profiles;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A model file that does not load: the server stays up, not ready, and says why. */
@QuarkusTest
@TestProfile(Profiles.Broken.class)
class LoadFailureTest {

  @TestHTTPResource("/")
  URL url;

  @Test
  void notReadyWithTheReasonWhileStayingAlive() {
    Http http = new Http(url.toString());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                http.get("/v2/models/broken")
                    .json()
                    .at("/parameters/state")
                    .asText()
                    .equals("FAILED"));
    assertThat(http.get("/v2/health/live").status()).isEqualTo(200);
    Http.Reply ready = http.get("/v2/health/ready");
    assertThat(ready.status()).isEqualTo(503);
    assertThat(ready.json().get("reason").asText()).contains("not an ONNX model");
    Http.Reply model = http.get("/v2/models/broken");
    assertThat(model.status()).isEqualTo(503);
    JsonNode body = model.json();
    assertThat(body.at("/parameters/reason").asText()).contains("not an ONNX model");
    assertThat(body.get("error").asText()).contains("not ready");
    assertThat(http.get("/v2/models/broken/ready").status()).isEqualTo(503);
    Http.Reply infer =
        http.postJson(
            "/v2/models/broken/infer",
            "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}]}");
    assertThat(infer.status()).isEqualTo(503);
    assertThat(infer.json().get("error").asText()).contains("not ready", "not an ONNX model");
  }
}

package io.modelkeeper.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelkeeper.server.support.Http;
import io.modelkeeper.server.support.Profiles;
import io.modelkeeper.server.support.ServedModelTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * With one request allowed in flight, a second is refused at once with 503 and Retry-After while
 * the first is still sending its body; a body slower than the body timeout gets 408.
 */
@QuarkusTest
@TestProfile(Profiles.OneInFlight.class)
class OverloadTest extends ServedModelTest {

  private static final String REQUEST =
      "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,16],"
          + "\"data\":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}]}";

  @Test
  void theExcessIsRefusedFastWithRetryAfter_andASlowBodyTimesOut() throws Exception {
    try (Socket slow = new Socket(url.getHost(), url.getPort())) {
      OutputStream out = slow.getOutputStream();
      out.write(
          ("POST /v2/models/mlp/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + "Content-Length: 4000\r\n\r\n{\"inputs\":[")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  http.metric("modelkeeper_requests_in_flight{model=\"mlp\",version=\"1\"}")
                      == 1.0);

      long start = System.nanoTime();
      Http.Reply refused = http.postJson("/v2/models/mlp/infer", REQUEST);
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.header("Retry-After")).isEqualTo("1");
      assertThat(refused.json().get("error").asText()).contains("MODELKEEPER_MAX_IN_FLIGHT");
      assertThat(millis).isLessThan(1000);
      assertThat(http.get("/v2/health/ready").status()).isEqualTo(200);

      // The body timeout (2 s here) answers the slow caller with 408 and closes its connection.
      slow.setSoTimeout(10_000);
      InputStream in = slow.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(answer).startsWith("HTTP/1.1 408").contains("MODELKEEPER_BODY_TIMEOUT");
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> http.postJson("/v2/models/mlp/infer", REQUEST).status() == 200);
    assertThat(
            http.metric(
                "modelkeeper_requests_total{model=\"mlp\",outcome=\"overloaded\",version=\"1\"}"))
        .isEqualTo(1.0);
  }
}

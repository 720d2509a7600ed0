package io.modelkeeper.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelkeeper.server.support.Profiles;
import io.modelkeeper.server.support.ServedModelTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A caller that hangs up halfway through its request body leaves no request in flight behind and
 * counts as a client error, not a server error: it must not fail an error-rate gate of the model.
 */
@QuarkusTest
@TestProfile(Profiles.Mlp.class)
class HangUpTest extends ServedModelTest {

  private static final String IN_FLIGHT =
      "modelkeeper_requests_in_flight{model=\"mlp\",version=\"3\"}";
  private static final String CLIENT_ERRORS =
      "modelkeeper_requests_total{model=\"mlp\",outcome=\"client_error\",version=\"3\"}";
  private static final String SERVER_ERRORS =
      "modelkeeper_requests_total{model=\"mlp\",outcome=\"server_error\",version=\"3\"}";

  @Test
  void aCallerHangingUpBeforeItsBodyArrivedIsNoLongerInFlight() throws Exception {
    assertThat(http.metric(IN_FLIGHT)).isZero();
    double clientErrors = http.metric(CLIENT_ERRORS);
    double serverErrors = http.metric(SERVER_ERRORS);
    try (Socket socket = new Socket(url.getHost(), url.getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /v2/models/mlp/infer HTTP/1.1\r\nHost: "
                  + url.getHost()
                  + "\r\n"
                  + "Content-Type: application/json\r\nContent-Length: 4000\r\n\r\n{\"inputs\":[")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      await().atMost(Duration.ofSeconds(10)).until(() -> http.metric(IN_FLIGHT) == 1.0);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> http.metric(IN_FLIGHT) == 0.0);
    assertThat(http.metric(CLIENT_ERRORS)).isEqualTo(clientErrors + 1);
    assertThat(http.metric(SERVER_ERRORS)).isEqualTo(serverErrors);

    http.postJson(
        "/v2/models/mlp/infer",
        "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,16],"
            + "\"data\":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}]}");
    await().atMost(Duration.ofSeconds(10)).until(() -> http.metric(IN_FLIGHT) == 0.0);
  }
}

package io.modelkeeper.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelkeeper.server.support.Profiles;
import io.modelkeeper.server.support.ServedModelTest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A caller that hangs up halfway through its request body leaves no request in flight behind: the
 * body handler fails the route and the failure path ends the request.
 */
@QuarkusTest
@TestProfile(Profiles.Mlp.class)
class HangUpTest extends ServedModelTest {

  private static final String IN_FLIGHT = "modelkeeper_requests_in_flight{model=\"mlp\",version=\"3\"}";

  @TestHTTPResource("/")
  URL server;

  @Test
  void aCallerHangingUpBeforeItsBodyArrivedIsNoLongerInFlight() throws Exception {
    assertThat(http.metric(IN_FLIGHT)).isZero();
    try (Socket socket = new Socket(server.getHost(), server.getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST /v2/models/mlp/infer HTTP/1.1\r\nHost: " + server.getHost() + "\r\n"
          + "Content-Type: application/json\r\nContent-Length: 4000\r\n\r\n{\"inputs\":[")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      await().atMost(Duration.ofSeconds(10)).until(() -> http.metric(IN_FLIGHT) == 1.0);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> http.metric(IN_FLIGHT) == 0.0);

    http.postJson("/v2/models/mlp/infer", "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,16],"
        + "\"data\":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}]}");
    await().atMost(Duration.ofSeconds(10)).until(() -> http.metric(IN_FLIGHT) == 0.0);
  }
}

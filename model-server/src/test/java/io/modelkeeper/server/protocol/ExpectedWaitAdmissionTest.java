package io.modelkeeper.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelkeeper.server.support.Http;
import io.modelkeeper.server.support.Profiles;
import io.modelkeeper.server.support.ServedModelTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * When the inference threads cannot answer one more request within the queue timeout, it is refused
 * on arrival (503, Retry-After, the setting named), counted as overloaded and never in flight, and
 * the connection it came on still serves the next request.
 */
@QuarkusTest
@TestProfile(Profiles.NoRoomToWait.class)
class ExpectedWaitAdmissionTest extends ServedModelTest {

  private static final String REQUEST =
      "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,16],"
          + "\"data\":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}]}";
  private static final String IN_FLIGHT =
      "modelkeeper_requests_in_flight{model=\"mlp\",version=\"1\"}";
  private static final String OVERLOADED =
      "modelkeeper_requests_total{model=\"mlp\",outcome=\"overloaded\",version=\"1\"}";

  private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)content-length: *(\\d+)");

  private static final String REFUSED_ON_ARRIVAL =
      "in flight as the server answers within MODELKEEPER_QUEUE_TIMEOUT";

  @Test
  void onceAnswersTakeLongerThanTheTimeout_requestsAreRefusedOnArrival() throws Exception {
    try (Socket slow = new Socket(url.getHost(), url.getPort())) {
      OutputStream out = slow.getOutputStream();
      out.write(
          ("POST /v2/models/mlp/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + "Content-Length: "
                  + REQUEST.length()
                  + "\r\n\r\n{\"inputs\":[")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      await().atMost(Duration.ofSeconds(10)).until(() -> http.metric(IN_FLIGHT) == 1.0);
      double overloadedBefore = http.metric(OVERLOADED);

      // Every request waits longer than a microsecond (and is refused late from the queue): the
      // limit falls, round after round, to the one inference thread, held by the slow caller.
      Http.Reply refused = null;
      int refusals = 0;
      for (int i = 0; i < 2000 && refused == null; i++) {
        Http.Reply reply = http.postJson("/v2/models/mlp/infer", REQUEST);
        assertThat(reply.status()).isIn(200, 503);
        if (reply.status() == 503) {
          refusals++;
          assertThat(reply.header("Retry-After")).isEqualTo("1");
          if (reply.json().get("error").asText().contains(REFUSED_ON_ARRIVAL)) {
            refused = reply;
          }
        }
      }

      assertThat(refused).as("a request refused on arrival").isNotNull();
      assertThat(http.metric(OVERLOADED) - overloadedBefore).isEqualTo((double) refusals);
      assertThat(http.metric(IN_FLIGHT)).isEqualTo(1.0);
      Http.Reply again = http.postJson("/v2/models/mlp/infer", REQUEST);
      assertThat(again.status()).isEqualTo(503);
      assertThat(again.json().get("error").asText()).contains(REFUSED_ON_ARRIVAL);

      // The slow caller finishes its body and is answered: it was admitted before the refusals.
      out.write(REQUEST.substring("{\"inputs\":[".length()).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      slow.setSoTimeout(10_000);
      byte[] head = new byte[12];
      int read = slow.getInputStream().readNBytes(head, 0, head.length);
      assertThat(new String(head, 0, read, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> http.postJson("/v2/models/mlp/infer", REQUEST).status() == 200);
  }

  @Test
  void theConnectionOfARequestRefusedOnArrivalServesTheNextOne() throws Exception {
    try (Socket holder = new Socket(url.getHost(), url.getPort());
        Socket caller = new Socket(url.getHost(), url.getPort())) {
      holder
          .getOutputStream()
          .write(
              ("POST /v2/models/mlp/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      + "Content-Length: 4000\r\n\r\n{")
                  .getBytes(StandardCharsets.US_ASCII));
      holder.getOutputStream().flush();
      await().atMost(Duration.ofSeconds(10)).until(() -> http.metric(IN_FLIGHT) == 1.0);
      caller.setSoTimeout(10_000);

      String answer = "";
      for (int i = 0; i < 2000 && !answer.contains(REFUSED_ON_ARRIVAL); i++) {
        answer = post(caller, REQUEST);
      }
      assertThat(answer).startsWith("HTTP/1.1 503").contains(REFUSED_ON_ARRIVAL);
      holder.close();
      await().atMost(Duration.ofSeconds(10)).until(() -> http.metric(IN_FLIGHT) == 0.0);

      // Same connection: the refused request's body was read and dropped, so this one is parsed.
      assertThat(post(caller, REQUEST)).startsWith("HTTP/1.1 200");
    }
  }

  /** Sends one request on a kept-alive connection and reads its whole answer: head and body. */
  private static String post(Socket socket, String body) throws IOException {
    socket
        .getOutputStream()
        .write(
            ("POST /v2/models/mlp/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: "
                    + body.length()
                    + "\r\n\r\n"
                    + body)
                .getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (head.indexOf("\r\n\r\n") < 0) {
      int next = in.read();
      if (next < 0) {
        throw new IOException("connection closed after: " + head);
      }
      head.append((char) next);
    }
    Matcher length = CONTENT_LENGTH.matcher(head);
    byte[] answer = length.find() ? in.readNBytes(Integer.parseInt(length.group(1))) : new byte[0];
    return head + new String(answer, StandardCharsets.UTF_8);
  }
}

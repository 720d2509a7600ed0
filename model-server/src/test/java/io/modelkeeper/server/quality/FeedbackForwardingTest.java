package io.modelkeeper.server.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.modelkeeper.server.pods.PodToken;
import io.modelkeeper.server.support.Http;
import io.modelkeeper.server.support.Http.Reply;
import io.modelkeeper.server.support.ServedModelTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Feedback sent to one pod reaches the pod that made the prediction, once, and only if that pod is
 * one of the model's: the server under test is one pod, the test plays its peer and a stranger.
 */
@QuarkusTest
@TestProfile(ForwardingProfile.class)
class FeedbackForwardingTest extends ServedModelTest {
  private static final String FEEDBACK = "/v2/models/fraud/feedback";

  /** What the peer pod received: path, forwarded header, authorization, body. */
  record Received(String path, String forwarded, String authorization, JsonNode items) {}

  private final List<Received> peerReceived = new CopyOnWriteArrayList<>();
  private final AtomicInteger strangerConnections = new AtomicInteger();
  private HttpServer peer;
  private ServerSocket stranger;

  @BeforeEach
  void otherPodsListen() throws IOException {
    int port = url.getPort();
    peer =
        HttpServer.create(
            new InetSocketAddress(InetAddress.getByName(ForwardingProfile.PEER), port), 16);
    peer.createContext(
        "/",
        exchange -> {
          JsonNode items = Http.JSON.readTree(exchange.getRequestBody());
          peerReceived.add(
              new Received(
                  exchange.getRequestURI().getPath(),
                  exchange.getRequestHeaders().getFirst("X-ModelKeeper-Forwarded"),
                  exchange.getRequestHeaders().getFirst("Authorization"),
                  items));
          StringBuilder results = new StringBuilder("{\"results\":[");
          for (int i = 0; i < items.size(); i++) {
            results
                .append(i == 0 ? "" : ",")
                .append("{\"id\":")
                .append(items.get(i).get("id"))
                .append(",\"status\":200,\"result\":\"ok\"}");
          }
          byte[] body = results.append("]}").toString().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    peer.start();
    stranger = new ServerSocket(port, 16, InetAddress.getByName(ForwardingProfile.STRANGER));
    Thread acceptor =
        new Thread(
            () -> {
              while (!stranger.isClosed()) {
                try (Socket socket = stranger.accept()) {
                  strangerConnections.incrementAndGet();
                } catch (IOException closed) {
                  return;
                }
              }
            });
    acceptor.setDaemon(true);
    acceptor.start();
  }

  @AfterEach
  void otherPodsStop() throws IOException {
    peer.stop(0);
    stranger.close();
  }

  private static String idOf(String pod) throws IOException {
    return UUID.randomUUID() + "." + PodToken.of(InetAddress.getByName(pod));
  }

  private String infer() {
    Map<String, Object> input =
        Map.of(
            "name",
            "input",
            "datatype",
            "FP32",
            "shape",
            List.of(1, 8),
            "data",
            new float[] {1, 0, 0, 0, 0, 0, 0, 0});
    Reply reply = http.postJson("/v2/models/fraud/infer", Map.of("inputs", List.of(input)));
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    return reply.json().get("id").textValue();
  }

  @BeforeEach
  void monitoringStarted() {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> http.get("/v2/models/fraud/quality").status() == 200);
  }

  @Test
  void idsTheServerMintsNameThisPod() throws IOException {
    String id = infer();

    assertThat(id).endsWith("." + PodToken.of(InetAddress.getByName(ForwardingProfile.SELF)));
    Reply feedback = http.postJson(FEEDBACK, Map.of("id", id, "label", 0));
    assertThat(feedback.status()).as(feedback.text()).isEqualTo(200);
    assertThat(peerReceived).isEmpty();
  }

  @Test
  void labelsForThePeersPredictionsAreForwardedToItOnceAndTheRestLabelledHere() throws IOException {
    String mine = infer();
    String peers1 = idOf(ForwardingProfile.PEER);
    String peers2 = idOf(ForwardingProfile.PEER);

    Reply feedback =
        http.post(
            FEEDBACK,
            Http.JSON.writeValueAsBytes(
                List.of(
                    Map.of("id", peers1, "label", 1),
                    Map.of("id", mine, "label", 0),
                    Map.of("id", peers2, "label", 0))),
            Map.of("Content-Type", "application/json", "Authorization", "Bearer t0ken"));

    assertThat(feedback.status()).as(feedback.text()).isEqualTo(200);
    assertThat(feedback.json().get("accepted").asInt()).isEqualTo(3);
    assertThat(feedback.json().get("results").findValuesAsText("id"))
        .containsExactly(peers1, mine, peers2);
    assertThat(peerReceived).hasSize(1);
    Received forward = peerReceived.get(0);
    assertThat(forward.path()).isEqualTo(FEEDBACK);
    assertThat(forward.forwarded()).isEqualTo("1");
    assertThat(forward.authorization()).isEqualTo("Bearer t0ken");
    assertThat(forward.items().findValuesAsText("id")).containsExactly(peers1, peers2);
    assertThat(forward.items().get(0).get("label").asInt()).isEqualTo(1);
  }

  @Test
  void anIdNamingAnAddressThatIsNoPodOfTheModelIsRefusedWithoutConnecting() throws IOException {
    String forged = idOf(ForwardingProfile.STRANGER);

    Reply feedback = http.postJson(FEEDBACK, Map.of("id", forged, "label", 1));

    assertThat(feedback.status()).as(feedback.text()).isEqualTo(404);
    assertThat(feedback.json().get("results").get(0).get("result").asText())
        .isEqualTo("unknown_pod");
    assertThat(strangerConnections).hasValue(0);
    assertThat(peerReceived).isEmpty();
  }

  @Test
  void aForwardedLabelForYetAnotherPodGoesNoFurther() throws IOException {
    String peers = idOf(ForwardingProfile.PEER);

    Reply feedback =
        http.post(
            FEEDBACK,
            Http.JSON.writeValueAsBytes(List.of(Map.of("id", peers, "label", 1))),
            Map.of("Content-Type", "application/json", "X-ModelKeeper-Forwarded", "1"));

    assertThat(feedback.status()).as(feedback.text()).isEqualTo(421);
    assertThat(feedback.json().get("results").get(0).get("result").asText())
        .isEqualTo("misdirected");
    assertThat(peerReceived).isEmpty();
  }

  @Test
  void aPeerThatDoesNotAnswerMakesItsItemsFailWith502AndTheOthersStillCount() throws IOException {
    peer.stop(0);
    String mine = infer();
    String peers = idOf(ForwardingProfile.PEER);

    Reply feedback =
        http.postJson(
            FEEDBACK, List.of(Map.of("id", mine, "label", 1), Map.of("id", peers, "label", 1)));

    assertThat(feedback.status()).as(feedback.text()).isEqualTo(207);
    assertThat(feedback.json().get("results").get(1).get("result").asText())
        .isEqualTo("pod_unreachable");
    assertThat(feedback.json().get("results").get(1).get("status").asInt()).isEqualTo(502);
  }
}

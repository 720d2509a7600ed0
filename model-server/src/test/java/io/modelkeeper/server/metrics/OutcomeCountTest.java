package io.modelkeeper.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.server.support.Http;
import io.modelkeeper.server.support.Profiles;
import io.modelkeeper.server.support.ServedModelTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Each inference request is counted once, under the outcome its caller saw: the operator's canary
 * gate divides the non-success count by the total, so an answered request counted as an error rolls
 * back a good version. Probes and scrapes in between are not inference requests.
 */
@QuarkusTest
@TestProfile(Profiles.Mlp.class)
class OutcomeCountTest extends ServedModelTest {

  private static final String GOOD =
      "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,16],"
          + "\"data\":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}]}";
  // Eight columns where the model takes sixteen, as the clients of a wrong version send them.
  private static final String WRONG_WIDTH =
      "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,8],"
          + "\"data\":[0,0,0,0,0,0,0,0]}]}";

  @Test
  void answeredRequestsCountAsSuccessAndOnlyAsSuccess() {
    Map<String, Double> before = outcomes();
    int answered = 25;
    for (int i = 0; i < answered; i++) {
      Http.Reply reply = http.postJson("/v2/models/mlp/infer", GOOD);
      assertThat(reply.status()).as(reply.text()).isEqualTo(200);
      // The calls a kubelet and a scraper make between the clients' requests.
      assertThat(http.get("/v2/health/ready").status()).isEqualTo(200);
      assertThat(http.get("/v2/health/live").status()).isEqualTo(200);
    }

    assertThat(increase(before, outcomes()))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "success", (double) answered,
                "client_error", 0.0,
                "server_error", 0.0,
                "overloaded", 0.0));
  }

  @Test
  void aRejectedRequestCountsOnceAsAClientError() {
    Map<String, Double> before = outcomes();

    Http.Reply reply = http.postJson("/v2/models/mlp/infer", WRONG_WIDTH);

    assertThat(reply.status()).isEqualTo(400);
    assertThat(increase(before, outcomes()))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("success", 0.0, "client_error", 1.0, "server_error", 0.0, "overloaded", 0.0));
  }

  private Map<String, Double> outcomes() {
    return Stream.of("success", "client_error", "server_error", "overloaded")
        .collect(
            Collectors.toMap(
                outcome -> outcome,
                outcome ->
                    http.metric(
                        "modelkeeper_requests_total{model=\"mlp\",outcome=\""
                            + outcome
                            + "\",version=\"3\"}")));
  }

  private static Map<String, Double> increase(
      Map<String, Double> before, Map<String, Double> after) {
    return after.entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue() - before.get(e.getKey())));
  }
}

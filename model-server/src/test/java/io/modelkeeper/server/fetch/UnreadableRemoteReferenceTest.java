package io.modelkeeper.server.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelkeeper.server.support.Http;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A reference.json that cannot be fetched (HTTP 500) beside a model downloaded over HTTP costs only
 * the shipped reference: the model serves, and drift captures its reference from the first
 * requests, as without a reference.
 */
@QuarkusTest
@TestProfile(UnreadableRemoteReferenceTest.Broken.class)
class UnreadableRemoteReferenceTest {
  private static final int REFERENCE_ROWS = 100;

  /** The logistic regression over HTTP whose reference.json answers 500. */
  public static class Broken implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "modelkeeper.model.name", "fraud",
          "modelkeeper.model.version", "7",
          "modelkeeper.task", "binary-classification",
          "modelkeeper.drift.reference-size", String.valueOf(REFERENCE_ROWS));
    }

    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(new TestResourceEntry(ModelHost.class, Map.of("reference", "broken")));
    }
  }

  @TestHTTPResource("/")
  URL url;

  @Test
  void theModelServesAndDriftFallsBackToACapturedReference() {
    Http http = new Http(url.toString());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> http.get("/v2/models/fraud/quality").status() == 200);
    assertThat(http.get("/v2/health/ready").status()).isEqualTo(200);
    assertThat(ModelHost.REQUESTS).contains(ModelHost.REFERENCE_PATH);
    assertThat(http.get("/v2/models/fraud/quality").json().at("/drift/reference").asText())
        .isEqualTo("capturing");

    Random random = new Random(7);
    List<Float> data = new ArrayList<>();
    for (int i = 0; i < REFERENCE_ROWS * 8; i++) {
      data.add((float) random.nextGaussian());
    }
    Http.Reply reply =
        http.postJson(
            "/v2/models/fraud/infer",
            Map.of(
                "inputs",
                List.of(
                    Map.of(
                        "name",
                        "input",
                        "datatype",
                        "FP32",
                        "shape",
                        List.of(REFERENCE_ROWS, 8),
                        "data",
                        data))));
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(http.get("/metrics").text())
                    .contains("modelkeeper_drift_score{model=\"fraud\",reference=\"captured\"")
                    .doesNotContain("reference=\"shipped\""));
  }
}

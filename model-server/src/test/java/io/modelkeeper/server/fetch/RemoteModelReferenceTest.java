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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A model the server downloads itself over HTTP brings the reference.json beside it: its drift
 * series say the reference was shipped and track the features the reference names.
 */
@QuarkusTest
@TestProfile(RemoteModelReferenceTest.Shipped.class)
class RemoteModelReferenceTest {

  /** The logistic regression over HTTP with a reference.json beside it. */
  public static class Shipped implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "modelkeeper.model.name", "fraud",
          "modelkeeper.model.version", "7",
          "modelkeeper.task", "binary-classification");
    }

    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(new TestResourceEntry(ModelHost.class, Map.of("reference", "shipped")));
    }
  }

  @TestHTTPResource("/")
  URL url;

  @Test
  void explanationsNameTheFeaturesAsTheShippedReferenceDoes() {
    Http http = new Http(url.toString());
    http.awaitReady();
    List<Float> row = List.of(0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f);

    Http.Reply reply =
        http.postJson(
            "/v2/models/fraud/explain",
            Map.of(
                "inputs",
                List.of(
                    Map.of(
                        "name", "input", "datatype", "FP32", "shape", List.of(1, 8), "data", row)),
                "parameters",
                Map.of("background", List.of(List.of(0, 0, 0, 0, 0, 0, 0, 0)))));

    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    assertThat(reply.json().get("features").toString())
        .isEqualTo("[\"amount\",\"age\",\"f2\",\"f3\",\"f4\",\"f5\",\"f6\",\"f7\"]");
  }

  @Test
  void driftRunsAgainstTheShippedReference() {
    Http http = new Http(url.toString());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> http.get("/v2/models/fraud/quality").status() == 200);

    assertThat(ModelHost.REQUESTS).contains(ModelHost.MODEL_PATH, ModelHost.REFERENCE_PATH);
    String metrics = http.get("/metrics").text();
    assertThat(metrics)
        .contains("modelkeeper_drift_psi{feature=\"amount\",model=\"fraud\",reference=\"shipped\"")
        .contains("modelkeeper_drift_psi{feature=\"age\",model=\"fraud\",reference=\"shipped\"")
        .contains("modelkeeper_drift_score{model=\"fraud\",reference=\"shipped\"")
        .doesNotContain("reference=\"captured\"");
    assertThat(http.get("/v2/models/fraud/quality").json().at("/drift/reference").asText())
        .isEqualTo("shipped");
    assertThat(http.get("/v2/models/fraud/reference").json().get("description").asText())
        .isEqualTo("training set of 2026-11-01");
  }
}

package io.modelkeeper.server.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelkeeper.server.support.Http;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** MODELKEEPER_DRIFT_REFERENCE wins over the reference.json shipped beside a downloaded model. */
@QuarkusTest
@TestProfile(OverriddenRemoteReferenceTest.Overridden.class)
class OverriddenRemoteReferenceTest {

  /**
   * The logistic regression over HTTP with a reference beside it, and a local one named in the
   * settings.
   */
  public static class Overridden implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "modelkeeper.model.name", "fraud",
          "modelkeeper.model.version", "7",
          "modelkeeper.task", "binary-classification",
          "modelkeeper.drift.reference", localReference().toString());
    }

    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(new TestResourceEntry(ModelHost.class, Map.of("reference", "shipped")));
    }
  }

  static Path localReference() {
    try {
      Path file = Files.createTempFile("override-reference", ".json");
      Files.writeString(
          file,
          ModelHost.REFERENCE
              .replace("training set of 2026-11-01", "the operator's own reference")
              .replace("\"amount\"", "\"balance\""));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @TestHTTPResource("/")
  URL url;

  @Test
  void theConfiguredReferenceIsUsed() {
    Http http = new Http(url.toString());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> http.get("/v2/models/fraud/quality").status() == 200);

    assertThat(http.get("/v2/models/fraud/reference").json().get("description").asText())
        .isEqualTo("the operator's own reference");
    assertThat(http.get("/metrics").text())
        .contains("modelkeeper_drift_psi{feature=\"balance\",model=\"fraud\",reference=\"shipped\"")
        .doesNotContain("feature=\"amount\"");
  }
}

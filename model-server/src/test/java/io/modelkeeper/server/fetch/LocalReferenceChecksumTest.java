package io.modelkeeper.server.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelkeeper.server.support.Http;
import io.modelkeeper.server.support.TestModels;
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
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With MODELKEEPER_REFERENCE_SHA256 set, a reference.json beside the local model (as the init
 * container leaves it) that does not match keeps the model from loading, as a model mismatch does.
 */
@QuarkusTest
@TestProfile(LocalReferenceChecksumTest.TamperedReference.class)
class LocalReferenceChecksumTest {

  /** The MLP with a reference.json beside it whose checksum is not the one given. */
  public static class TamperedReference implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      Path model = TestModels.mlpFile();
      try {
        Files.writeString(model.resolveSibling("reference.json"), "{\"features\": []}");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return Map.of(
          "modelkeeper.model.name", "mlp",
          "modelkeeper.model.uri", model.toUri().toString(),
          "modelkeeper.reference-sha256", "0".repeat(64));
    }
  }

  @TestHTTPResource("/")
  URL url;

  @Test
  void aReferenceThatDoesNotMatchItsChecksumFailsTheLoad() {
    Http http = new Http(url.toString());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> http.get("/v2/health/ready").json().path("state").asText().equals("FAILED"));
    assertThat(http.get("/v2/health/ready").json().get("reason").asText())
        .startsWith("sha256 mismatch for ")
        .contains("reference.json", "0".repeat(64));
  }
}

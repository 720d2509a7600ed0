package io.modelkeeper.server.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelkeeper.server.support.ServedModelTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Drift settings that would keep more than MODELKEEPER_DRIFT_MAX_BYTES turn drift off, saying why.
 */
@QuarkusTest
@TestProfile(DriftBudgetTest.SmallDriftBudget.class)
class DriftBudgetTest extends ServedModelTest {

  /** The quality profile with a drift budget far below its 300 rows of 8 features. */
  public static class SmallDriftBudget implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      Map<String, String> settings = new HashMap<>(new QualityProfile().getConfigOverrides());
      settings.put("modelkeeper.drift.max-bytes", "4K");
      return settings;
    }
  }

  @Test
  void driftOverItsByteBudgetIsOffWithTheReason_qualityStillWorks() {
    JsonNode quality =
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> http.get("/v2/models/fraud/quality").json(), q -> q.has("drift"));
    assertThat(quality.get("drift").get("enabled").asBoolean()).isFalse();
    assertThat(quality.get("drift").get("error").asText())
        .contains("MODELKEEPER_DRIFT_MAX_BYTES")
        .contains("8 columns");
  }
}

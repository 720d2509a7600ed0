package io.modelkeeper.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.server.support.Profiles;
import io.modelkeeper.server.support.ServedModelTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A server given its revision labels every series with it, so two files under one version stay
 * apart.
 */
@QuarkusTest
@TestProfile(RevisionLabelTest.WithRevision.class)
class RevisionLabelTest extends ServedModelTest {

  /** The MLP profile plus the revision the operator passes as MODELKEEPER_MODEL_REVISION. */
  public static class WithRevision implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      Map<String, String> config = new HashMap<>(new Profiles.Mlp().getConfigOverrides());
      config.put("modelkeeper.model.revision", "6f05e9ff");
      return config;
    }
  }

  @Test
  void everySeriesCarriesTheRevision() {
    http.postJson(
        "/v2/models/mlp/infer",
        "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,16],"
            + "\"data\":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}]}");
    String text = http.get("/metrics").text();

    assertThat(text).contains("modelkeeper_requests_total{");
    for (String line : text.split("\n")) {
      if (!line.startsWith("#") && !line.isBlank()) {
        assertThat(line)
            .as("series labelled with the revision")
            .contains("revision=\"6f05e9ff\"")
            .contains("version=\"3\"");
      }
    }
  }
}

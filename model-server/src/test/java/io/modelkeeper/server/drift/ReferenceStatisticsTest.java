package io.modelkeeper.server.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReferenceStatisticsTest {
  private static final String VALID =
      """
      {
        "format": "modelkeeper.reference/v1",
        "description": "training set of 2026-11-01",
        "features": [
          {"name": "amount", "column": 0, "edges": [10, 100],
           "proportions": [0.3, 0.5, 0.2], "sample": [5, 20, 50, 150]},
          {"name": "age", "input": "x", "column": 1, "edges": [30],
           "proportions": [0.4, 0.6]}
        ],
        "prediction": {"name": "prediction", "edges": [0.5], "proportions": [0.9, 0.1]}
      }
      """;

  @Test
  void parsesTheDocumentedFormat() {
    ReferenceStatistics reference = ReferenceStatistics.parse(VALID, "reference.json");

    assertThat(reference.features())
        .extracting(FeatureReference::name)
        .containsExactly("amount", "age");
    assertThat(reference.features().get(1).input()).isEqualTo("x");
    assertThat(reference.features().get(1).sample()).isNull();
    assertThat(reference.prediction().proportions()).containsExactly(0.9, 0.1);
  }

  @Test
  void roundTripsThroughJson() {
    ReferenceStatistics reference = ReferenceStatistics.parse(VALID, "reference.json");

    ReferenceStatistics again = ReferenceStatistics.parse(reference.toJson(), "again");

    assertThat(again.features().get(0).sample()).containsExactly(5, 20, 50, 150);
  }

  @Test
  void badFiles_messagesNameTheField() {
    assertBad(
        VALID.replace("[0.3, 0.5, 0.2]", "[0.3, 0.7]"),
        "features[0].proportions must have edges + 1 = 3 values, got 2");
    assertBad(
        VALID.replace("[10, 100]", "[100, 10]"),
        "features[0].edges must be finite and strictly increasing");
    assertBad(VALID.replace("[0.4, 0.6]", "[0.4, 0.4]"), "features[1].proportions must sum to 1");
    assertBad(VALID.replace("\"column\": 1,", ""), "features[1].column is required");
    assertBad(VALID.replace("\"age\"", "\"amount\""), "features[1].name 'amount' is repeated");
    assertBad(VALID.replace("\"sample\"", "\"samples\""), "samples");
    assertBad(VALID.replace("/v1", "/v9"), "format must be \"modelkeeper.reference/v1\"");
    assertBad("{\"features\": 3}", "reference.json");
  }

  private static void assertBad(String json, String message) {
    assertThatThrownBy(() -> ReferenceStatistics.parse(json, "reference.json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reference.json")
        .hasMessageContaining(message);
  }
}

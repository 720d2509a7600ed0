package io.modelkeeper.e2e.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonPathLiteTest {

  private final JsonNode md =
      read(
          """
      {"metadata": {"name": "fraud"},
       "status": {"stable": {"version": "7"},
                  "conditions": [{"type": "Progressing", "status": "False"},
                                 {"type": "Ready", "status": "True"}],
                  "canary": {"weight": 10}}}
      """);

  private static JsonNode read(String text) {
    try {
      return new ObjectMapper().readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private String at(String path) {
    return ServerSideTable.JsonPathLite.read(md, path).map(JsonNode::asText).orElse("<none>");
  }

  @Test
  void readsThePrinterColumnPathsOfTheCrd() {
    assertThat(at(".status.stable.version")).isEqualTo("7");
    assertThat(at(".status.canary.weight")).isEqualTo("10");
    assertThat(at(".status.conditions[?(@.type==\"Ready\")].status")).isEqualTo("True");
    assertThat(at(".status.conditions[0].type")).isEqualTo("Progressing");
    assertThat(at(".status.conditions[*].type")).isEqualTo("Progressing");
    assertThat(at(".status.metrics.accuracy")).isEqualTo("<none>");
  }

  @Test
  void agesReadLikeKubectls() {
    assertThat(ServerSideTable.humanAge("")).isEqualTo("<unknown>");
    assertThat(ServerSideTable.humanAge(java.time.Instant.now().minusSeconds(30).toString()))
        .isEqualTo("30s");
    assertThat(ServerSideTable.humanAge(java.time.Instant.now().minusSeconds(600).toString()))
        .isEqualTo("10m");
    assertThat(ServerSideTable.humanAge(java.time.Instant.now().minusSeconds(7300).toString()))
        .isEqualTo("2h");
  }
}

package io.modelkeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetrainTest {

  @Test
  void runsTheRetrainingOfThisModelAsAManualRun() {
    String retraining = Retrain.retrainingFor("fraud", Fixtures.list("fraud-training.json"), null);
    var run = Retrain.run(retraining, "new fraud pattern", Instant.parse("2026-12-03T08:15:00Z"));

    assertThat(retraining).isEqualTo("fraud");
    assertThat(run.path("kind").asText()).isEqualTo("RetrainingRun");
    assertThat(run.path("metadata").path("name").asText()).isEqualTo("fraud-m261203081500");
    assertThat(run.path("spec").path("retrainingRef").path("name").asText()).isEqualTo("fraud");
    assertThat(run.path("spec").path("trigger").asText()).isEqualTo("Manual");
    assertThat(run.path("spec").path("reason").asText()).isEqualTo("new fraud pattern");
  }

  @Test
  void aLongRetrainingNameStillGivesARunNameOfAtMostFiftyCharacters() {
    String name = "a-very-long-retraining-name-that-goes-on-and-on-x";
    var run = Retrain.run(name, null, Instant.parse("2026-12-03T08:15:00Z"));

    String runName = run.path("metadata").path("name").asText();
    assertThat(runName)
        .hasSizeLessThanOrEqualTo(Retrain.MAX_NAME)
        .matches("[a-z]([-a-z0-9]*[a-z0-9])?");
    assertThat(run.path("spec").path("reason").asText()).contains("kubectl modelkeeper retrain");
  }

  @Test
  void saysWhichRetrainingToChooseOrThatThereIsNone() {
    var objects = Fixtures.list("fraud-training.json");

    assertThatThrownBy(() -> Retrain.retrainingFor("scoring", objects, null))
        .hasMessageContaining("no ModelRetraining retrains md/scoring");
    assertThatThrownBy(() -> Retrain.retrainingFor("fraud", objects, "churn"))
        .hasMessageContaining("modelretraining/churn does not retrain md/fraud");
    var two = new java.util.ArrayList<>(objects);
    var second = objects.get(0).deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) second.path("metadata"))
        .put("name", "fraud-b");
    two.add(second);
    assertThatThrownBy(() -> Retrain.retrainingFor("fraud", two, null))
        .hasMessageContaining("--retraining [fraud, fraud-b]");
    assertThat(Retrain.retrainingFor("fraud", two, "fraud-b")).isEqualTo("fraud-b");
    assertThat(List.of()).isEmpty();
  }
}

package io.modelkeeper.operator.retraining;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import org.junit.jupiter.api.Test;

/** What the operator reads back from training and evaluation pods and their Jobs. */
class ResultsTest {

  @Test
  void metricLinesKeepTheLastValueOfEachMetricAndSkipTheRest() {
    String log =
        String.join(
            "\n",
            "epoch 1 starting",
            "modelkeeper.metric {\"step\":1,\"name\":\"val_loss\",\"value\":0.9}",
            "2026-06-07T03:00:00Z modelkeeper.metric {\"step\":1,\"name\":\"accuracy\",\"value\":0.7}",
            "modelkeeper.metric {\"step\":2,\"name\":\"val_loss\",\"value\":0.41}",
            "modelkeeper.metric {not json",
            "modelkeeper.metric {\"step\":2,\"name\":\"val_loss\",\"value\":\"high\"}");
    assertThat(MetricLines.lastValues(log))
        .containsExactly(
            java.util.Map.entry("val_loss", 0.41), java.util.Map.entry("accuracy", 0.7));
  }

  @Test
  void aCurveIsOneMetricByStepTheLastLineOfAStepWinning() {
    String log =
        String.join(
            "\n",
            "modelkeeper.metric {\"step\":1,\"name\":\"val_loss\",\"value\":0.9}",
            "modelkeeper.metric {\"step\":1,\"name\":\"train_loss\",\"value\":0.1}",
            "modelkeeper.metric {\"step\":2,\"name\":\"val_loss\",\"value\":0.5}",
            "modelkeeper.metric {\"step\":2,\"name\":\"val_loss\",\"value\":0.45}",
            "modelkeeper.metric {\"step\":2.5,\"name\":\"val_loss\",\"value\":0.3}",
            "modelkeeper.metric {\"step\":-1,\"name\":\"val_loss\",\"value\":0.3}",
            "modelkeeper.metric {\"name\":\"val_loss\",\"value\":0.3}",
            "modelkeeper.metric {\"step\":3,\"name\":\"val_loss\",\"value\":\"NaN\"}");
    assertThat(MetricLines.curve(log, "val_loss"))
        .containsExactly(java.util.Map.entry(1, 0.9), java.util.Map.entry(2, 0.45));
    assertThat(MetricLines.curve(null, "val_loss")).isEmpty();
  }

  @Test
  void aSummaryNamesItsFinalMetrics() {
    String summary = "{\"sha256\":\"x\",\"metrics\":{\"val_loss\":0.31,\"note\":\"x\"}}";
    assertThat(Summaries.metric(summary, "val_loss")).hasValue(0.31);
    assertThat(Summaries.metric(summary, "note")).isEmpty();
    assertThat(Summaries.metric(summary, "val_accuracy")).isEmpty();
    assertThat(Summaries.metric("Traceback", "val_loss")).isEmpty();
  }

  @Test
  void aFloodOfMetricNamesIsCut() {
    StringBuilder log = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      log.append("modelkeeper.metric {\"name\":\"m").append(i).append("\",\"value\":1}\n");
    }
    assertThat(MetricLines.lastValues(log.toString())).hasSize(MetricLines.MAX_METRICS);
  }

  @Test
  void summariesAreReadAndAnythingElseIsNoSummary() {
    var training =
        Summaries.training(
            "{\"sha256\":\"" + "0f".repeat(32) + "\",\"rows\":{\"training\":10,\"heldOut\":3}}");
    assertThat(training).get().satisfies(t -> assertThat(t.rows().getHeldOut()).isEqualTo(3));
    assertThat(Summaries.training("{\"sha256\":\"not-hex\"}").get().sha256()).isNull();
    assertThat(Summaries.training("Traceback (most recent call last): ...")).isEmpty();

    var blessing =
        Summaries.blessing(
            "{\"metric\":\"auc\",\"candidate\":0.9,\"serving\":null,\"passed\":true}");
    assertThat(blessing).get().satisfies(b -> assertThat(b.getServing()).isNull());
    assertThat(Summaries.blessing("{\"metric\":\"auc\"}")).as("no verdict").isEmpty();
  }

  @Test
  void aJobIsRunningUntilItsConditionsSayOtherwise() {
    assertThat(JobOutcome.of(null).state()).isEqualTo(JobOutcome.State.RUNNING);
    assertThat(JobOutcome.of(job("Complete", "Complete")).state())
        .isEqualTo(JobOutcome.State.SUCCEEDED);
    JobOutcome deadline = JobOutcome.of(job("Failed", "DeadlineExceeded"));
    assertThat(deadline.deadlineExceeded()).isTrue();
    assertThat(JobOutcome.of(job("FailureTarget", "BackoffLimitExceeded")).state())
        .isEqualTo(JobOutcome.State.FAILED);
  }

  @Test
  void aFailedRunsConditionTakesTheReasonAtTheFrontOfItsMessage() {
    assertThat(RetrainingConditions.failureReason("DeadlineExceeded: Job was active longer"))
        .isEqualTo("DeadlineExceeded");
    assertThat(RetrainingConditions.failureReason("something: else")).isEqualTo("Failed");
  }

  private static Job job(String type, String reason) {
    return new JobBuilder()
        .withNewStatus()
        .addNewCondition()
        .withType(type)
        .withStatus("True")
        .withReason(reason)
        .endCondition()
        .endStatus()
        .build();
  }
}

package io.modelkeeper.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.api.v1alpha1.AnalysisStatus;
import io.modelkeeper.api.v1alpha1.CanaryStatus;
import io.modelkeeper.api.v1alpha1.HistoryEntry;
import io.modelkeeper.api.v1alpha1.MetricsStatus;
import io.modelkeeper.api.v1alpha1.RolloutResult;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DecisionSummaryTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Wait|canary started; first check after 30s|false|starting",
        "Wait|step 2 of 3 (50%) extended for lack of evidence: canary served 120 of minRequests 200"
            + " in this step|false|waiting: 120/200 requests",
        "Wait|failed check 1 of 2: canary error rate 9.00% (9/100) is higher than stable's 1.00%"
            + " (1/100) at 95.00% confidence|false|failed check 1/2: error rate",
        "Wait|failed check 1 of 3: canary p99 latency 300.0ms is above maxLatencyP99 200.0ms; canary"
            + " accuracy 80.00% (500 labelled) is more than 2.00% below stable's 90.00% (500"
            + " labelled)|false|failed check 1/3: latency, accuracy",
        "Wait|paused by spec.rollout.paused; checks pass and keep running|true|paused at step 2/3",
        "Wait|step 2 of 3 (50%) runs until 2026-01-01T00:10:00Z; canary errors 0 of 300|false"
            + "|step 2/3 running, checks pass",
        "Advance|step 1 of 3 (10%) passed; canary errors 0 of 300|false|advanced to step 2/3",
        "Promote|all 3 steps passed|false|promoting",
        "Wait|step 2 of 3 (50%) extended, not conclusive yet: canary error rate 3.00%|false"
            + "|waiting: not conclusive yet (error rate)",
      })
  void summarisesTheRunningCanary(String decision, String reason, boolean paused, String want) {
    CanaryStatus canary = new CanaryStatus();
    canary.setStepDisplay("2/3");
    canary.setPaused(paused ? true : null);
    AnalysisStatus analysis = new AnalysisStatus();
    analysis.setDecision(decision);
    analysis.setReason(reason);
    analysis.setCanaryStepRequests(120L);
    analysis.setStableStepRequests(480L);
    canary.setAnalysis(analysis);

    assertThat(DecisionSummary.of(canary, List.of(), 200)).isEqualTo(want);
  }

  @Test
  void withoutACanaryTellsTheLastOutcomeShortly() {
    HistoryEntry promoted = entry("3", RolloutResult.Promoted, "all 3 steps passed");
    HistoryEntry failed =
        entry(
            "4",
            RolloutResult.RolledBack,
            "canary error rate 40.00% (40/100) is higher than stable's 0.00% (0/100) at 95.00%"
                + " confidence (failed check 2 of 2)");

    assertThat(DecisionSummary.of(null, List.of(), 200)).isNull();
    assertThat(DecisionSummary.of(null, List.of(failed, promoted), 200)).isEqualTo("promoted 3");
    assertThat(DecisionSummary.of(null, List.of(promoted, failed), 200))
        .isEqualTo("rolled back 4: error rate");
  }

  @Test
  void aLongUnknownReasonIsCutToOneColumn() {
    CanaryStatus canary = new CanaryStatus();
    AnalysisStatus analysis = new AnalysisStatus();
    analysis.setDecision("Wait");
    analysis.setReason("x".repeat(200));
    canary.setAnalysis(analysis);

    assertThat(DecisionSummary.of(canary, List.of(), 0))
        .hasSize(DecisionSummary.MAX_LENGTH)
        .endsWith("…");
  }

  @Test
  void roundsFiguresForPeopleAndLeavesMissingOnesOut() {
    MetricsStatus metrics = new MetricsStatus();
    metrics.setAccuracy(0.912345678);
    metrics.setDrift(0.03149);
    metrics.setRmse(1234.5678);

    var display = RoundedFigures.of(metrics);

    assertThat(display.getAccuracy()).isEqualTo("0.912");
    assertThat(display.getDrift()).isEqualTo("0.031");
    assertThat(display.getRmse()).isEqualTo("1230");
    assertThat(display.getAuc()).isNull();
    assertThat(RoundedFigures.of(new MetricsStatus())).isNull();
    assertThat(RoundedFigures.significant(0.0012345)).isEqualTo("0.00123");
  }

  private static HistoryEntry entry(String version, RolloutResult result, String reason) {
    HistoryEntry entry = new HistoryEntry();
    entry.setVersion(version);
    entry.setResult(result);
    entry.setReason(reason);
    return entry;
  }
}

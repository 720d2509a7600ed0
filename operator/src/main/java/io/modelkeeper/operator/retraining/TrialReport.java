package io.modelkeeper.operator.retraining;

import io.modelkeeper.api.v1alpha1.BestTrial;
import io.modelkeeper.api.v1alpha1.ModelRetraining;
import io.modelkeeper.api.v1alpha1.RetrainingRun;
import io.modelkeeper.api.v1alpha1.RetrainingRunStatus;
import io.modelkeeper.operator.telemetry.EventReason;
import io.modelkeeper.operator.telemetry.EventRecorder;
import io.modelkeeper.operator.telemetry.RetrainingMetrics;
import java.time.Duration;
import java.util.Objects;

/**
 * What a look at a tuning run tells people: an Event when the best trial changes, one when the
 * trials are over naming the winner (its model is the candidate), and the best objective as a
 * metric. Few Events: trials start and end in the run's status, not as Events.
 */
final class TrialReport {

  /**
   * How soon a tuning run is looked at again: running trials' logs are read at each look, and
   * median stopping needs their steps while they run.
   */
  static final Duration WHILE_TUNING = Duration.ofSeconds(3);

  private TrialReport() {}

  static void record(
      EventRecorder events,
      RetrainingMetrics metrics,
      ModelRetraining retraining,
      RetrainingRun run,
      BestTrial before,
      RetrainingRunStatus after,
      RunProgress.Step step) {
    BestTrial best = after.getBest();
    if (best == null || retraining.getSpec().getTuning() == null) {
      return;
    }
    String metric = retraining.getSpec().getTuning().getObjective().getMetric();
    if (before == null || !Objects.equals(before.getTrial(), best.getTrial())) {
      events.record(run, EventReason.NEW_BEST_TRIAL, describe(best, metric));
    }
    if (step == RunProgress.Step.EVALUATING) {
      String text =
          describe(best, metric)
              + " of "
              + after.getTrials().size()
              + " trials; its model is the candidate of run "
              + run.getMetadata().getName();
      events.record(run, EventReason.BEST_TRIAL, text);
      events.record(retraining, EventReason.BEST_TRIAL, text);
      metrics.bestObjective(retraining, best.getObjective());
    }
  }

  private static String describe(BestTrial best, String metric) {
    return "Trial "
        + best.getTrial()
        + " is best: "
        + metric
        + " "
        + best.getObjective()
        + " with "
        + best.getParameters();
  }
}

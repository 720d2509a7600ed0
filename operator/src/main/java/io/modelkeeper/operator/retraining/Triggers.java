package io.modelkeeper.operator.retraining;

import io.fabric8.kubernetes.api.model.Condition;
import io.modelkeeper.api.v1alpha1.RunTrigger;
import io.modelkeeper.api.v1alpha1.TriggersSpec;
import java.time.Instant;
import java.util.Optional;

/**
 * Which trigger of spec.triggers asks for a run now, if any: the ModelDeployment Degraded for a
 * chosen reason, the schedule having fired since it was last acted on, or enough new labelled rows.
 * Pure: the caller observes, this decides.
 */
public final class Triggers {

  private Triggers() {}

  /** A reason to start a run. */
  public record Trigger(RunTrigger kind, String reason) {}

  /**
   * What the triggers look at.
   *
   * @param schedule the parsed schedule, null when there is none
   * @param scheduleFrom schedule times at or before this were already acted on (or predate the
   *     ModelRetraining)
   * @param degraded the ModelDeployment's Degraded condition, null when it has none
   * @param labelledRows labelled rows the model-server pods report now, null when unknown
   * @param labelledRowsAtLastRun what they reported when the last run started, null when unknown
   */
  public record Observed(
      TriggersSpec spec,
      CronSchedule schedule,
      Instant scheduleFrom,
      Condition degraded,
      Long labelledRows,
      Long labelledRowsAtLastRun) {}

  /**
   * The decision.
   *
   * @param trigger the trigger that asks for a run, if any
   * @param scheduleTick the schedule time this decision acts on, to be remembered whether a run
   *     starts or a guard holds it; null when the schedule did not fire
   * @param nextSchedule the next time the schedule fires, null without a schedule
   */
  public record Decision(Optional<Trigger> trigger, Instant scheduleTick, Instant nextSchedule) {}

  /** Decides at {@code now}. */
  public static Decision decide(Observed observed, Instant now) {
    Instant tick = null;
    Instant next = null;
    if (observed.schedule() != null) {
      tick =
          observed
              .schedule()
              .lastAtOrBefore(now)
              .filter(t -> observed.scheduleFrom() == null || t.isAfter(observed.scheduleFrom()))
              .orElse(null);
      next = observed.schedule().nextAfter(now).orElse(null);
    }
    Optional<Trigger> trigger = degraded(observed);
    if (trigger.isEmpty() && tick != null) {
      trigger =
          Optional.of(
              new Trigger(
                  RunTrigger.Schedule,
                  "schedule \"" + observed.schedule() + "\" fired at " + tick));
    }
    if (trigger.isEmpty()) {
      trigger = newRows(observed);
    }
    return new Decision(trigger, tick, next);
  }

  private static Optional<Trigger> degraded(Observed observed) {
    Condition degraded = observed.degraded();
    if (degraded == null
        || !"True".equals(degraded.getStatus())
        || !observed.spec().getOnDegraded().contains(degraded.getReason())) {
      return Optional.empty();
    }
    return Optional.of(
        new Trigger(
            RunTrigger.Degraded,
            "ModelDeployment Degraded (" + degraded.getReason() + "): " + degraded.getMessage()));
  }

  private static Optional<Trigger> newRows(Observed observed) {
    Long wanted = observed.spec().getNewLabelledRows();
    Long now = observed.labelledRows();
    if (wanted == null || now == null) {
      return Optional.empty();
    }
    long since = rowsSince(now, observed.labelledRowsAtLastRun());
    if (since < wanted) {
      return Optional.empty();
    }
    return Optional.of(
        new Trigger(
            RunTrigger.NewRows,
            since
                + " new labelled rows since the last run (spec.triggers.newLabelledRows "
                + wanted
                + ")"));
  }

  /**
   * Rows captured since the last run. The pods' counters start again at 0 when pods restart, so a
   * count below the one at the last run is all new.
   */
  static long rowsSince(long now, Long atLastRun) {
    if (atLastRun == null || now < atLastRun) {
      return now;
    }
    return now - atLastRun;
  }
}

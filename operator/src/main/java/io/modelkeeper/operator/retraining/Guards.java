package io.modelkeeper.operator.retraining;

import io.modelkeeper.api.v1alpha1.Durations;
import io.modelkeeper.api.v1alpha1.GuardsSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What holds a triggered run back: too many failures in a row, a run in flight, a canary of the
 * model running, the cooldown, the daily cap. Pure, and in that order, so the message names the
 * guard a user must act on first. Runs created by hand are held by none of them.
 */
public final class Guards {

  public static final String CONSECUTIVE_FAILURES = "ConsecutiveFailures";
  public static final String RUN_IN_FLIGHT = "RunInFlight";
  public static final String CANARY_RUNNING = "CanaryRunning";
  public static final String COOLDOWN = "Cooldown";
  public static final String MAX_RUNS_PER_DAY = "MaxRunsPerDay";

  private static final Duration DAY = Duration.ofDays(1);

  private Guards() {}

  /** A guard that holds a trigger, and why. */
  public record Hold(String guard, String message) {}

  /**
   * What the guards look at.
   *
   * @param consecutiveFailures failed runs in a row
   * @param runInFlight the run that is training or evaluating, null when none is
   * @param canary what of the model is being rolled out (a canary, or a candidate handed over and
   *     not yet served), null when nothing is
   * @param lastRunTime when the latest run started, null before the first
   * @param recentRunTimes start times of runs, the last 24 hours at least
   */
  public record State(
      int consecutiveFailures,
      String runInFlight,
      String canary,
      Instant lastRunTime,
      List<Instant> recentRunTimes) {}

  /** The first guard that holds a trigger at {@code now}, if any. */
  public static Optional<Hold> check(GuardsSpec spec, State state, Instant now) {
    if (state.consecutiveFailures() >= spec.getMaxConsecutiveFailures()) {
      return Optional.of(
          new Hold(
              CONSECUTIVE_FAILURES,
              state.consecutiveFailures()
                  + " runs failed in a row (spec.guards.maxConsecutiveFailures "
                  + spec.getMaxConsecutiveFailures()
                  + "): no run starts until the spec changes or the annotation "
                  + RunNames.RESET_FAILURES
                  + " gets a new value"));
    }
    if (state.runInFlight() != null) {
      return Optional.of(new Hold(RUN_IN_FLIGHT, "run " + state.runInFlight() + " is in flight"));
    }
    if (state.canary() != null) {
      return Optional.of(new Hold(CANARY_RUNNING, state.canary() + " is being rolled out"));
    }
    Duration cooldown = Durations.parse(spec.getCooldown());
    if (state.lastRunTime() != null && now.isBefore(state.lastRunTime().plus(cooldown))) {
      return Optional.of(
          new Hold(
              COOLDOWN,
              "the last run started at "
                  + state.lastRunTime()
                  + "; spec.guards.cooldown "
                  + spec.getCooldown()
                  + " lets the next start at "
                  + state.lastRunTime().plus(cooldown)));
    }
    long today = runsInDay(state.recentRunTimes(), now);
    if (today >= spec.getMaxRunsPerDay()) {
      return Optional.of(
          new Hold(
              MAX_RUNS_PER_DAY,
              today
                  + " runs started in the last 24 hours (spec.guards.maxRunsPerDay "
                  + spec.getMaxRunsPerDay()
                  + ")"));
    }
    return Optional.empty();
  }

  /** Runs started in the 24 hours before {@code now}. */
  static long runsInDay(List<Instant> starts, Instant now) {
    return starts.stream().filter(t -> t.isAfter(now.minus(DAY)) && !t.isAfter(now)).count();
  }

  /** The start times worth keeping: those of the last 24 hours. */
  public static List<Instant> recent(List<Instant> starts, Instant now) {
    return starts.stream().filter(t -> t.isAfter(now.minus(DAY))).sorted().toList();
  }
}

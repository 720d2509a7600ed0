package io.modelkeeper.operator.tuning;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * What is known of one trial. {@code objective} is present only for SUCCEEDED trials (and STOPPED
 * ones: their best value so far); the strategies ignore it in any other state, and ignore a
 * SUCCEEDED or STOPPED trial whose objective is missing or not finite as if it had failed.
 */
public record Observation(Assignment assignment, TrialState state, OptionalDouble objective) {

  public Observation {
    Objects.requireNonNull(assignment, "assignment");
    Objects.requireNonNull(state, "state");
    objective = objective == null ? OptionalDouble.empty() : objective;
  }

  /** A finished trial's objective, or empty when it has none the search can learn from. */
  OptionalDouble result() {
    boolean finished = state == TrialState.SUCCEEDED || state == TrialState.STOPPED;
    return finished && objective.isPresent() && Double.isFinite(objective.getAsDouble())
        ? objective
        : OptionalDouble.empty();
  }
}

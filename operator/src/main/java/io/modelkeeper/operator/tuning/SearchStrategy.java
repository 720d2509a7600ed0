package io.modelkeeper.operator.tuning;

import java.util.List;

/** How the next trials' parameter values are chosen: one implementation per algorithm. */
public interface SearchStrategy {

  /**
   * The next {@code count} assignments. Deterministic: the same (space, direction, history, seed)
   * gives the same answer (the operator keeps no memory between reconciles and recomputes). History
   * holds earlier runs' trials of the same ModelRetraining and this run's trials, in order,
   * including PENDING ones (what a pending trial already tries is not suggested again). Assignments
   * whose text is not valid for the space (an earlier run with another space) are ignored. A grid
   * returns fewer than {@code count} once it has no point left.
   */
  List<Assignment> suggest(
      SearchSpace space, Direction direction, List<Observation> history, int count, long seed);
}

package io.modelkeeper.operator.tuning;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The assignments a search has tried or is trying, so a suggestion is new while the space allows: a
 * repeat of a finished trial is only suggested when every candidate was tried, and a repeat of a
 * pending one only when every candidate is pending.
 */
final class Tried {

  /** Random draws offered per suggestion beyond a strategy's own candidates. */
  static final int RANDOM_DRAWS = 64;

  private final SearchSpace space;
  private final Set<Assignment> all = new HashSet<>();
  private final Set<Assignment> pending = new HashSet<>();

  /** The valid assignments of {@code history}, in canonical text. */
  Tried(SearchSpace space, List<Observation> history) {
    this.space = space;
    for (Observation observation : history) {
      space
          .canonical(observation.assignment())
          .ifPresent(a -> add(a, observation.state() == TrialState.PENDING));
    }
  }

  /** Records a suggestion, which is pending from now on. */
  void suggested(Assignment assignment) {
    add(assignment, true);
  }

  /**
   * The first of {@code candidates} (coordinates, best first) not tried; else the first not
   * pending; else the first.
   */
  double[] pick(List<double[]> candidates) {
    for (double[] candidate : candidates) {
      if (!all.contains(space.assignment(candidate))) {
        return candidate;
      }
    }
    for (double[] candidate : candidates) {
      if (!pending.contains(space.assignment(candidate))) {
        return candidate;
      }
    }
    return candidates.get(0);
  }

  /** {@code count} draws from the parameters' priors. */
  static List<double[]> randomDraws(SearchSpace space, SplittableRandom random, int count) {
    double[][] draws = new double[count][];
    for (int c = 0; c < count; c++) {
      double[] coordinates = new double[space.parameters().size()];
      for (int i = 0; i < coordinates.length; i++) {
        coordinates[i] = space.parameters().get(i).draw(random);
      }
      draws[c] = coordinates;
    }
    return List.of(draws);
  }

  private void add(Assignment assignment, boolean isPending) {
    all.add(assignment);
    if (isPending) {
      pending.add(assignment);
    }
  }
}

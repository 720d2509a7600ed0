package io.modelkeeper.operator.tuning;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Random search: each parameter drawn from its prior, independently. Trial {@code k} of the history
 * draws from its own stream of the seed, so suggesting two at once gives what suggesting one,
 * recording it as pending and suggesting again gives. An assignment already in the history (in any
 * state) is drawn again, a bounded number of times, so a small discrete space is not sampled twice
 * at the same point before it is exhausted.
 */
public final class RandomSearch implements SearchStrategy {

  /** Draws per suggestion before a repeat is accepted (the space is then all but exhausted). */
  static final int MAX_DRAWS = 64;

  @Override
  public List<Assignment> suggest(
      SearchSpace space, Direction direction, List<Observation> history, int count, long seed) {
    Checks.count(count);
    Set<Assignment> seen = new HashSet<>();
    for (Observation observation : history) {
      space.canonical(observation.assignment()).ifPresent(seen::add);
    }
    List<Assignment> suggestions = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      SplittableRandom random = Seeds.random(seed, (long) history.size() + i);
      Assignment next = draw(space, random);
      for (int attempt = 1; attempt < MAX_DRAWS && seen.contains(next); attempt++) {
        next = draw(space, random);
      }
      seen.add(next);
      suggestions.add(next);
    }
    return suggestions;
  }

  static Assignment draw(SearchSpace space, SplittableRandom random) {
    double[] coordinates = new double[space.parameters().size()];
    for (int i = 0; i < coordinates.length; i++) {
      coordinates[i] = space.parameters().get(i).draw(random);
    }
    return space.assignment(coordinates);
  }
}

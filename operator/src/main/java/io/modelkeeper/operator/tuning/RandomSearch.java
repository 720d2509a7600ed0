package io.modelkeeper.operator.tuning;

import java.util.ArrayList;
import java.util.List;

/**
 * Random search: each parameter drawn from its prior, independently. Trial {@code k} of the history
 * draws from its own stream of the seed, so suggesting two at once gives what suggesting one,
 * recording it as pending and suggesting again gives. An assignment already in the history is drawn
 * again, a bounded number of times, so a small discrete space is not sampled twice at the same
 * point before it is exhausted (and then a finished point is repeated before a pending one).
 */
public final class RandomSearch implements SearchStrategy {

  @Override
  public List<Assignment> suggest(
      SearchSpace space, Direction direction, List<Observation> history, int count, long seed) {
    Checks.count(count);
    Tried tried = new Tried(space, history);
    List<Assignment> suggestions = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      List<double[]> draws =
          Tried.randomDraws(
              space, Seeds.random(seed, (long) history.size() + i), Tried.RANDOM_DRAWS);
      Assignment next = space.assignment(tried.pick(draws));
      tried.suggested(next);
      suggestions.add(next);
    }
    return suggestions;
  }
}

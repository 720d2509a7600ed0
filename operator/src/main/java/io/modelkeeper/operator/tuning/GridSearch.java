package io.modelkeeper.operator.tuning;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Grid search sized for a number of trials: every categorical value, and for each numeric parameter
 * a number of evenly spaced points from min to max (integers rounded, log-uniform evenly in log
 * space; one point is the middle), the counts raised in turn until the grid has at least {@code
 * trials} points or no numeric parameter can take more (an integer has no more points than whole
 * numbers in its range). The grid is walked in a fixed order, the last parameter changing fastest;
 * each suggestion is the next point not in the history, in any state. The grid is never held in
 * memory: a point is computed from its index.
 */
public final class GridSearch implements SearchStrategy {

  private static final MathContext SHOWN = new MathContext(12);

  private final int trials;

  /** A grid with at least {@code trials} points, when the space has that many. */
  public GridSearch(int trials) {
    if (trials < 1) {
      throw new IllegalArgumentException("a grid needs at least 1 trial, got " + trials);
    }
    this.trials = trials;
  }

  @Override
  public List<Assignment> suggest(
      SearchSpace space, Direction direction, List<Observation> history, int count, long seed) {
    Checks.count(count);
    Set<Assignment> seen = new HashSet<>();
    for (Observation observation : history) {
      space.canonical(observation.assignment()).ifPresent(seen::add);
    }
    int[] points = pointsPerParameter(space, trials);
    long size = size(points);
    List<Assignment> suggestions = new ArrayList<>(count);
    // Each point passed over is in the history, so the walk is at most history + count long.
    for (long index = 0; index < size && suggestions.size() < count; index++) {
      Assignment point = point(space, points, index);
      if (seen.add(point)) {
        suggestions.add(point);
      }
    }
    return suggestions;
  }

  /** The number of points of each parameter, in space order. */
  static int[] pointsPerParameter(SearchSpace space, int trials) {
    List<Parameter> parameters = space.parameters();
    int[] points = new int[parameters.size()];
    for (int i = 0; i < points.length; i++) {
      Parameter parameter = parameters.get(i);
      points[i] = parameter.kind() == Parameter.Kind.CATEGORICAL ? parameter.values().size() : 1;
    }
    boolean grew = true;
    while (size(points) < trials && grew) {
      grew = false;
      for (int i = 0; i < points.length && size(points) < trials; i++) {
        if (canGrow(parameters.get(i), points[i])) {
          points[i]++;
          grew = true;
        }
      }
    }
    return points;
  }

  /** The number of points of the grid, saturating at {@link Long#MAX_VALUE}. */
  static long size(int[] points) {
    long size = 1;
    for (int count : points) {
      size = Math.multiplyHigh(size, count) != 0 ? Long.MAX_VALUE : size * count;
      if (size < 0) {
        return Long.MAX_VALUE;
      }
    }
    return size;
  }

  private static boolean canGrow(Parameter parameter, int points) {
    return switch (parameter.kind()) {
      case CATEGORICAL -> false;
      case INTEGER -> points < parameter.max() - parameter.min() + 1;
      default -> parameter.max() > parameter.min();
    };
  }

  private static Assignment point(SearchSpace space, int[] points, long index) {
    double[] coordinates = new double[points.length];
    long rest = index;
    for (int i = points.length - 1; i >= 0; i--) {
      int position = (int) (rest % points[i]);
      rest /= points[i];
      coordinates[i] = coordinate(space.parameters().get(i), points[i], position);
    }
    return space.assignment(coordinates);
  }

  /** The coordinate of point {@code position} of {@code points} evenly spaced ones. */
  static double coordinate(Parameter parameter, int points, int position) {
    if (parameter.kind() == Parameter.Kind.CATEGORICAL) {
      return position;
    }
    boolean log = parameter.kind() == Parameter.Kind.LOG_UNIFORM;
    double low = log ? StrictMath.log(parameter.min()) : parameter.min();
    double high = log ? StrictMath.log(parameter.max()) : parameter.max();
    double at;
    if (points == 1) {
      at = (low + high) / 2;
    } else if (position == 0) {
      return parameter.min();
    } else if (position == points - 1) {
      return parameter.max();
    } else {
      at = low + position * (high - low) / (points - 1);
    }
    // 12 significant digits: 0.001 rather than 0.0010000000000000002 in a trial's environment.
    double value = new BigDecimal(log ? StrictMath.exp(at) : at).round(SHOWN).doubleValue();
    return Math.max(parameter.min(), Math.min(parameter.max(), value));
  }
}

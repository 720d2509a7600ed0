package io.modelkeeper.operator.retraining;

import io.modelkeeper.operator.tuning.Direction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A trial's objective curve as its status keeps it: step to value, grown by the steps each look
 * reads from the log tail, at most {@link #MAX_POINTS} points (thinned evenly when longer, the
 * first and the last kept), so a long training cannot grow the run's status without bound.
 */
public final class TrialCurve {

  static final int MAX_POINTS = 100;

  private TrialCurve() {}

  /** The curve of a status ({@code "3": 0.41}), in step order. */
  public static SortedMap<Integer, Double> read(Map<String, Double> kept) {
    SortedMap<Integer, Double> curve = new TreeMap<>();
    if (kept != null) {
      kept.forEach(
          (step, value) -> {
            try {
              if (value != null) {
                curve.put(Integer.parseInt(step), value);
              }
            } catch (NumberFormatException e) {
              // Not a step this operator wrote.
            }
          });
    }
    return curve;
  }

  /** The curve as a status keeps it. */
  public static Map<String, Double> write(SortedMap<Integer, Double> curve) {
    Map<String, Double> kept = new LinkedHashMap<>();
    curve.forEach((step, value) -> kept.put(String.valueOf(step), value));
    return kept;
  }

  /**
   * {@code kept} with the points of {@code read} after its last step (the earlier ones it has, or
   * thinned out on purpose), thinned to {@link #MAX_POINTS}.
   */
  public static SortedMap<Integer, Double> merge(
      SortedMap<Integer, Double> kept, SortedMap<Integer, Double> read) {
    SortedMap<Integer, Double> merged = new TreeMap<>(kept);
    SortedMap<Integer, Double> newer = kept.isEmpty() ? read : read.tailMap(kept.lastKey() + 1);
    merged.putAll(newer);
    while (merged.size() > MAX_POINTS) {
      List<Integer> steps = new ArrayList<>(merged.keySet());
      // Every second point but the last goes: the curve keeps its shape and its latest step.
      for (int i = 1; i < steps.size() - 1; i += 2) {
        merged.remove(steps.get(i));
      }
    }
    return merged;
  }

  /** The best value of a curve in {@code direction}; empty for an empty curve. */
  public static OptionalDouble best(SortedMap<Integer, Double> curve, Direction direction) {
    return direction == Direction.MAXIMIZE
        ? curve.values().stream().mapToDouble(Double::doubleValue).max()
        : curve.values().stream().mapToDouble(Double::doubleValue).min();
  }

  /** Whether {@code a} is better than {@code b} in {@code direction}. */
  public static boolean better(double a, double b, Direction direction) {
    return direction == Direction.MAXIMIZE ? a > b : a < b;
  }
}

package io.modelkeeper.bench.tuning;

import io.modelkeeper.operator.tuning.Assignment;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A synthetic family of learning curves for a test function, so median stopping can be simulated on
 * it: a trial at x reports, at steps 1..T,
 *
 * <pre>
 *   y(t) = f(x) + (1 + f(x) - f*) * (exp(-(t-1)/tau(x)) - exp(-(T-1)/tau(x)))
 * </pre>
 *
 * falling to exactly f(x) at step T. Worse configurations start higher; tau(x), from 1 to 8 steps,
 * comes from a hash of x, so some configurations learn slowly and curves cross: a trial that looks
 * bad early can end best, which is what makes early stopping lose something.
 */
final class LearningCurves {

  static final double MIN_TAU = 1;
  static final double MAX_TAU = 8;

  private LearningCurves() {}

  /** The curve of {@code value} = f(x) for a function whose minimum is {@code minimum}. */
  static double[] curve(Assignment assignment, double value, double minimum, int steps) {
    double tau =
        MIN_TAU + (MAX_TAU - MIN_TAU) * new SplittableRandom(hash(assignment)).nextDouble();
    double scale = 1 + value - minimum;
    double end = Math.exp(-(steps - 1) / tau);
    double[] curve = new double[steps];
    for (int t = 1; t <= steps; t++) {
      curve[t - 1] = value + scale * (Math.exp(-(t - 1) / tau) - end);
    }
    return curve;
  }

  private static long hash(Assignment assignment) {
    long hash = 17;
    for (Map.Entry<String, String> entry : assignment.values().entrySet()) {
      hash = 31 * hash + entry.getKey().hashCode();
      hash = 31 * hash + Double.doubleToLongBits(Double.parseDouble(entry.getValue()));
    }
    return hash;
  }
}

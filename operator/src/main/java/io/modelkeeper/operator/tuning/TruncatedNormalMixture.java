package io.modelkeeper.operator.tuning;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.commons.math3.special.Erf;

/**
 * TPE's density over a numeric coordinate (the value, or its logarithm for a log-uniform
 * parameter): a normal around each observation and a wide one around the middle for the prior, all
 * truncated to the bounds. An observation's bandwidth is the larger distance to its neighbours (the
 * prior's middle counts as one; the outermost take their inner neighbour's), clipped to between
 * range / min(100, n + 2) and the range (Optuna's and Hyperopt's "magic clip"). For an integer the
 * bounds widen by half a step and the density becomes the mass of x +- 1/2.
 */
final class TruncatedNormalMixture implements ParzenEstimator {

  private static final double SQRT2 = Math.sqrt(2);
  private static final double LOG_SQRT_2PI = 0.5 * StrictMath.log(2 * Math.PI);

  private final double low;
  private final double high;
  private final double step;
  private final double adaptedLow;
  private final double adaptedHigh;
  private final double[] weights;
  private final double[] mus;
  private final double[] sigmas;
  private final double[] logMass;

  /**
   * Fitted to {@code observed} coordinates, in history order, within {@code [low, high]}; {@code
   * step} 1 for an integer, 0 for a real coordinate.
   */
  TruncatedNormalMixture(double low, double high, double step, double[] observed) {
    this.low = low;
    this.high = high;
    this.step = step;
    this.adaptedLow = low - step / 2;
    this.adaptedHigh = high + step / 2;
    int n = observed.length;
    weights = ParzenEstimator.mixtureWeights(n);
    mus = Arrays.copyOf(observed, n + 1);
    mus[n] = (low + high) / 2;
    sigmas = bandwidths(observed, mus[n]);
    logMass = new double[n + 1];
    for (int k = 0; k <= n; k++) {
      logMass[k] = StrictMath.log(mass(z(adaptedLow, k), z(adaptedHigh, k)));
    }
  }

  private double[] bandwidths(double[] observed, double priorMu) {
    int n = observed.length;
    double range = adaptedHigh - adaptedLow;
    double[] sigmas = new double[n + 1];
    sigmas[n] = range;
    if (n == 0) {
      return sigmas;
    }
    Integer[] order = new Integer[n + 1];
    for (int i = 0; i <= n; i++) {
      order[i] = i;
    }
    double[] points = Arrays.copyOf(observed, n + 1);
    points[n] = priorMu;
    Arrays.sort(order, (a, b) -> Double.compare(points[a], points[b]));
    double minSigma = range / Math.min(100.0, n + 2.0);
    for (int rank = 0; rank <= n; rank++) {
      int i = order[rank];
      if (i == n) {
        continue;
      }
      double left = rank == 0 ? adaptedLow : points[order[rank - 1]];
      double right = rank == n ? adaptedHigh : points[order[rank + 1]];
      double sigma;
      if (rank == 0) {
        sigma = right - points[i];
      } else if (rank == n) {
        sigma = points[i] - left;
      } else {
        sigma = Math.max(points[i] - left, right - points[i]);
      }
      sigmas[i] = Math.max(minSigma, Math.min(range, sigma));
    }
    return sigmas;
  }

  @Override
  public double sample(SplittableRandom random) {
    int k = ParzenEstimator.component(weights, random.nextDouble());
    double a = z(adaptedLow, k);
    double b = z(adaptedHigh, k);
    double x = mus[k] + sigmas[k] * truncatedStandardNormal(a, b, random.nextDouble());
    x = Math.max(adaptedLow, Math.min(adaptedHigh, x));
    return step == 0 ? x : Math.max(low, Math.min(high, low + Math.round((x - low) / step) * step));
  }

  @Override
  public double logDensity(double x) {
    double[] terms = new double[weights.length];
    for (int k = 0; k < weights.length; k++) {
      double logComponent;
      if (step == 0) {
        double z = z(x, k);
        logComponent = -0.5 * z * z - LOG_SQRT_2PI - StrictMath.log(sigmas[k]);
      } else {
        logComponent = StrictMath.log(mass(z(x - step / 2, k), z(x + step / 2, k)));
      }
      terms[k] = StrictMath.log(weights[k]) + logComponent - logMass[k];
    }
    return ParzenEstimator.logSumExp(terms);
  }

  private double z(double x, int k) {
    return (x - mus[k]) / sigmas[k];
  }

  /** The standard normal distribution function, accurate in the lower tail. */
  static double phi(double z) {
    return 0.5 * Erf.erfc(-z / SQRT2);
  }

  /** The standard normal mass between {@code a <= b}, computed in whichever tail is accurate. */
  static double mass(double a, double b) {
    return a >= 0 ? phi(-a) - phi(-b) : phi(b) - phi(a);
  }

  /** The standard normal truncated to [a, b] at quantile {@code u}, by the inverse distribution. */
  static double truncatedStandardNormal(double a, double b, double u) {
    // Sample in the lower tail, where phi is accurate, and mirror back.
    if (a >= 0) {
      return -truncatedStandardNormal(-b, -a, u);
    }
    double p = phi(a) + u * (phi(b) - phi(a));
    double z = SQRT2 * Erf.erfInv(2 * p - 1);
    return Math.max(a, Math.min(b, z));
  }
}

package io.modelkeeper.operator.tuning;

import java.util.SplittableRandom;

/**
 * A density over one parameter's coordinate fitted to a group of trials (TPE's l(x) or g(x)): a
 * weighted mixture of one component per observation and one for the prior.
 */
sealed interface ParzenEstimator permits TruncatedNormalMixture, CategoricalMixture {

  /** Weight of the prior component relative to an observation's (Optuna's and Hyperopt's 1.0). */
  double PRIOR_WEIGHT = 1.0;

  /** A coordinate drawn from the density. */
  double sample(SplittableRandom random);

  /** The logarithm of the density (or, for a discrete parameter, the mass) at {@code x}. */
  double logDensity(double x);

  /**
   * The mixture weight of each of {@code n} observations in history order, before the prior's and
   * before normalising: 1 for the latest 25, a linear ramp from 1/n up to 1 for older ones, so old
   * trials (of an earlier run, say) weigh less (Optuna's default weights).
   */
  static double[] observationWeights(int n) {
    double[] weights = new double[n];
    int flat = 25;
    int ramp = Math.max(0, n - flat);
    for (int i = 0; i < n; i++) {
      if (i >= ramp) {
        weights[i] = 1;
      } else if (ramp == 1) {
        weights[i] = 1.0 / n;
      } else {
        weights[i] = 1.0 / n + i * (1 - 1.0 / n) / (ramp - 1);
      }
    }
    return weights;
  }

  /** The observation weights followed by the prior's, summing to 1. */
  static double[] mixtureWeights(int n) {
    double[] weights = new double[n + 1];
    System.arraycopy(observationWeights(n), 0, weights, 0, n);
    weights[n] = PRIOR_WEIGHT;
    double sum = 0;
    for (double weight : weights) {
      sum += weight;
    }
    for (int i = 0; i < weights.length; i++) {
      weights[i] /= sum;
    }
    return weights;
  }

  /** The index of the component {@code u} in [0, 1) falls on. */
  static int component(double[] weights, double u) {
    double cumulative = 0;
    for (int i = 0; i < weights.length - 1; i++) {
      cumulative += weights[i];
      if (u < cumulative) {
        return i;
      }
    }
    return weights.length - 1;
  }

  /** log(sum(exp(terms))) without overflow; -infinity when every term is. */
  static double logSumExp(double[] terms) {
    double max = Double.NEGATIVE_INFINITY;
    for (double term : terms) {
      max = Math.max(max, term);
    }
    if (max == Double.NEGATIVE_INFINITY) {
      return max;
    }
    double sum = 0;
    for (double term : terms) {
      sum += StrictMath.exp(term - max);
    }
    return max + StrictMath.log(sum);
  }
}

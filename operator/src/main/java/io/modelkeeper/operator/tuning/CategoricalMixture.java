package io.modelkeeper.operator.tuning;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * TPE's density over a categorical parameter: each observation puts extra weight on its category
 * over a small uniform share, the prior component is uniform (Optuna's weighted counts with a
 * prior).
 */
final class CategoricalMixture implements ParzenEstimator {

  private final double[] weights;
  private final double[][] probabilities;

  /** Fitted to {@code observed} category indexes, in history order, of {@code categories}. */
  CategoricalMixture(int categories, int[] observed) {
    int n = observed.length;
    weights = ParzenEstimator.mixtureWeights(n);
    probabilities = new double[n + 1][categories];
    double share = PRIOR_WEIGHT / (n + 1);
    for (int k = 0; k <= n; k++) {
      Arrays.fill(probabilities[k], share);
      if (k < n) {
        probabilities[k][observed[k]] += 1;
      }
      double sum = share * categories + (k < n ? 1 : 0);
      for (int c = 0; c < categories; c++) {
        probabilities[k][c] /= sum;
      }
    }
  }

  @Override
  public double sample(SplittableRandom random) {
    double[] row = probabilities[ParzenEstimator.component(weights, random.nextDouble())];
    return ParzenEstimator.component(row, random.nextDouble());
  }

  @Override
  public double logDensity(double x) {
    int category = (int) Math.round(x);
    double mass = 0;
    for (int k = 0; k < weights.length; k++) {
      mass += weights[k] * probabilities[k][category];
    }
    return StrictMath.log(mass);
  }
}

package io.modelkeeper.server.drift;

import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;

/** Population stability index and the two-sample Kolmogorov-Smirnov test. */
public final class DriftStatistics {
  /**
   * Proportions are floored at this before PSI is taken, so an empty bin on either side adds a
   * large but finite term instead of infinity.
   */
  public static final double PSI_FLOOR = 1e-4;

  private static final KolmogorovSmirnovTest KS = new KolmogorovSmirnovTest();

  private DriftStatistics() {}

  /** PSI = Σ (current − reference) · ln(current / reference) over the bins. */
  public static double psi(double[] reference, double[] current) {
    double sum = 0;
    for (int i = 0; i < reference.length; i++) {
      double expected = Math.max(reference[i], PSI_FLOOR);
      double actual = Math.max(current[i], PSI_FLOOR);
      sum += (actual - expected) * Math.log(actual / expected);
    }
    return sum;
  }

  /** The KS statistic: the largest gap between the two empirical distribution functions. */
  public static double ksStatistic(double[] reference, double[] current) {
    return KS.kolmogorovSmirnovStatistic(reference, current);
  }

  /**
   * The asymptotic p-value of a KS statistic for samples of sizes n and m (the Kolmogorov
   * distribution; exact enumeration is too slow at window sizes).
   */
  public static double ksPValue(double statistic, int n, int m) {
    return KS.approximateP(statistic, n, m);
  }

  /** The statistic above which KS rejects "same distribution" at level alpha. */
  public static double ksCriticalValue(double alpha, int n, int m) {
    double c = Math.sqrt(-Math.log(alpha / 2) / 2);
    return c * Math.sqrt((double) (n + m) / ((double) n * m));
  }
}

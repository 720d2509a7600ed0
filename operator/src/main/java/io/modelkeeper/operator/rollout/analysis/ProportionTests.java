package io.modelkeeper.operator.rollout.analysis;

import org.apache.commons.math3.distribution.NormalDistribution;

/** One-sided tests on proportions (error rates, accuracy) with normal approximations. */
public final class ProportionTests {

  private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);

  private ProportionTests() {}

  /** The z value a one-sided test at {@code confidence} must exceed. */
  public static double critical(double confidence) {
    return NORMAL.inverseCumulativeProbability(confidence);
  }

  /**
   * z of the pooled two-proportion test that the canary's share {@code xc/nc} is higher than the
   * stable one's {@code xs/ns}; 0 when neither arm has any event (nothing to tell them apart).
   */
  public static double higherZ(long xc, long nc, long xs, long ns) {
    if (nc == 0 || ns == 0) {
      return 0;
    }
    double pooled = (double) (xc + xs) / (nc + ns);
    double variance = pooled * (1 - pooled) * (1.0 / nc + 1.0 / ns);
    if (variance == 0) {
      return 0;
    }
    return ((double) xc / nc - (double) xs / ns) / Math.sqrt(variance);
  }

  /**
   * z of the test that the canary's proportion {@code pc} is below the stable one's {@code ps} by
   * more than {@code margin}; infinite when both windows are exact (no spread).
   */
  public static double dropBeyondMarginZ(double ps, long ns, double pc, long nc, double margin) {
    double excess = ps - pc - margin;
    double variance = ps * (1 - ps) / ns + pc * (1 - pc) / nc;
    if (variance == 0) {
      return excess > 0 ? Double.POSITIVE_INFINITY : excess < 0 ? Double.NEGATIVE_INFINITY : 0;
    }
    return excess / Math.sqrt(variance);
  }

  /**
   * Lower end of the Wilson score interval of {@code x} of {@code n} at critical value {@code z}.
   */
  public static double wilsonLower(long x, long n, double z) {
    if (n == 0) {
      return 0;
    }
    double p = (double) x / n;
    double z2 = z * z;
    double centre = p + z2 / (2.0 * n);
    double spread = z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
    return Math.max(0, (centre - spread) / (1 + z2 / n));
  }
}

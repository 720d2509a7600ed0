package io.modelkeeper.server.drift;

/**
 * Drift of one feature (or of the prediction) between the reference and the recent window. Figures
 * are NaN when they cannot be computed yet (no reference, too few recent rows, no reference sample
 * for KS).
 *
 * @param ksSignificant whether KS rejects "same distribution" at the report's alpha
 */
public record FeatureDrift(
    String name,
    double psi,
    double ks,
    double ksPValue,
    double ksCriticalValue,
    boolean ksSignificant) {

  static FeatureDrift unknown(String name) {
    return new FeatureDrift(name, Double.NaN, Double.NaN, Double.NaN, Double.NaN, false);
  }
}

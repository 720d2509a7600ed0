package io.modelkeeper.server.explain;

/**
 * The explanation of one row, per explained output column {@code c}: the model's prediction, the
 * base value (what the model predicts on average over the background) and one attribution per
 * feature. Shapley attributions sum to prediction − base.
 *
 * @param fit LIME only: the surrogate's weighted R² per column, else null
 * @param coefficients LIME only: the surrogate's slope per column and feature, else null
 */
public record RowExplanation(
    double[] predictions,
    double[] baseValues,
    double[][] attributions,
    double[] fit,
    double[][] coefficients) {

  static RowExplanation shapley(double[] predictions, double[] baseValues, double[][] values) {
    return new RowExplanation(predictions, baseValues, values, null, null);
  }
}

package io.modelkeeper.trainer.model;

import io.modelkeeper.trainer.dataset.Rows;

/**
 * Standardisation of the inputs (and of a regression target) that training works in. It is folded
 * into the first and last layers when the model is written, and unfolded from them when a model is
 * read for a warm start, so the written model takes raw inputs and gives raw outputs.
 */
public record Scaling(double[] mean, double[] scale, double targetMean, double targetScale) {

  /** Means and standard deviations of the rows; a constant column keeps scale 1. */
  public static Scaling of(Rows rows, boolean scaleTarget) {
    int width = rows.width();
    int n = rows.size();
    double[] mean = new double[width];
    double[] scale = new double[width];
    for (int c = 0; c < width; c++) {
      double sum = 0;
      for (int r = 0; r < n; r++) {
        sum += rows.feature(r, c);
      }
      mean[c] = n == 0 ? 0 : sum / n;
      double squares = 0;
      for (int r = 0; r < n; r++) {
        double d = rows.feature(r, c) - mean[c];
        squares += d * d;
      }
      double sd = n == 0 ? 0 : Math.sqrt(squares / n);
      scale[c] = sd > 1e-12 ? sd : 1;
    }
    double targetMean = 0;
    double targetScale = 1;
    if (scaleTarget && n > 0) {
      double sum = 0;
      for (int r = 0; r < n; r++) {
        sum += rows.label(r);
      }
      targetMean = sum / n;
      double squares = 0;
      for (int r = 0; r < n; r++) {
        double d = rows.label(r) - targetMean;
        squares += d * d;
      }
      double sd = Math.sqrt(squares / n);
      targetScale = sd > 1e-12 ? sd : 1;
    }
    return new Scaling(mean, scale, targetMean, targetScale);
  }

  public double standardize(float value, int column) {
    return (value - mean[column]) / scale[column];
  }
}

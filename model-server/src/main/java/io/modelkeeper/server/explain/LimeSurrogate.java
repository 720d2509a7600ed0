package io.modelkeeper.server.explain;

import ai.onnxruntime.OrtException;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * LIME for tabular rows: perturbations drawn feature by feature from a normal distribution with the
 * background's mean and standard deviation, weighted by an exponential kernel of their standardised
 * distance to the row (width 0.75·√M), and a weighted linear fit of the model's output on them. The
 * attribution of a feature is its slope times its distance from the background mean; the base value
 * is the surrogate at the background mean.
 */
public final class LimeSurrogate {

  private LimeSurrogate() {}

  /** Model rows a LIME explanation of one row runs: the row itself and the perturbations. */
  public static long cost(int samples) {
    return samples + 1L;
  }

  public static RowExplanation explain(
      ModelRows model, double[] x, double[][] background, int samples, long seed)
      throws OrtException, InterruptedException {
    int m = x.length;
    double[] mean = new double[m];
    double[] scale = new double[m];
    for (double[] b : background) {
      for (int j = 0; j < m; j++) {
        mean[j] += b[j] / background.length;
      }
    }
    for (double[] b : background) {
      for (int j = 0; j < m; j++) {
        scale[j] += (b[j] - mean[j]) * (b[j] - mean[j]) / background.length;
      }
    }
    for (int j = 0; j < m; j++) {
      scale[j] = Math.sqrt(scale[j]);
    }
    Perturbations perturbations = new Perturbations(x, mean, scale, seed);
    // Row 0 is the explained row itself; rows 1..samples the perturbations.
    double[][] outputs = model.means(samples + 1, 1, perturbations::fill);
    int columns = model.space().columns();
    double width = 0.75 * Math.sqrt(m);

    // Weighted normal equations over the standardised features that vary, with an intercept.
    int[] varying = java.util.stream.IntStream.range(0, m).filter(j -> scale[j] > 0).toArray();
    int p = varying.length + 1;
    double[][] normal = new double[p][p];
    double[][] right = new double[p][columns];
    double[] row = new double[m];
    double[] a = new double[p];
    double[] weights = new double[samples + 1];
    for (int k = 0; k <= samples; k++) {
      perturbations.fill(k, row);
      weights[k] = kernel(row, x, scale, width);
      standardised(row, mean, scale, varying, a);
      for (int i = 0; i < p; i++) {
        for (int j = 0; j < p; j++) {
          normal[i][j] += weights[k] * a[i] * a[j];
        }
        for (int c = 0; c < columns; c++) {
          right[i][c] += weights[k] * a[i] * outputs[k][c];
        }
      }
    }
    RealMatrix solved =
        NormalEquations.solve(
            normal,
            right,
            samples + " perturbations are too few to fit " + m + " features; ask for more samples");
    double[][] slopes = new double[columns][m];
    double[][] attributions = new double[columns][m];
    double[] base = new double[columns];
    for (int c = 0; c < columns; c++) {
      base[c] = solved.getEntry(0, c);
      for (int v = 0; v < varying.length; v++) {
        int j = varying[v];
        slopes[c][j] = solved.getEntry(v + 1, c) / scale[j];
        attributions[c][j] = slopes[c][j] * (x[j] - mean[j]);
      }
    }
    double[] fit = fit(perturbations, outputs, weights, solved, mean, scale, varying);
    return new RowExplanation(outputs[0], base, attributions, fit, slopes);
  }

  /** The weighted R² of the surrogate per output column. */
  private static double[] fit(
      Perturbations perturbations,
      double[][] outputs,
      double[] weights,
      RealMatrix solved,
      double[] mean,
      double[] scale,
      int[] varying) {
    int columns = outputs[0].length;
    int p = varying.length + 1;
    double totalWeight = 0;
    double[] weightedMean = new double[columns];
    for (int k = 0; k < outputs.length; k++) {
      totalWeight += weights[k];
      for (int c = 0; c < columns; c++) {
        weightedMean[c] += weights[k] * outputs[k][c];
      }
    }
    double[] residual = new double[columns];
    double[] spread = new double[columns];
    double[] row = new double[mean.length];
    double[] a = new double[p];
    for (int k = 0; k < outputs.length; k++) {
      perturbations.fill(k, row);
      standardised(row, mean, scale, varying, a);
      for (int c = 0; c < columns; c++) {
        double predicted = 0;
        for (int i = 0; i < p; i++) {
          predicted += a[i] * solved.getEntry(i, c);
        }
        double centred = outputs[k][c] - weightedMean[c] / totalWeight;
        residual[c] += weights[k] * (outputs[k][c] - predicted) * (outputs[k][c] - predicted);
        spread[c] += weights[k] * centred * centred;
      }
    }
    double[] r2 = new double[columns];
    for (int c = 0; c < columns; c++) {
      r2[c] = spread[c] == 0 ? (residual[c] == 0 ? 1 : 0) : 1 - residual[c] / spread[c];
    }
    return r2;
  }

  private static double kernel(double[] z, double[] x, double[] scale, double width) {
    double squared = 0;
    for (int j = 0; j < z.length; j++) {
      if (scale[j] > 0) {
        double d = (z[j] - x[j]) / scale[j];
        squared += d * d;
      }
    }
    return Math.exp(-squared / (width * width));
  }

  private static void standardised(
      double[] row, double[] mean, double[] scale, int[] varying, double[] target) {
    target[0] = 1;
    for (int v = 0; v < varying.length; v++) {
      int j = varying[v];
      target[v + 1] = (row[j] - mean[j]) / scale[j];
    }
  }

  /** Perturbation k, drawn afresh from its own seed each time it is needed: none is stored. */
  private record Perturbations(double[] x, double[] mean, double[] scale, long seed) {
    void fill(long k, double[] target) {
      if (k == 0) {
        System.arraycopy(x, 0, target, 0, x.length);
        return;
      }
      SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + k);
      for (int j = 0; j < x.length; j++) {
        target[j] = mean[j] + scale[j] * random.nextGaussian();
      }
    }
  }
}

package io.modelkeeper.server.explain;

import ai.onnxruntime.OrtException;
import io.modelkeeper.server.onnx.DataType;
import io.modelkeeper.server.onnx.ModelRunner;
import io.modelkeeper.server.onnx.Tensor;
import java.math.BigInteger;
import java.util.Map;

/**
 * Interventional Shapley values by the definition, written apart from the server's code: every
 * coalition's value is the model's mean over the background (one ONNX Runtime call per coalition),
 * and each marginal contribution is weighted by |S|! (M − |S| − 1)! / M! in exact integers.
 */
final class BruteForceShapley {
  private BruteForceShapley() {}

  /** Shapley values {@code [column][feature]} of {@code output} at {@code x}. */
  static double[][] of(
      ModelRunner runner, String input, String output, float[] x, float[][] background)
      throws OrtException {
    int m = x.length;
    int coalitions = 1 << m;
    double[][] value = new double[coalitions][];
    for (int mask = 0; mask < coalitions; mask++) {
      float[] rows = new float[background.length * m];
      for (int b = 0; b < background.length; b++) {
        for (int j = 0; j < m; j++) {
          rows[b * m + j] = (mask & (1 << j)) != 0 ? x[j] : background[b][j];
        }
      }
      Tensor tensor = new Tensor(input, DataType.FP32, new long[] {background.length, m}, rows);
      float[] out = (float[]) runner.run(Map.of(input, tensor)).get(output).data();
      int columns = out.length / background.length;
      double[] mean = new double[columns];
      for (int b = 0; b < background.length; b++) {
        for (int c = 0; c < columns; c++) {
          mean[c] += out[b * columns + c];
        }
      }
      for (int c = 0; c < columns; c++) {
        mean[c] /= background.length;
      }
      value[mask] = mean;
    }
    int columns = value[0].length;
    BigInteger total = factorial(m);
    double[][] phi = new double[columns][m];
    for (int i = 0; i < m; i++) {
      for (int mask = 0; mask < coalitions; mask++) {
        if ((mask & (1 << i)) != 0) {
          continue;
        }
        int s = Integer.bitCount(mask);
        double weight =
            new java.math.BigDecimal(factorial(s).multiply(factorial(m - s - 1)))
                .divide(new java.math.BigDecimal(total), java.math.MathContext.DECIMAL64)
                .doubleValue();
        for (int c = 0; c < columns; c++) {
          phi[c][i] += weight * (value[mask | (1 << i)][c] - value[mask][c]);
        }
      }
    }
    return phi;
  }

  private static BigInteger factorial(int n) {
    BigInteger result = BigInteger.ONE;
    for (int k = 2; k <= n; k++) {
      result = result.multiply(BigInteger.valueOf(k));
    }
    return result;
  }
}

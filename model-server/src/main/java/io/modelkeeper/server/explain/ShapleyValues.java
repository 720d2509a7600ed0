package io.modelkeeper.server.explain;

import ai.onnxruntime.OrtException;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Interventional Shapley values of one row against a background: the value of a coalition S of
 * features is the model's mean output over background rows b with the features of S taken from the
 * row and the others from b. Exact by enumerating all 2^M coalitions, or Kernel SHAP: a least
 * squares fit over sampled coalitions (paired with their complements), constrained so that the
 * attributions sum to prediction − base.
 */
public final class ShapleyValues {

  private ShapleyValues() {}

  /** Model rows an exact explanation of one row runs. */
  public static long exactCost(int features, int backgroundRows) {
    return (1L << features) * backgroundRows;
  }

  /** Model rows a Kernel SHAP explanation of one row runs. */
  public static long kernelCost(int samples, int backgroundRows) {
    return (long) (pairedSamples(samples) + 2) * backgroundRows;
  }

  /** Samples rounded up to an even count, so that each coalition comes with its complement. */
  static int pairedSamples(int samples) {
    return samples + (samples & 1);
  }

  /** Exact Shapley values by enumerating every coalition; features must be at most 30. */
  public static RowExplanation exact(ModelRows model, double[] x, double[][] background)
      throws OrtException, InterruptedException {
    int m = x.length;
    int size = background.length;
    double[][] values =
        model.means(
            1 << m,
            size,
            (row, target) -> {
              long mask = row / size;
              double[] b = background[(int) (row % size)];
              for (int j = 0; j < m; j++) {
                target[j] = ((mask >>> j) & 1) != 0 ? x[j] : b[j];
              }
            });
    int columns = model.space().columns();
    double[] weights = exactWeights(m);
    double[][] phi = new double[columns][m];
    for (int mask = 0; mask < values.length; mask++) {
      double w = weights[Integer.bitCount(mask)];
      for (int i = 0; i < m; i++) {
        if ((mask & (1 << i)) != 0) {
          continue;
        }
        double[] with = values[mask | (1 << i)];
        double[] without = values[mask];
        for (int c = 0; c < columns; c++) {
          phi[c][i] += w * (with[c] - without[c]);
        }
      }
    }
    return RowExplanation.shapley(values[values.length - 1], values[0], phi);
  }

  /**
   * The Shapley weight of a coalition of s features among m: s! (m − s − 1)! / m!; the full
   * coalition (s = m) has no feature left to add and weighs nothing.
   */
  private static double[] exactWeights(int m) {
    double[] weights = new double[m + 1];
    for (int s = 0; s < m; s++) {
      // 1 / (m · C(m−1, s)), built up as a product to stay exact for the sizes enumerated.
      double choose = 1;
      for (int k = 1; k <= s; k++) {
        choose = choose * (m - 1 - s + k) / k;
      }
      weights[s] = 1 / (m * choose);
    }
    return weights;
  }

  /**
   * Kernel SHAP: {@code samples} coalitions (rounded up to even) whose sizes are drawn from the
   * Shapley kernel's distribution, each followed by its complement, fitted by least squares with
   * the last feature's attribution eliminated through the sum constraint.
   */
  public static RowExplanation kernel(
      ModelRows model, double[] x, double[][] background, int samples, long seed)
      throws OrtException, InterruptedException {
    int m = x.length;
    if (m < 2) {
      throw new IllegalArgumentException("Kernel SHAP needs at least 2 features");
    }
    int n = pairedSamples(samples);
    int size = background.length;
    Coalitions coalitions = new Coalitions(m, seed);
    // Group 0 is the empty coalition (the base value), group 1 the full one (the prediction).
    double[][] values =
        model.means(
            n + 2,
            size,
            (row, target) -> {
              int group = (int) (row / size);
              double[] b = background[(int) (row % size)];
              for (int j = 0; j < m; j++) {
                boolean fromRow = group == 1 || (group > 1 && coalitions.contains(group - 2, j));
                target[j] = fromRow ? x[j] : b[j];
              }
            });
    int columns = model.space().columns();
    double[] base = values[0];
    double[] prediction = values[1];
    int last = m - 1;
    double[][] normal = new double[last][last];
    double[][] right = new double[last][columns];
    double[] z = new double[last];
    for (int k = 0; k < n; k++) {
      int lastIn = coalitions.contains(k, last) ? 1 : 0;
      for (int j = 0; j < last; j++) {
        z[j] = (coalitions.contains(k, j) ? 1 : 0) - lastIn;
      }
      double[] v = values[k + 2];
      for (int i = 0; i < last; i++) {
        if (z[i] == 0) {
          continue;
        }
        for (int j = 0; j < last; j++) {
          normal[i][j] += z[i] * z[j];
        }
        for (int c = 0; c < columns; c++) {
          double total = prediction[c] - base[c];
          right[i][c] += z[i] * (v[c] - base[c] - lastIn * total);
        }
      }
    }
    RealMatrix solved =
        NormalEquations.solve(
            normal,
            right,
            samples + " coalitions do not tell the " + m + " features apart; ask for more samples");
    double[][] phi = new double[columns][m];
    for (int c = 0; c < columns; c++) {
      double sum = 0;
      for (int j = 0; j < last; j++) {
        phi[c][j] = solved.getEntry(j, c);
        sum += phi[c][j];
      }
      phi[c][last] = prediction[c] - base[c] - sum;
    }
    return RowExplanation.shapley(prediction, base, phi);
  }

  /**
   * The sampled coalitions, kept as bit sets: even ones are drawn (a size from the kernel's
   * distribution, then that many features uniformly), odd ones are the complement of the one
   * before.
   */
  static final class Coalitions {
    private final int m;
    private final int words;
    private final double[] sizeCumulative;
    private final SplittableRandom random;
    private long[] store = new long[0];
    private int drawn;

    Coalitions(int m, long seed) {
      this.m = m;
      this.words = (m + 63) / 64;
      this.random = new SplittableRandom(seed);
      this.sizeCumulative = new double[m];
      double total = 0;
      for (int s = 1; s < m; s++) {
        total += (m - 1.0) / (s * (double) (m - s));
        sizeCumulative[s] = total;
      }
      for (int s = 1; s < m; s++) {
        sizeCumulative[s] /= total;
      }
    }

    boolean contains(int k, int feature) {
      ensure(k);
      return (store[k * words + feature / 64] & (1L << (feature % 64))) != 0;
    }

    /** Draws coalitions in order up to k; the rows reach them in order, so each is drawn once. */
    private void ensure(int k) {
      while (drawn <= k) {
        if (store.length < (drawn + 2) * words) {
          store = java.util.Arrays.copyOf(store, Math.max((drawn + 2) * words, store.length * 2));
        }
        int at = drawn * words;
        draw(at);
        for (int w = 0; w < words; w++) {
          store[at + words + w] = ~store[at + w];
        }
        int tail = m % 64;
        if (tail != 0) {
          store[at + 2 * words - 1] &= (1L << tail) - 1;
        }
        drawn += 2;
      }
    }

    private void draw(int at) {
      double u = random.nextDouble();
      int size = 1;
      while (size < m - 1 && sizeCumulative[size] < u) {
        size++;
      }
      int[] order = new int[m];
      for (int i = 0; i < m; i++) {
        order[i] = i;
      }
      for (int i = 0; i < size; i++) {
        int pick = i + random.nextInt(m - i);
        int swap = order[i];
        order[i] = order[pick];
        order[pick] = swap;
        store[at + order[i] / 64] |= 1L << (order[i] % 64);
      }
    }
  }
}

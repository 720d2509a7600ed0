package io.modelkeeper.trainer.support;

import io.modelkeeper.trainer.support.Captured.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Labelled rows of problems whose answer the tests know. */
public final class Synthetic {

  private Synthetic() {}

  /** Gaussian features, labels drawn from a logistic model with these weights. */
  public static List<Row> logistic(double[] weights, double intercept, int n, long seed) {
    Random random = new Random(seed);
    List<Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      float[] x = new float[weights.length];
      double logit = intercept;
      for (int f = 0; f < x.length; f++) {
        x[f] = (float) random.nextGaussian();
        logit += weights[f] * x[f];
      }
      int label = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
      rows.add(new Row("p" + seed + "-" + i, x, label));
    }
    return rows;
  }

  /** Four clusters at (±1, ±1); label 1 where the signs agree: no straight line separates them. */
  public static List<Row> xor(int n, long seed) {
    Random random = new Random(seed);
    List<Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int sx = random.nextBoolean() ? 1 : -1;
      int sy = random.nextBoolean() ? 1 : -1;
      float[] x = {
        (float) (sx + 0.25 * random.nextGaussian()), (float) (sy + 0.25 * random.nextGaussian())
      };
      rows.add(new Row("x" + seed + "-" + i, x, sx == sy ? 1 : 0));
    }
    return rows;
  }

  /** Three classes, each a Gaussian blob in four dimensions. */
  public static List<Row> blobs(int n, long seed) {
    Random random = new Random(seed);
    double[][] centres = {{2, 0, 0, 1}, {0, 2, 0, -1}, {0, 0, 2, 0}};
    List<Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int label = random.nextInt(3);
      float[] x = new float[4];
      for (int f = 0; f < 4; f++) {
        x[f] = (float) (centres[label][f] + random.nextGaussian());
      }
      rows.add(new Row("b" + seed + "-" + i, x, label));
    }
    return rows;
  }

  /** y = w·x + b + noise, in units far from 1 so the scaling matters. */
  public static List<Row> linear(
      double[] weights, double intercept, double noise, int n, long seed) {
    Random random = new Random(seed);
    List<Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      float[] x = new float[weights.length];
      double y = intercept;
      for (int f = 0; f < x.length; f++) {
        x[f] = (float) (10 * f + (f + 1) * random.nextGaussian());
        y += weights[f] * x[f];
      }
      y += noise * random.nextGaussian();
      rows.add(new Row("r" + seed + "-" + i, x, y));
    }
    return rows;
  }
}

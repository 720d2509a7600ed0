package io.modelkeeper.server.quality;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sliding window over the last N labelled predictions of a regressor: MAE, RMSE and R². R² is NaN
 * when every label in the window is the same, since there is no variance to explain.
 */
public final class RegressionWindow implements QualityWindow {
  private final int capacity;
  private final double[] predicted;
  private final double[] actual;
  private int next;
  private int size;
  private long recorded;
  private QualityReport cached;
  private long cachedAt = -1;

  public RegressionWindow(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("quality window must hold at least 1 prediction");
    }
    this.capacity = capacity;
    this.predicted = new double[capacity];
    this.actual = new double[capacity];
  }

  public synchronized void record(double predictedValue, double actualValue) {
    predicted[next] = predictedValue;
    actual[next] = actualValue;
    next = (next + 1) % capacity;
    size = Math.min(size + 1, capacity);
    recorded++;
  }

  @Override
  public QualityReport report() {
    double[] p;
    double[] y;
    long version;
    synchronized (this) {
      if (cachedAt == recorded) {
        return cached;
      }
      version = recorded;
      p = java.util.Arrays.copyOf(predicted, size);
      y = java.util.Arrays.copyOf(actual, size);
    }
    QualityReport report = compute(capacity, p, y);
    synchronized (this) {
      if (version > cachedAt) {
        cached = report;
        cachedAt = version;
      }
    }
    return report;
  }

  /**
   * The sums are recomputed from the window rather than slid by add-and-subtract, which would let
   * floating-point error build up over a long-running server.
   */
  public static QualityReport compute(int capacity, double[] predicted, double[] actual) {
    int n = actual.length;
    double absolute = 0;
    double squared = 0;
    double mean = 0;
    for (int i = 0; i < n; i++) {
      double error = predicted[i] - actual[i];
      absolute += Math.abs(error);
      squared += error * error;
      mean += actual[i];
    }
    mean /= n;
    double total = 0;
    for (int i = 0; i < n; i++) {
      total += (actual[i] - mean) * (actual[i] - mean);
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("mae", n == 0 ? Double.NaN : absolute / n);
    metrics.put("rmse", n == 0 ? Double.NaN : Math.sqrt(squared / n));
    metrics.put("r2", n == 0 || total == 0 ? Double.NaN : 1 - squared / total);
    return new QualityReport(Task.REGRESSION, capacity, n, metrics, List.of(), new long[0][]);
  }

  @Override
  public synchronized int size() {
    return size;
  }

  @Override
  public synchronized long labelledTotal() {
    return recorded;
  }
}

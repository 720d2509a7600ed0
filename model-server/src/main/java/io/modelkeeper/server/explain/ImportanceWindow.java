package io.modelkeeper.server.explain;

import java.util.Arrays;

/**
 * Mean |attribution| per feature over the last {@code capacity} explained live rows: a ring of rows
 * and running sums, updated under a short lock.
 */
public final class ImportanceWindow {
  private final int features;
  private final int capacity;
  private final float[] ring;
  private final double[] sums;
  private int next;
  private int size;

  public ImportanceWindow(int features, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("the importance window must hold at least 1 row");
    }
    this.features = features;
    this.capacity = capacity;
    this.ring = new float[features * capacity];
    this.sums = new double[features];
  }

  /** Adds one explained row: its |attribution| per feature. */
  public synchronized void add(double[] magnitudes) {
    int at = next * features;
    for (int j = 0; j < features; j++) {
      if (size == capacity) {
        sums[j] -= ring[at + j];
      }
      ring[at + j] = (float) magnitudes[j];
      sums[j] += ring[at + j];
    }
    next = (next + 1) % capacity;
    size = Math.min(size + 1, capacity);
  }

  /** The mean per feature; NaN while the window is empty. */
  public synchronized double[] means() {
    double[] means = new double[features];
    if (size == 0) {
      Arrays.fill(means, Double.NaN);
      return means;
    }
    for (int j = 0; j < features; j++) {
      means[j] = Math.max(0, sums[j] / size);
    }
    return means;
  }

  public synchronized int size() {
    return size;
  }

  public int capacity() {
    return capacity;
  }
}

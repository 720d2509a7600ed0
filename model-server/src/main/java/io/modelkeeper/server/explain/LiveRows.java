package io.modelkeeper.server.explain;

/**
 * The most recent input rows of live traffic (the first row of each request), kept as a background
 * for when the model has no drift reference: a ring, copied into under a short lock.
 */
public final class LiveRows {
  private final double[][] ring;
  private int next;
  private int size;

  public LiveRows(int capacity, int features) {
    this.ring = new double[Math.max(1, capacity)][features];
  }

  public synchronized void add(double[] row) {
    System.arraycopy(row, 0, ring[next], 0, row.length);
    next = (next + 1) % ring.length;
    size = Math.min(size + 1, ring.length);
  }

  /** A copy of the rows held, oldest first; empty before the first request. */
  public synchronized double[][] rows() {
    double[][] rows = new double[size][];
    int start = size < ring.length ? 0 : next;
    for (int i = 0; i < size; i++) {
      rows[i] = ring[(start + i) % ring.length].clone();
    }
    return rows;
  }
}

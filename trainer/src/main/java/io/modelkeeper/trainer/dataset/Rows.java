package io.modelkeeper.trainer.dataset;

import java.util.Arrays;

/** Feature rows of one width and their labels, in memory: row-major floats and doubles. */
public final class Rows {
  private final int width;
  private float[] features;
  private double[] labels;
  private int size;

  public Rows(int width) {
    this.width = width;
    this.features = new float[Math.max(1, width) * 64];
    this.labels = new double[64];
  }

  public void add(float[] row, double label) {
    if (size == labels.length) {
      labels = Arrays.copyOf(labels, size * 2);
      features = Arrays.copyOf(features, Math.max(1, width) * size * 2);
    }
    System.arraycopy(row, 0, features, size * width, width);
    labels[size++] = label;
  }

  public int width() {
    return width;
  }

  public int size() {
    return size;
  }

  public float feature(int row, int column) {
    return features[row * width + column];
  }

  public double label(int row) {
    return labels[row];
  }

  /** Rows {@code [from, to)} as one row-major block, for a model's input tensor. */
  public float[] block(int from, int to) {
    return Arrays.copyOfRange(features, from * width, to * width);
  }

  public double[] labels() {
    return Arrays.copyOf(labels, size);
  }
}

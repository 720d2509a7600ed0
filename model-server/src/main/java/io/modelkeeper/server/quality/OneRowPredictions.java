package io.modelkeeper.server.quality;

import java.util.Arrays;

/**
 * One-row predictions without kept inputs (the common request), stored as primitives in arrays
 * indexed by the prediction store's slots. A stored {@link StoredPrediction} is three objects that
 * live minutes, which the collector copies and promotes; here it is a few array elements, and an
 * object is made again only when a label arrives. The number of probabilities per row is fixed by
 * the first prediction stored (at most {@value #MAX_WIDTH}, so that the arrays stay small);
 * predictions of another shape are not kept here. Not thread-safe: the store locks.
 */
final class OneRowPredictions {
  private static final byte CLASS = 1;
  private static final byte VALUE = 2;
  private static final byte PROBABILITIES = 4;
  static final int MAX_WIDTH = 8;

  private int width = -1;
  private byte[] parts = new byte[0];
  private int[] classes = new int[0];
  private double[] values = new double[0];
  private float[] probabilities = new float[0];

  /** Whether the prediction can be kept here. */
  boolean fits(StoredPrediction prediction) {
    if (prediction.rows() != 1 || prediction.features() != null) {
      return false;
    }
    int given = prediction.probabilities() == null ? 0 : prediction.probabilities().length;
    return width < 0 ? given <= MAX_WIDTH : given == width;
  }

  /** Keeps a prediction that {@link #fits} in {@code slot}. */
  void put(int slot, StoredPrediction prediction) {
    if (width < 0) {
      width = prediction.probabilities() == null ? 0 : prediction.probabilities().length;
      probabilities = new float[parts.length * width];
    }
    byte kept = 0;
    if (prediction.classes() != null) {
      classes[slot] = prediction.classes()[0];
      kept |= CLASS;
    }
    if (prediction.values() != null) {
      values[slot] = prediction.values()[0];
      kept |= VALUE;
    }
    if (prediction.probabilities() != null) {
      System.arraycopy(prediction.probabilities(), 0, probabilities, slot * width, width);
      kept |= PROBABILITIES;
    }
    parts[slot] = kept;
  }

  /** The prediction kept in {@code slot}, as an object again. */
  StoredPrediction get(int slot) {
    byte kept = parts[slot];
    return new StoredPrediction(
        1,
        (kept & CLASS) != 0 ? new int[] {classes[slot]} : null,
        (kept & VALUE) != 0 ? new double[] {values[slot]} : null,
        (kept & PROBABILITIES) != 0
            ? Arrays.copyOfRange(probabilities, slot * width, (slot + 1) * width)
            : null,
        null);
  }

  void grow(int slots) {
    parts = Arrays.copyOf(parts, slots);
    classes = Arrays.copyOf(classes, slots);
    values = Arrays.copyOf(values, slots);
    probabilities = Arrays.copyOf(probabilities, slots * Math.max(width, 0));
  }

  /** Estimated heap bytes of the arrays. */
  long estimatedBytes() {
    return parts.length * (1L + 4 + 8) + probabilities.length * 4L;
  }
}

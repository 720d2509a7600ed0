package io.modelkeeper.server.quality;

/**
 * What the server remembers of one inference request until its label arrives.
 *
 * @param rows how many rows (batch entries) the request held
 * @param classes predicted class per row (classification), else null
 * @param values predicted value per row (regression), else null
 * @param probabilities row-major {@code rows x classes} class probabilities, or null
 * @param features row-major {@code rows x features} input values, kept only for dataset capture,
 *     else null
 */
public record StoredPrediction(
    int rows, int[] classes, double[] values, float[] probabilities, float[] features) {

  private static final long OBJECT = 16;
  private static final long ARRAY = 16;
  private static final long REFERENCE = 8;

  /**
   * Estimated heap bytes of this prediction: object and array headers plus payload, the usual
   * 64-bit JVM layout; it is an estimate for the memory gauge, not a measurement.
   */
  public long estimatedBytes() {
    long bytes = OBJECT + 4 + 4 * REFERENCE;
    bytes += classes == null ? 0 : ARRAY + 4L * classes.length;
    bytes += values == null ? 0 : ARRAY + 8L * values.length;
    bytes += probabilities == null ? 0 : ARRAY + 4L * probabilities.length;
    bytes += features == null ? 0 : ARRAY + 4L * features.length;
    return bytes;
  }

  /** The class probabilities of one row, or null when the model gave none. */
  public float[] rowProbabilities(int row) {
    if (probabilities == null) {
      return null;
    }
    int width = probabilities.length / rows;
    float[] result = new float[width];
    System.arraycopy(probabilities, row * width, result, 0, width);
    return result;
  }

  /** The input values of one row, or null when inputs were not kept. */
  public float[] rowFeatures(int row) {
    if (features == null) {
      return null;
    }
    int width = features.length / rows;
    float[] result = new float[width];
    System.arraycopy(features, row * width, result, 0, width);
    return result;
  }
}

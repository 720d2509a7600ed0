package io.modelkeeper.server.drift;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Arrays;

/**
 * Reference statistics of one input feature (or of the prediction): histogram bins for PSI and a
 * sample of values for the Kolmogorov-Smirnov test.
 *
 * @param name feature name used in metric labels
 * @param input model input tensor the feature is read from; null means the model's only input
 * @param column position of the feature within one row of that input (row-major, flattened)
 * @param edges inner bin edges, strictly increasing; bin i is {@code [edges[i-1], edges[i])}, the
 *     first bin is open below and the last open above
 * @param proportions share of reference values per bin, {@code edges.length + 1} values
 * @param sample reference values (a random sample or evenly spaced quantiles); may be empty, then
 *     no KS figure is computed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FeatureReference(
    String name,
    String input,
    Integer column,
    double[] edges,
    double[] proportions,
    double[] sample) {

  /** How many bins a captured reference uses. */
  public static final int CAPTURED_BINS = 10;

  /** The bin a value falls in: the number of edges at or below it. */
  public int bin(double value) {
    int low = 0;
    int high = edges.length;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (edges[mid] <= value) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }

  /**
   * Builds a reference from observed values: edges at the deciles (repeated deciles merged, so a
   * feature with few distinct values gets fewer bins), proportions counted, the values kept as the
   * KS sample.
   */
  public static FeatureReference fromValues(
      String name, String input, Integer column, double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double[] edges =
        java.util.stream.IntStream.range(1, CAPTURED_BINS)
            .mapToDouble(i -> sorted[(int) ((long) i * sorted.length / CAPTURED_BINS)])
            .distinct()
            .toArray();
    FeatureReference shape = new FeatureReference(name, input, column, edges, null, null);
    double[] proportions = shape.proportionsOf(sorted, sorted.length);
    return new FeatureReference(name, input, column, edges, proportions, sorted);
  }

  /** Share of {@code values[0..n)} in each bin; NaN values are not counted. */
  public double[] proportionsOf(double[] values, int n) {
    double[] counts = new double[edges.length + 1];
    int counted = 0;
    for (int i = 0; i < n; i++) {
      if (!Double.isNaN(values[i])) {
        counts[bin(values[i])]++;
        counted++;
      }
    }
    for (int i = 0; i < counts.length; i++) {
      counts[i] = counted == 0 ? Double.NaN : counts[i] / counted;
    }
    return counts;
  }

  /** Checks the shape; the message names the field, prefixed by {@code where}. */
  void validate(String where) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(where + ".name is required");
    }
    if (column != null && column < 0) {
      throw new IllegalArgumentException(where + ".column must be 0 or more, got " + column);
    }
    if (edges == null || proportions == null) {
      throw new IllegalArgumentException(
          where
              + ": edges and proportions are required (e.g. \"edges\": [0.5], "
              + "\"proportions\": [0.4, 0.6])");
    }
    for (int i = 0; i < edges.length; i++) {
      if (!Double.isFinite(edges[i]) || (i > 0 && edges[i] <= edges[i - 1])) {
        throw new IllegalArgumentException(
            where + ".edges must be finite and strictly increasing, see edges[" + i + "]");
      }
    }
    if (proportions.length != edges.length + 1) {
      throw new IllegalArgumentException(
          where
              + ".proportions must have edges + 1 = "
              + (edges.length + 1)
              + " values, got "
              + proportions.length);
    }
    double sum = 0;
    for (double p : proportions) {
      if (!(p >= 0)) {
        throw new IllegalArgumentException(where + ".proportions must be 0 or more");
      }
      sum += p;
    }
    if (Math.abs(sum - 1) > 1e-3) {
      throw new IllegalArgumentException(where + ".proportions must sum to 1, got " + sum);
    }
    if (sample != null) {
      for (double v : sample) {
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException(where + ".sample must hold finite numbers");
        }
      }
    }
  }
}

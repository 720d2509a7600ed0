package io.modelkeeper.operator.metricsource;

import java.util.Map;
import java.util.NavigableMap;

/**
 * A quantile from cumulative histogram buckets, interpolated inside a bucket as Prometheus does.
 */
public final class HistogramQuantile {

  private HistogramQuantile() {}

  /**
   * The {@code q}-quantile (0-1) of cumulative buckets keyed by upper bound; NaN without
   * observations. A rank in the +Inf bucket answers the highest finite bound.
   */
  public static double of(double q, NavigableMap<Double, Double> cumulative) {
    if (cumulative.isEmpty()) {
      return Double.NaN;
    }
    double total = cumulative.lastEntry().getValue();
    if (!(total > 0)) {
      return Double.NaN;
    }
    double rank = q * total;
    double lowerBound = 0;
    double lowerCount = 0;
    for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
      double upper = bucket.getKey();
      double count = bucket.getValue();
      if (count >= rank) {
        if (Double.isInfinite(upper)) {
          return lowerBound;
        }
        double inBucket = count - lowerCount;
        return inBucket <= 0
            ? upper
            : lowerBound + (upper - lowerBound) * (rank - lowerCount) / inBucket;
      }
      lowerBound = upper;
      lowerCount = count;
    }
    return lowerBound;
  }
}

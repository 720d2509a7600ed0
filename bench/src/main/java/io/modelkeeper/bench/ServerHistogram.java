package io.modelkeeper.bench;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * One histogram of a server's /metrics at one moment (cumulative counts per upper bound, summed
 * over its series); the difference of two is what happened in between, and its quantiles are
 * interpolated within buckets, as Prometheus' {@code histogram_quantile} does.
 */
final class ServerHistogram {

  private final TreeMap<Double, Double> cumulative;
  private final double sum;

  private ServerHistogram(TreeMap<Double, Double> cumulative, double sum) {
    this.cumulative = cumulative;
    this.sum = sum;
  }

  /** {@code name} without the {@code _bucket} suffix, e.g. modelkeeper_queue_duration_seconds. */
  static ServerHistogram read(ServerProcess server, String name)
      throws IOException, InterruptedException {
    TreeMap<Double, Double> buckets = new TreeMap<>();
    double sum = 0;
    for (String line : server.get("/metrics").body().split("\n")) {
      if (line.startsWith(name + "_bucket{")) {
        int le = line.indexOf("le=\"") + 4;
        String bound = line.substring(le, line.indexOf('"', le));
        double upper = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
        double count = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        buckets.merge(upper, count, Double::sum);
      } else if (line.startsWith(name + "_sum{")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return new ServerHistogram(buckets, sum);
  }

  /** What was recorded after {@code earlier}. */
  ServerHistogram minus(ServerHistogram earlier) {
    TreeMap<Double, Double> difference = new TreeMap<>();
    for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
      difference.put(
          bucket.getKey(),
          bucket.getValue() - earlier.cumulative.getOrDefault(bucket.getKey(), 0.0));
    }
    return new ServerHistogram(difference, sum - earlier.sum);
  }

  double count() {
    return cumulative.isEmpty() ? 0 : cumulative.lastEntry().getValue();
  }

  double meanMillis() {
    return 1000 * sum / count();
  }

  /**
   * The {@code q} quantile in milliseconds; infinite when it lies in the last, unbounded bucket.
   */
  double quantileMillis(double q) {
    double total = count();
    if (total == 0) {
      return Double.NaN;
    }
    double rank = q * total;
    double lower = 0;
    double below = 0;
    for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
      if (bucket.getValue() >= rank) {
        if (bucket.getKey().isInfinite()) {
          return Double.POSITIVE_INFINITY;
        }
        double inBucket = bucket.getValue() - below;
        double fraction = inBucket == 0 ? 1 : (rank - below) / inBucket;
        return 1000 * (lower + (bucket.getKey() - lower) * fraction);
      }
      lower = bucket.getKey();
      below = bucket.getValue();
    }
    return Double.POSITIVE_INFINITY;
  }
}

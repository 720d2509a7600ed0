package io.modelkeeper.operator.metricsource;

import io.modelkeeper.contract.ServerMetrics;

/** The model server's series the operator reads, by the names Prometheus gives them on /metrics. */
public final class ServerMetricNames {

  public static final String REQUESTS = ServerMetrics.counter(ServerMetrics.REQUESTS);
  public static final String OUTCOME = ServerMetrics.OUTCOME;
  public static final String SUCCESS = ServerMetrics.SUCCESS;
  public static final String DURATION_BUCKET =
      ServerMetrics.buckets(ServerMetrics.REQUEST_DURATION);
  public static final String ACCURACY = quality(ServerMetrics.ACCURACY);
  public static final String WINDOW_PREDICTIONS = ServerMetrics.gauge(ServerMetrics.QUALITY_WINDOW);
  public static final String DRIFT_SCORE = ServerMetrics.gauge(ServerMetrics.DRIFT_SCORE);
  public static final String DRIFT_PSI = ServerMetrics.gauge(ServerMetrics.DRIFT_PSI);
  public static final String FEATURE_IMPORTANCE =
      ServerMetrics.gauge(ServerMetrics.FEATURE_IMPORTANCE);
  public static final String FEATURE = ServerMetrics.FEATURE;

  private ServerMetricNames() {}

  private static String quality(String figure) {
    return ServerMetrics.gauge(ServerMetrics.quality(figure));
  }
}

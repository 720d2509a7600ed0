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
  public static final String PRECISION = quality(ServerMetrics.PRECISION);
  public static final String RECALL = quality(ServerMetrics.RECALL);
  public static final String F1 = quality(ServerMetrics.F1);
  public static final String AUC_ROC = quality(ServerMetrics.AUC_ROC);
  public static final String LOG_LOSS = quality(ServerMetrics.LOG_LOSS);
  public static final String MAE = quality(ServerMetrics.MAE);
  public static final String RMSE = quality(ServerMetrics.RMSE);
  public static final String R2 = quality(ServerMetrics.R2);
  public static final String WINDOW_PREDICTIONS = ServerMetrics.gauge(ServerMetrics.QUALITY_WINDOW);
  public static final String DRIFT_SCORE = ServerMetrics.gauge(ServerMetrics.DRIFT_SCORE);

  private ServerMetricNames() {}

  private static String quality(String figure) {
    return ServerMetrics.gauge(ServerMetrics.quality(figure));
  }
}

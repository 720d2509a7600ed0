package io.modelkeeper.contract;

import java.util.List;

/**
 * The model server's metric series that the operator, the dashboard and the alerts read: the meter
 * names the server registers, and the names Prometheus exposes them under (dots become underscores,
 * counters end in {@code _total}, timers are histograms in seconds).
 */
public final class ServerMetrics {

  /** Inference requests, a counter labelled by {@link #OUTCOME}. */
  public static final String REQUESTS = "modelkeeper.requests";

  /** Inference latency from receipt to response, a histogram. */
  public static final String REQUEST_DURATION = "modelkeeper.request.duration";

  /** Quality gauges over the window of labelled predictions: this prefix and a figure's name. */
  public static final String QUALITY = "modelkeeper.quality.";

  /** Labelled predictions in the quality window, a gauge. */
  public static final String QUALITY_WINDOW = "modelkeeper.quality.window.predictions";

  /** Overall drift (the largest PSI over features and prediction), a gauge. */
  public static final String DRIFT_SCORE = "modelkeeper.drift.score";

  /**
   * Drift of one input feature: its population stability index over the recent window against the
   * reference, a gauge labelled by {@link #FEATURE}.
   */
  public static final String DRIFT_PSI = "modelkeeper.drift.psi";

  /**
   * Live importance: mean |attribution| of one input feature over the live explanations of the
   * quality window, a gauge labelled by {@link #FEATURE}.
   */
  public static final String FEATURE_IMPORTANCE = "modelkeeper.feature.importance";

  /** Label of {@link #FEATURE_IMPORTANCE} (and of the drift gauges): the input feature's name. */
  public static final String FEATURE = "feature";

  /** Label of {@link #REQUESTS}: the request's outcome. */
  public static final String OUTCOME = "outcome";

  /** The outcome of an answered request. */
  public static final String SUCCESS = "success";

  /** Labels every series carries. */
  public static final String MODEL = "model";

  public static final String VERSION = "version";

  /** Label of every series of a server started with a revision (one model file). */
  public static final String REVISION = "revision";

  /** Quality figures of classification, by the name that follows {@link #QUALITY}. */
  public static final String ACCURACY = "accuracy";

  public static final String PRECISION = "precision";
  public static final String RECALL = "recall";
  public static final String F1 = "f1";
  public static final String AUC_ROC = "auc_roc";
  public static final String LOG_LOSS = "log_loss";

  /** Quality figures of regression. */
  public static final String MAE = "mae";

  public static final String RMSE = "rmse";
  public static final String R2 = "r2";

  public static final List<String> CLASSIFICATION_FIGURES =
      List.of(ACCURACY, PRECISION, RECALL, F1, AUC_ROC, LOG_LOSS);
  public static final List<String> REGRESSION_FIGURES = List.of(MAE, RMSE, R2);

  private ServerMetrics() {}

  /** The meter name of one quality figure, such as {@code modelkeeper.quality.f1}. */
  public static String quality(String figure) {
    return QUALITY + figure;
  }

  /**
   * How Prometheus names a gauge: {@code modelkeeper.drift.score} is {@code
   * modelkeeper_drift_score}.
   */
  public static String gauge(String meter) {
    return meter.replace('.', '_');
  }

  /** How Prometheus names a counter: {@code modelkeeper_requests_total}. */
  public static String counter(String meter) {
    return gauge(meter) + "_total";
  }

  /** The cumulative buckets of a timer: {@code modelkeeper_request_duration_seconds_bucket}. */
  public static String buckets(String timer) {
    return gauge(timer) + "_seconds_bucket";
  }
}

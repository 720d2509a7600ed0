package io.modelkeeper.operator.metrics;

/** The model server's series the operator reads, as the server exports them on /metrics. */
public final class ServerMetricNames {

    public static final String REQUESTS = "modelkeeper_requests_total";
    public static final String OUTCOME = "outcome";
    public static final String SUCCESS = "success";
    public static final String DURATION_BUCKET = "modelkeeper_request_duration_seconds_bucket";
    public static final String ACCURACY = "modelkeeper_quality_accuracy";
    public static final String PRECISION = "modelkeeper_quality_precision";
    public static final String RECALL = "modelkeeper_quality_recall";
    public static final String F1 = "modelkeeper_quality_f1";
    public static final String AUC_ROC = "modelkeeper_quality_auc_roc";
    public static final String LOG_LOSS = "modelkeeper_quality_log_loss";
    public static final String MAE = "modelkeeper_quality_mae";
    public static final String RMSE = "modelkeeper_quality_rmse";
    public static final String R2 = "modelkeeper_quality_r2";
    public static final String WINDOW_PREDICTIONS = "modelkeeper_quality_window_predictions";
    public static final String DRIFT_SCORE = "modelkeeper_drift_score";

    private ServerMetricNames() {
    }
}

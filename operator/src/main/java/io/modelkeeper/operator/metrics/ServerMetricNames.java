package io.modelkeeper.operator.metrics;

/** The model server's series the operator reads, as the server exports them on /metrics. */
public final class ServerMetricNames {

    public static final String REQUESTS = "modelkeeper_requests_total";
    public static final String OUTCOME = "outcome";
    public static final String SUCCESS = "success";
    public static final String DURATION_BUCKET = "modelkeeper_request_duration_seconds_bucket";
    public static final String ACCURACY = "modelkeeper_quality_accuracy";
    public static final String WINDOW_PREDICTIONS = "modelkeeper_quality_window_predictions";
    public static final String DRIFT_SCORE = "modelkeeper_drift_score";

    private ServerMetricNames() {
    }
}

package io.modelkeeper.operator.metricsource;

import io.modelkeeper.api.v1alpha1.MetricsStatus;
import java.time.Instant;

/** Writes an arm's figures into status, leaving out what was not measured. */
public final class ArmFigures {

  private ArmFigures() {}

  /** The interval's figures as they are. */
  public static MetricsStatus of(ArmMetrics metrics, Instant now) {
    MetricsStatus status = new MetricsStatus();
    status.setRequests(metrics.requests());
    status.setErrors(metrics.errors());
    status.setErrorRate(finite(metrics.errorRate()));
    status.setLatencyP50Seconds(finite(metrics.latencyP50Seconds()));
    status.setLatencyP99Seconds(finite(metrics.latencyP99Seconds()));
    status.setLabelled(metrics.labelled() > 0 ? metrics.labelled() : null);
    status.setAccuracy(finite(metrics.accuracy()));
    for (QualityFigure figure : QualityFigure.values()) {
      figure.writeTo(status, finite(metrics.quality().get(figure)));
    }
    status.setDrift(finite(metrics.drift()));
    status.setTopFeatures(LiveImportance.top(metrics.importance()));
    status.setDriftedFeatures(DriftedFeatures.top(metrics.featureDrift()));
    status.setObservedAt(now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    return status;
  }

  /** JSON has no NaN: an unmeasured figure is left out. */
  public static Double finite(double value) {
    return Double.isFinite(value) ? value : null;
  }
}

package io.modelkeeper.operator.rollout.analysis;

import io.modelkeeper.api.v1alpha1.MetricsStatus;
import io.modelkeeper.operator.metricsource.ArmMetrics;
import java.util.Objects;

/**
 * What is known of one arm at a check: counts since the canary started (kept in status, so a
 * restarted operator keeps them), the current step's requests, and the last interval's figures.
 *
 * @param requests requests since the canary started
 * @param errors error answers since the canary started
 * @param stepRequests requests since the current step started
 * @param interval the last interval's figures (latency, quality window, whether pods were read)
 */
public record ArmEvidence(long requests, long errors, long stepRequests, ArmMetrics interval) {

  /** Adds the interval's figures to what status held since the canary (or its step) started. */
  public static ArmEvidence accumulate(
      MetricsStatus sinceStart, Long stepRequests, ArmMetrics interval) {
    long requests =
        sinceStart == null ? 0 : Objects.requireNonNullElse(sinceStart.getRequests(), 0L);
    long errors = sinceStart == null ? 0 : Objects.requireNonNullElse(sinceStart.getErrors(), 0L);
    long step = Objects.requireNonNullElse(stepRequests, 0L);
    return new ArmEvidence(
        requests + interval.requests(),
        errors + interval.errors(),
        step + interval.requests(),
        interval);
  }

  /** Error share since the canary started, NaN without requests. */
  public double errorRate() {
    return requests == 0 ? Double.NaN : (double) errors / requests;
  }

  public long intervalRequests() {
    return interval.requests();
  }

  public double latencyP99Seconds() {
    return interval.latencyP99Seconds();
  }

  public long labelled() {
    return interval.labelled();
  }

  public double accuracy() {
    return interval.accuracy();
  }

  /** True when the last interval's figures could be read from at least one pod. */
  public boolean read() {
    return interval.measured();
  }
}

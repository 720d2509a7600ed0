package io.modelkeeper.operator.monitoring;

import io.modelkeeper.api.v1alpha1.AnalysisStatus;
import io.modelkeeper.api.v1alpha1.MetricsStatus;
import io.modelkeeper.api.v1alpha1.ModelDeploymentStatus;
import io.modelkeeper.operator.metricsource.ArmFigures;
import io.modelkeeper.operator.metricsource.ArmMetrics;
import io.modelkeeper.operator.rollout.RolloutPlan;
import io.modelkeeper.operator.validation.CheckedSpec;
import io.modelkeeper.operator.workload.ModelVersion;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

/**
 * When the serving version's figures for status.metrics are read, and what they are: every
 * spec.monitoring.interval, or, while a canary runs, the stable arm's figures of its last check.
 */
public final class ServingFigures {

  private ServingFigures() {}

  /**
   * The serving version's figures when spec.monitoring asks for them and they are due; null keeps
   * the previous ones. While a canary runs its analysis already reads the stable arm, and a second
   * read would split the pods' counter deltas between two readers.
   *
   * @param read reads what one revision's pods did over the monitoring interval
   */
  public static MetricsStatus read(
      CheckedSpec spec,
      ModelDeploymentStatus status,
      ModelVersion serving,
      RolloutPlan plan,
      Function<ModelVersion, ArmMetrics> read,
      Instant now) {
    if (spec.monitoring() == null || plan.stable() == null) {
      return null;
    }
    // A canary runs when another file starts beside the serving one; a spec that still names a
    // rolled-back file runs none, and the serving version is read as usual.
    boolean canary = serving != null && plan.incoming() != null;
    if (canary) {
      AnalysisStatus checked = plan.rollout() == null ? null : plan.rollout().checked();
      return checked == null ? null : checked.getStable();
    }
    if (!due(spec.monitoring(), status, now).isZero()) {
      return null;
    }
    ArmMetrics figures = read.apply(plan.stable());
    return figures.measured() ? ArmFigures.of(figures, now) : null;
  }

  /** Time until the serving version's figures are due again; zero when due now. */
  public static Duration due(
      CheckedSpec.Monitoring monitoring, ModelDeploymentStatus status, Instant now) {
    MetricsStatus last = status == null ? null : status.getMetrics();
    if (last == null || last.getObservedAt() == null) {
      return Duration.ZERO;
    }
    Duration wait =
        Duration.between(now, Instant.parse(last.getObservedAt()).plus(monitoring.interval()));
    return wait.isNegative() ? Duration.ZERO : wait;
  }
}

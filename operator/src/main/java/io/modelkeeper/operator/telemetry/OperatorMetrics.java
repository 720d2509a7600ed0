package io.modelkeeper.operator.telemetry;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.modelkeeper.operator.console.AnalysisHistory;
import io.modelkeeper.operator.retraining.ModelRetrainingReconciler;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The operator's own Prometheus metrics: reconciles by outcome, their duration, and the Events it
 * recorded by reason. Kept here rather than relying on the SDK's metrics, which a packaged
 * application binds too late to count anything. It is the SDK's metrics hook too: that is where the
 * SDK says a ModelDeployment was deleted, and so where its rollout series are removed.
 */
@ApplicationScoped
public class OperatorMetrics implements Metrics {

  /** Histogram buckets of reconcile duration: a few, so the series stay cheap to scrape. */
  private static final Duration[] BUCKETS =
      Stream.of(5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000)
          .map(Duration::ofMillis)
          .toArray(Duration[]::new);

  private final MeterRegistry registry;
  private final RolloutMetrics rollouts;
  private final AnalysisHistory analysisHistory;
  private final Timer duration;

  public OperatorMetrics(
      MeterRegistry registry, RolloutMetrics rollouts, AnalysisHistory analysisHistory) {
    this.registry = registry;
    this.analysisHistory = analysisHistory;
    this.rollouts = rollouts;
    this.duration =
        Timer.builder("modelkeeper.operator.reconcile.duration")
            .description("Time one reconcile of a ModelDeployment takes")
            .serviceLevelObjectives(BUCKETS)
            .register(registry);
    // Every outcome and every Event reason is a series from the start, at 0, so an alert on
    // its increase sees the first one.
    reconciles("success");
    reconciles("error");
    for (EventReason reason : EventReason.values()) {
      events(reason);
    }
  }

  /** Runs one reconcile, counting it as success or error and timing it. */
  public <T> T reconcile(Supplier<T> work) {
    Timer.Sample sample = Timer.start(registry);
    String outcome = "error";
    try {
      T result = work.get();
      outcome = "success";
      return result;
    } finally {
      sample.stop(duration);
      reconciles(outcome).increment();
    }
  }

  /**
   * Called by the SDK once a deleted ModelDeployment is gone from its cache: no reconcile follows.
   */
  @Override
  public void cleanupDone(ResourceID resource, Map<String, Object> metadata) {
    rollouts.forget(resource.getNamespace().orElse(""), resource.getName());
    // A ModelRetraining's deletion comes here too; it may share its ModelDeployment's name.
    if (!ModelRetrainingReconciler.NAME.equals(metadata.get(Constants.CONTROLLER_NAME))) {
      analysisHistory.forget(resource.getNamespace().orElse(""), resource.getName());
    }
  }

  /** Counts an Event recorded on a ModelDeployment. */
  public void event(EventReason reason) {
    events(reason).increment();
  }

  private Counter events(EventReason reason) {
    return Counter.builder("modelkeeper.operator.events")
        .description("Events recorded on ModelDeployments, by type and reason")
        .tag("type", reason.type())
        .tag("reason", reason.reason())
        .register(registry);
  }

  private Counter reconciles(String outcome) {
    return Counter.builder("modelkeeper.operator.reconciles")
        .description("Reconciles of ModelDeployments, by outcome")
        .tag("outcome", outcome)
        .register(registry);
  }
}

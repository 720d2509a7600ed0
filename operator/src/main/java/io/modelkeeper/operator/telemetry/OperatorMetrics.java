package io.modelkeeper.operator.telemetry;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.controller.ResourceEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.modelkeeper.operator.console.AnalysisHistory;
import io.modelkeeper.operator.retraining.ModelRetrainingReconciler;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The operator's own Prometheus metrics: reconciles by outcome, their duration, and the Events it
 * recorded by reason. Kept here rather than relying on the SDK's metrics, which a packaged
 * application binds too late to count anything. It is the SDK's metrics hook too: that is where the
 * SDK says a ModelDeployment was deleted, and so where its rollout series are removed, and where it
 * says why it was asked to reconcile: an event of the reconciled object itself, or one of a child
 * or a scheduled look (the SDK does not tell those two apart; children are counted by kind as they
 * arrive, see {@link #childEvent}).
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
   * Called by the SDK for every event that asks for a reconcile. Several events for one object
   * while it is reconciled make one reconcile after it.
   */
  @Override
  public void eventReceived(Event event, Map<String, Object> metadata) {
    String source =
        event instanceof ResourceEvent resourceEvent
            ? resourceEvent.getResource().map(OperatorMetrics::kind).orElse("unknown")
            : CHILD_OR_SCHEDULE;
    triggers(source).increment();
  }

  /** Counts a watched child's event that asks its owner's reconcile; always true. */
  public boolean childEvent(HasMetadata child) {
    Counter.builder("modelkeeper.operator.child.events")
        .description("Events of watched children that asked for their owner's reconcile, by kind")
        .tag("kind", kind(child))
        .register(registry)
        .increment();
    return true;
  }

  /** The trigger of events from a child or from a scheduled look, which the SDK does not name. */
  static final String CHILD_OR_SCHEDULE = "child-or-schedule";

  private static String kind(HasMetadata resource) {
    return resource.getKind() == null
        ? resource.getClass().getSimpleName().toLowerCase(Locale.ROOT)
        : resource.getKind().toLowerCase(Locale.ROOT);
  }

  private Counter triggers(String source) {
    return Counter.builder("modelkeeper.operator.reconcile.triggers")
        .description("Events that asked for a reconcile, by source")
        .tag("source", source)
        .register(registry);
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

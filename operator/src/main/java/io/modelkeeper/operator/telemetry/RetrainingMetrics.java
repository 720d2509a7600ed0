package io.modelkeeper.operator.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.modelkeeper.api.v1alpha1.ModelRetraining;
import io.modelkeeper.api.v1alpha1.RunPhase;
import io.modelkeeper.api.v1alpha1.TrialState;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The retraining loop's own Prometheus metrics: runs started by trigger and ended by result, their
 * duration, the rows they trained on, triggers held by each guard, the consecutive failures of each
 * ModelRetraining (the series the failed-runs alert watches), and the trials of tuning runs by
 * state with each ModelRetraining's best objective.
 */
@ApplicationScoped
public class RetrainingMetrics {

  static final String RUNS = "modelkeeper.retraining.runs";
  static final String STARTED = "modelkeeper.retraining.runs.started";
  static final String HELD = "modelkeeper.retraining.triggers.held";
  static final String DURATION = "modelkeeper.retraining.run.duration";
  static final String ROWS = "modelkeeper.retraining.rows";
  static final String FAILURES = "modelkeeper.retraining.consecutive.failures";
  static final String TRIALS = "modelkeeper.retraining.trials";
  static final String BEST = "modelkeeper.retraining.tuning.best.objective";

  private final MeterRegistry registry;
  private final Timer duration;
  private final DistributionSummary rows;
  private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
  private final Map<String, AtomicReference<Double>> best = new ConcurrentHashMap<>();

  public RetrainingMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.duration =
        Timer.builder(DURATION)
            .description("Time from a run's start to its training and evaluation being over")
            .serviceLevelObjectives(
                Duration.ofMinutes(1),
                Duration.ofMinutes(5),
                Duration.ofMinutes(15),
                Duration.ofHours(1),
                Duration.ofHours(4))
            .register(registry);
    this.rows =
        DistributionSummary.builder(ROWS)
            .description("Labelled rows a run trained on")
            .register(registry);
    // Every result is a series from the start, at 0, so an alert on its increase sees the first.
    for (RunPhase phase : RunPhase.values()) {
      if (phase.finished() || phase == RunPhase.RollingOut) {
        runs(phase);
      }
    }
    for (TrialState state : TrialState.values()) {
      trials(state);
    }
  }

  /** A trial of a tuning run started. */
  public void trialStarted() {
    trials(TrialState.Running).increment();
  }

  /** A trial ended: Succeeded, StoppedEarly or Failed. */
  public void trialEnded(TrialState state) {
    trials(state).increment();
  }

  /** The objective of the best trial of the ModelRetraining's last tuning run. */
  public void bestObjective(ModelRetraining retraining, double value) {
    String key = retraining.getMetadata().getNamespace() + "/" + retraining.getMetadata().getName();
    best.computeIfAbsent(
            key,
            k -> {
              AtomicReference<Double> holder = new AtomicReference<>(value);
              Gauge.builder(BEST, holder, AtomicReference::get)
                  .description(
                      "Objective of the best trial of the last tuning run of a ModelRetraining")
                  .tags(
                      Tags.of(
                          "namespace",
                          retraining.getMetadata().getNamespace(),
                          "retraining",
                          retraining.getMetadata().getName()))
                  .register(registry);
              return holder;
            })
        .set(value);
  }

  /** A run left Pending, started by {@code trigger}. */
  public void started(String trigger) {
    Counter.builder(STARTED)
        .description("Retraining runs started, by trigger")
        .tag("trigger", trigger)
        .register(registry)
        .increment();
  }

  /** A trigger a guard held back. */
  public void held(String trigger, String guard) {
    Counter.builder(HELD)
        .description("Triggers that started no run, by trigger and the guard that held them")
        .tags("trigger", trigger, "guard", guard)
        .register(registry)
        .increment();
  }

  /** A run reached {@code phase} (RollingOut: blessed; or a final phase). */
  public void reached(RunPhase phase) {
    runs(phase).increment();
  }

  /** Training and evaluation of a run are over, after {@code took}. */
  public void finished(Duration took) {
    duration.record(took);
  }

  /** A run trained on {@code count} rows. */
  public void trainedOn(long count) {
    rows.record(count);
  }

  /** The consecutive failures of a ModelRetraining now. */
  public void consecutiveFailures(ModelRetraining retraining, int count) {
    String key = retraining.getMetadata().getNamespace() + "/" + retraining.getMetadata().getName();
    failures
        .computeIfAbsent(
            key,
            k -> {
              AtomicInteger holder = new AtomicInteger();
              Gauge.builder(FAILURES, holder, AtomicInteger::get)
                  .description("Failed retraining runs in a row")
                  .tags(
                      Tags.of(
                          "namespace",
                          retraining.getMetadata().getNamespace(),
                          "retraining",
                          retraining.getMetadata().getName()))
                  .register(registry);
              return holder;
            })
        .set(count);
  }

  /** Trials by state: Running counts starts, the others ends. */
  private Counter trials(TrialState state) {
    return Counter.builder(TRIALS)
        .description("Trials of tuning runs: started (Running) and ended, by state")
        .tag("state", state.name())
        .register(registry);
  }

  private Counter runs(RunPhase phase) {
    return Counter.builder(RUNS)
        .description("Retraining runs by result: RollingOut counts blessings")
        .tag("result", phase.name())
        .register(registry);
  }
}

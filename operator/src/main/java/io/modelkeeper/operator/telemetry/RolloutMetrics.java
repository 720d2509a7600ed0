package io.modelkeeper.operator.telemetry;

import io.fabric8.kubernetes.api.model.Condition;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.modelkeeper.api.v1alpha1.AnalysisStatus;
import io.modelkeeper.api.v1alpha1.Conditions;
import io.modelkeeper.api.v1alpha1.HistoryEntry;
import io.modelkeeper.api.v1alpha1.MetricsStatus;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelDeploymentStatus;
import io.modelkeeper.api.v1alpha1.RolloutResult;
import io.modelkeeper.operator.rollout.RolloutState;
import io.modelkeeper.operator.rollout.analysis.Decision;
import io.modelkeeper.operator.status.StatusAggregator;
import io.modelkeeper.operator.workload.Arm;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The rollout series at /q/metrics, so users can graph why a rollout did what it did: every
 * analysis decision, each arm's figures at the last check, the canary's weight, rollout outcomes
 * and the Degraded condition. The Helm chart's alerts and dashboard use these names.
 *
 * <p>A ModelDeployment's series exist from its first reconcile (counters at 0, figures NaN), so
 * dashboards and alerts find them before any canary, and an alert on a counter's increase sees its
 * first count; they go when it is deleted.
 */
@ApplicationScoped
public class RolloutMetrics {

  static final String DECISIONS = "modelkeeper.analysis.decisions";
  static final String ROLLOUTS = "modelkeeper.rollouts";
  static final String CANARY_WEIGHT = "modelkeeper.canary.weight";
  static final String ARM_REQUESTS = "modelkeeper.arm.requests";
  static final String ARM_ERROR_RATE = "modelkeeper.arm.error.rate";
  static final String ARM_P50 = "modelkeeper.arm.latency.p50.seconds";
  static final String ARM_P99 = "modelkeeper.arm.latency.p99.seconds";
  static final String ARM_ACCURACY = "modelkeeper.arm.accuracy";
  static final String DEGRADED = "modelkeeper.modeldeployment.degraded";
  private static final List<String> ARM_FIGURES =
      List.of(ARM_REQUESTS, ARM_ERROR_RATE, ARM_P50, ARM_P99, ARM_ACCURACY);
  private static final Set<String> NAMES =
      Set.of(
          DECISIONS,
          ROLLOUTS,
          CANARY_WEIGHT,
          ARM_REQUESTS,
          ARM_ERROR_RATE,
          ARM_P50,
          ARM_P99,
          ARM_ACCURACY,
          DEGRADED);

  private final MeterRegistry registry;
  private final Map<String, AtomicReference<Double>> gauges = new ConcurrentHashMap<>();

  /** The reason label each ModelDeployment's degraded series carries now. */
  private final Map<String, String> degradedReasons = new ConcurrentHashMap<>();

  /** ModelDeployments whose series are registered, as namespace/name. */
  private final Set<String> known = ConcurrentHashMap.newKeySet();

  public RolloutMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * Registers a ModelDeployment's series the first time it is seen: every decision and rollout
   * result counted at 0, the canary weight at 0, each arm's figures NaN until a check sets them.
   */
  public void register(ModelDeployment md) {
    if (!known.add(key(md.getMetadata().getNamespace(), md.getMetadata().getName()))) {
      return;
    }
    Tags model = model(md);
    for (Decision decision : Decision.values()) {
      registry.counter(DECISIONS, model.and("decision", decision.name()));
    }
    for (RolloutResult result : RolloutResult.values()) {
      registry.counter(ROLLOUTS, model.and("result", result.name()));
    }
    gauge(CANARY_WEIGHT, model, 0.0);
    for (Arm arm : Arm.values()) {
      for (String name : ARM_FIGURES) {
        gauge(name, model.and("arm", arm.label()), Double.NaN);
      }
    }
  }

  /** Removes every series of a deleted ModelDeployment. */
  public void forget(String namespace, String name) {
    known.remove(key(namespace, name));
    degradedReasons.remove(key(namespace, name));
    Set<Tag> owner = Set.of(Tag.of("namespace", namespace), Tag.of("modeldeployment", name));
    for (Meter meter : registry.getMeters()) {
      Meter.Id id = meter.getId();
      if (NAMES.contains(id.getName()) && id.getTags().containsAll(owner)) {
        gauges.remove(id.getName() + Tags.of(id.getTags()));
        registry.remove(meter);
      }
    }
  }

  /** Counts this reconcile's decision and outcomes and sets the per-arm figures it rested on. */
  public void recordRollout(ModelDeployment md, RolloutState rollout) {
    if (rollout == null) {
      return;
    }
    Tags model = model(md);
    if (rollout.verdict() != null) {
      registry
          .counter(DECISIONS, model.and("decision", rollout.verdict().decision().name()))
          .increment();
    }
    for (HistoryEntry outcome : rollout.outcomes()) {
      registry.counter(ROLLOUTS, model.and("result", outcome.getResult().name())).increment();
    }
    AnalysisStatus checked = rollout.checked();
    if (checked != null) {
      arm(model.and("arm", Arm.STABLE.label()), checked.getStable());
      arm(model.and("arm", Arm.CANARY.label()), checked.getCanary());
    }
  }

  /** The canary weight and the Degraded condition as status now says. */
  public void recordStatus(ModelDeployment md, ModelDeploymentStatus status) {
    Tags model = model(md);
    Integer weight = status.getCanary() == null ? null : status.getCanary().getWeight();
    set(CANARY_WEIGHT, model, weight == null ? 0.0 : weight);
    Condition degraded = StatusAggregator.find(status, Conditions.DEGRADED);
    if (degraded == null) {
      return;
    }
    String key = key(md.getMetadata().getNamespace(), md.getMetadata().getName());
    String reason = String.valueOf(degraded.getReason());
    String before = degradedReasons.put(key, reason);
    if (before != null && !before.equals(reason)) {
      // One series per ModelDeployment: the old reason's series goes rather than staying at 1.
      String id = DEGRADED + model.and("reason", before);
      gauges.remove(id);
      registry.find(DEGRADED).tags(model.and("reason", before)).meters().forEach(registry::remove);
    }
    set(DEGRADED, model.and("reason", reason), "True".equals(degraded.getStatus()) ? 1.0 : 0.0);
  }

  private void arm(Tags tags, MetricsStatus figures) {
    if (figures == null) {
      return;
    }
    set(ARM_REQUESTS, tags, figures.getRequests() == null ? Double.NaN : figures.getRequests());
    set(ARM_ERROR_RATE, tags, orNaN(figures.getErrorRate()));
    set(ARM_P50, tags, orNaN(figures.getLatencyP50Seconds()));
    set(ARM_P99, tags, orNaN(figures.getLatencyP99Seconds()));
    set(ARM_ACCURACY, tags, orNaN(figures.getAccuracy()));
  }

  private void set(String name, Tags tags, double value) {
    holder(name, tags).set(value);
  }

  /** Registers a gauge at {@code initial} unless it exists; an existing one keeps its value. */
  private void gauge(String name, Tags tags, double initial) {
    gauges.computeIfAbsent(
        name + tags,
        id -> {
          AtomicReference<Double> holder = new AtomicReference<>(initial);
          Gauge.builder(name, holder, AtomicReference::get).tags(tags).register(registry);
          return holder;
        });
  }

  private AtomicReference<Double> holder(String name, Tags tags) {
    gauge(name, tags, Double.NaN);
    return gauges.get(name + tags);
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  private static double orNaN(Double value) {
    return value == null ? Double.NaN : value;
  }

  private static Tags model(ModelDeployment md) {
    return Tags.of(
        "namespace",
        md.getMetadata().getNamespace(),
        "modeldeployment",
        md.getMetadata().getName());
  }
}

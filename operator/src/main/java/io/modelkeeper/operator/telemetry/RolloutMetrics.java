package io.modelkeeper.operator.telemetry;

import io.fabric8.kubernetes.api.model.Condition;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.modelkeeper.api.v1alpha1.Conditions;
import io.modelkeeper.api.v1alpha1.HistoryEntry;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelDeploymentStatus;
import io.modelkeeper.api.v1alpha1.RolloutResult;
import io.modelkeeper.operator.rollout.RolloutState;
import io.modelkeeper.operator.rollout.analysis.Decision;
import io.modelkeeper.operator.status.StatusAggregator;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The rollout series at /q/metrics, so users can graph why a rollout did what it did: every
 * analysis decision, the canary's weight, rollout outcomes and the Degraded condition. The Helm
 * chart's alerts and dashboard use these names, and only these are kept per ModelDeployment: each
 * series costs memory for every ModelDeployment, and each arm's figures at the last check are in
 * the ModelDeployment's status (status.canary.analysis) already.
 *
 * <p>A ModelDeployment's series exist from its first reconcile (counters at 0, figures NaN), so
 * dashboards and alerts find them before any canary, and an alert on a counter's increase sees its
 * first count; they go when it is deleted. That is nine series per ModelDeployment.
 */
@ApplicationScoped
public class RolloutMetrics {

  static final String DECISIONS = "modelkeeper.analysis.decisions";
  static final String ROLLOUTS = "modelkeeper.rollouts";
  static final String CANARY_WEIGHT = "modelkeeper.canary.weight";
  static final String DEGRADED = "modelkeeper.modeldeployment.degraded";
  private static final Set<String> NAMES = Set.of(DECISIONS, ROLLOUTS, CANARY_WEIGHT, DEGRADED);

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
   * result counted at 0, the canary weight at 0.
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

  /** Counts this reconcile's decision and outcomes. */
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

  private static Tags model(ModelDeployment md) {
    return Tags.of(
        "namespace",
        md.getMetadata().getNamespace(),
        "modeldeployment",
        md.getMetadata().getName());
  }
}

package io.modelkeeper.operator.testing;

import io.fabric8.kubernetes.api.model.Pod;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.operator.metricsource.ArmMetrics;
import io.modelkeeper.operator.metricsource.MetricsSource;
import io.modelkeeper.operator.workload.ModelVersion;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per-version (or per-revision) figures set by a test, answered for every interval read; what was
 * not set reads as missed. Figures set for a revision win over those set for its version string.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class FakeMetricsSource implements MetricsSource {

  private final Map<String, ArmMetrics> figures = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> reads = new ConcurrentHashMap<>();

  /** What {@code version} of ModelDeployment {@code name} serves in every interval from now on. */
  public void set(String name, String version, ArmMetrics metrics) {
    figures.put(name + "/" + version, metrics);
  }

  /** Requests and errors per interval with a given p99, no quality figures. */
  public static ArmMetrics serving(long requests, long errors, double p99Seconds) {
    return new ArmMetrics(
        requests, errors, p99Seconds / 2, p99Seconds, 0, Double.NaN, Double.NaN, 1, 0);
  }

  /** What one revision of ModelDeployment {@code name} serves in every interval from now on. */
  public void set(String name, ModelVersion model, ArmMetrics metrics) {
    figures.put(name + "/" + model.revision(), metrics);
  }

  /** How many times a version's figures were read (all its revisions). */
  public int reads(String name, String version) {
    return reads.getOrDefault(name + "/" + version, new AtomicInteger()).get();
  }

  /** How many times one revision's figures were read. */
  public int reads(String name, ModelVersion model) {
    return reads.getOrDefault(name + "/" + model.revision(), new AtomicInteger()).get();
  }

  @Override
  public ArmMetrics read(
      ModelDeployment md, ModelVersion model, List<Pod> pods, Duration interval) {
    String name = md.getMetadata().getName();
    reads.computeIfAbsent(name + "/" + model.version(), k -> new AtomicInteger()).incrementAndGet();
    reads
        .computeIfAbsent(name + "/" + model.revision(), k -> new AtomicInteger())
        .incrementAndGet();
    ArmMetrics missed =
        new ArmMetrics(0, 0, Double.NaN, Double.NaN, 0, Double.NaN, Double.NaN, 0, 1);
    return figures.getOrDefault(
        name + "/" + model.revision(), figures.getOrDefault(name + "/" + model.version(), missed));
  }
}

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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
  private final Map<String, Pause> pauses = new ConcurrentHashMap<>();
  private final Map<String, Runnable> duringRead = new ConcurrentHashMap<>();

  /**
   * Runs {@code change} inside the next read of ModelDeployment {@code name}, in the reconcile's
   * own thread: the change lands after the reconcile read the object and before its status write.
   */
  public void duringNextRead(String name, Runnable change) {
    duringRead.put(name, change);
  }

  /**
   * Holds the next read of ModelDeployment {@code name} (and so the reconcile making it) until the
   * test resumes it, to put a change exactly between a reconcile's reading and its status write.
   */
  public Pause pauseNextRead(String name) {
    Pause pause = new Pause();
    pauses.put(name, pause);
    return pause;
  }

  /** A read held mid-reconcile. */
  public static final class Pause {
    private final CountDownLatch reading = new CountDownLatch(1);
    private final CountDownLatch resumed = new CountDownLatch(1);

    /** Waits until a reconcile is held in its read. */
    public void awaitReading(Duration atMost) throws InterruptedException {
      if (!reading.await(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("no reconcile read figures within " + atMost);
      }
    }

    /** Lets the held reconcile go on. */
    public void resume() {
      resumed.countDown();
    }

    private void hold() {
      reading.countDown();
      try {
        resumed.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

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
    Pause pause = pauses.remove(name);
    if (pause != null) {
      pause.hold();
    }
    Runnable change = duringRead.remove(name);
    if (change != null) {
      change.run();
    }
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

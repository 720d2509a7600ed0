package io.modelkeeper.e2e.scenarios;

import io.fabric8.kubernetes.api.model.Pod;
import io.modelkeeper.e2e.traffic.InferenceClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients of one model, sending inferences to each ready pod in turn from a background thread: with
 * the replicas router that is how the Service shares traffic between versions. Counts answers per
 * version, so a scenario can tell what stable served while a canary came and went.
 */
final class CanaryTraffic implements AutoCloseable {

  /** Answers of one version: successes, failures, and the first failure in words. */
  static final class Tally {
    final AtomicLong ok = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    volatile String firstFailure;

    @Override
    public String toString() {
      return ok.get() + " ok, " + failed.get() + " failed" + (firstFailure == null ? "" : " (first: " + firstFailure + ")");
    }
  }

  private static final float[][] ROWS = {{0.3f, -1.2f, 0.8f, 0.1f, 0.5f, -0.7f, 0.0f, 1.1f}};

  private final ClusterUnderTest cluster;
  private final String model;
  private final InferenceClient inference = new InferenceClient();
  private final Map<String, Tally> byVersion = new ConcurrentHashMap<>();
  private final Thread sender;
  private volatile boolean running = true;

  private CanaryTraffic(ClusterUnderTest cluster, String model) {
    this.cluster = cluster;
    this.model = model;
    this.sender = new Thread(this::send, "canary-traffic-" + model);
    this.sender.setDaemon(true);
  }

  static CanaryTraffic start(ClusterUnderTest cluster, String model) {
    CanaryTraffic traffic = new CanaryTraffic(cluster, model);
    traffic.sender.start();
    return traffic;
  }

  /** The answers of {@code version}'s pods so far (zero counts if none answered yet). */
  Tally of(String version) {
    return byVersion.computeIfAbsent(version, v -> new Tally());
  }

  Map<String, Tally> all() {
    return Map.copyOf(byVersion);
  }

  private void send() {
    long sent = 0;
    List<Pod> pods = List.of();
    long listedAt = 0;
    while (running) {
      if (System.currentTimeMillis() - listedAt > 500) {
        pods = readyPods();
        listedAt = System.currentTimeMillis();
      }
      if (pods.isEmpty()) {
        pause(100);
        continue;
      }
      Pod pod = pods.get((int) (sent++ % pods.size()));
      String version = pod.getMetadata().getLabels().get("modelkeeper.io/version");
      InferenceClient.Reply reply = inference.infer(cluster.podBaseUrl(pod), model, "input",
          "traffic-" + sent, ROWS);
      Tally tally = of(version);
      if (reply.ok()) {
        tally.ok.incrementAndGet();
      } else if (running) {
        tally.failed.incrementAndGet();
        if (tally.firstFailure == null) {
          tally.firstFailure = "pod " + pod.getMetadata().getName() + " HTTP " + reply.status() + ": " + reply.text();
        }
      }
      pause(10);
    }
  }

  /** Pods that are ready and not being deleted: the Service's endpoints. */
  private List<Pod> readyPods() {
    try {
      return cluster.client().pods().withLabel("modelkeeper.io/deployment", model).list().getItems().stream()
          .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
          .filter(p -> p.getStatus() != null && p.getStatus().getConditions() != null && p.getStatus().getConditions()
              .stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
          .toList();
    } catch (RuntimeException e) {
      return List.of();
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      sender.join(15_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "traffic to " + model + " by version: " + byVersion;
  }
}

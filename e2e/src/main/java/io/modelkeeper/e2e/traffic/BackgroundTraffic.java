package io.modelkeeper.e2e.traffic;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Clients of one model, sending inferences to each ready pod in turn from a background thread: with
 * the replicas router that is how the Service shares traffic between versions. Counts answers per
 * version, so a scenario can tell what stable served while a canary came and went.
 */
public final class BackgroundTraffic implements AutoCloseable {

  /** Answers of one version: successes, failures, and the first failure in words. */
  public static final class Tally {
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile String firstFailure;

    public long ok() {
      return ok.get();
    }

    public long failed() {
      return failed.get();
    }

    @Override
    public String toString() {
      return ok.get()
          + " ok, "
          + failed.get()
          + " failed"
          + (firstFailure == null ? "" : " (first: " + firstFailure + ")");
    }
  }

  /** Answers of every version together: what the clients saw, whichever pod answered. */
  public record Totals(long ok, long failed) {

    /** What was answered after {@code before}. */
    public Totals since(Totals before) {
      return new Totals(ok - before.ok, failed - before.failed);
    }

    @Override
    public String toString() {
      return (ok + failed) + " client requests, " + ok + " ok, " + failed + " failed";
    }
  }

  private static final float[][] ROWS = {{0.3f, -1.2f, 0.8f, 0.1f, 0.5f, -0.7f, 0.0f, 1.1f}};

  private final KubernetesClient client;
  private final Function<Pod, String> baseUrl;
  private final String model;
  private final InferenceClient inference = new InferenceClient();
  private final Map<String, Tally> byVersion = new ConcurrentHashMap<>();
  private final Thread sender;
  private volatile boolean running = true;

  private BackgroundTraffic(KubernetesClient client, Function<Pod, String> baseUrl, String model) {
    this.client = client;
    this.baseUrl = baseUrl;
    this.model = model;
    this.sender = new Thread(this::send, "canary-traffic-" + model);
    this.sender.setDaemon(true);
  }

  /** Starts sending to the ready pods of {@code model}, each reached at {@code baseUrl(pod)}. */
  public static BackgroundTraffic start(
      KubernetesClient client, Function<Pod, String> baseUrl, String model) {
    BackgroundTraffic traffic = new BackgroundTraffic(client, baseUrl, model);
    traffic.sender.start();
    return traffic;
  }

  /** The answers of {@code version}'s pods so far (zero counts if none answered yet). */
  public Tally of(String version) {
    return byVersion.computeIfAbsent(version, v -> new Tally());
  }

  /** The answers of all versions so far. */
  public Totals totals() {
    long ok = 0;
    long failed = 0;
    for (Tally tally : byVersion.values()) {
      ok += tally.ok();
      failed += tally.failed();
    }
    return new Totals(ok, failed);
  }

  public Map<String, Tally> all() {
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
      InferenceClient.Reply reply =
          inference.infer(baseUrl.apply(pod), model, "input", "traffic-" + sent, ROWS);
      Tally tally = of(version);
      if (reply.ok()) {
        tally.ok.incrementAndGet();
      } else if (running) {
        tally.failed.incrementAndGet();
        if (tally.firstFailure == null) {
          tally.firstFailure =
              "pod "
                  + pod.getMetadata().getName()
                  + " HTTP "
                  + reply.status()
                  + ": "
                  + reply.text();
        }
      }
      pause(10);
    }
  }

  /** Pods that are ready and not being deleted: the Service's endpoints. */
  private List<Pod> readyPods() {
    try {
      return client.pods().withLabel("modelkeeper.io/deployment", model).list().getItems().stream()
          .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
          .filter(
              p ->
                  p.getStatus() != null
                      && p.getStatus().getConditions() != null
                      && p.getStatus().getConditions().stream()
                          .anyMatch(
                              c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
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

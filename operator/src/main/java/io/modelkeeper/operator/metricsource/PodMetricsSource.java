package io.modelkeeper.operator.metricsource;

import io.fabric8.kubernetes.api.model.Pod;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.operator.workload.ModelVersion;
import io.modelkeeper.operator.workload.ServerAccess;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Scrapes each pod's /metrics at its pod IP (on the admin port, with the admin token, when {@code
 * spec.serving.access} sets them), no Prometheus needed, and turns counters into interval deltas.
 * The last scrape of each pod is the baseline of the next; it lives in memory only, so after an
 * operator restart the first scrape of a pod sets its baseline and counts nothing.
 */
@ApplicationScoped
@Typed(
    PodMetricsSource
        .class) // only through ConfiguredMetricsSource, which picks the provider per spec
public class PodMetricsSource implements MetricsSource {

  private static final Logger LOG = Logger.getLogger(PodMetricsSource.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  /** The whole scrape of one pod, body included; a pod that trickles its answer is a miss. */
  static final Duration DEADLINE = Duration.ofSeconds(5);

  /** A model server's /metrics is tens of kilobytes; anything far larger is refused unread. */
  static final long MAX_BYTES = 8L << 20;

  /** Baselines of arms not read for this long belong to revisions or models that are gone. */
  static final Duration FORGET_AFTER = Duration.ofMinutes(15);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private final ScrapeToken tokens;
  private final int port;

  /** Baselines by arm key (namespace/name/revision), then by pod uid. */
  private final Map<String, Baselines> baselines = new ConcurrentHashMap<>();

  /** The pods' last scrapes, and when the arm was last read. */
  private record Baselines(Map<String, PodSnapshot> pods, long readAtNanos) {}

  @jakarta.inject.Inject
  public PodMetricsSource(ScrapeToken tokens) {
    this(tokens, 0);
  }

  /**
   * Scrapes pods on {@code port} instead of the port the spec says; tests use their own servers.
   */
  PodMetricsSource(ScrapeToken tokens, int port) {
    this.tokens = tokens;
    this.port = port;
  }

  /** How many pods' baselines are kept: those of the pods seen at each arm's last read. */
  int podBaselines() {
    return baselines.values().stream().mapToInt(b -> b.pods().size()).sum();
  }

  @Override
  public ArmMetrics read(
      ModelDeployment md, ModelVersion model, List<Pod> pods, Duration interval) {
    String armKey =
        md.getMetadata().getNamespace() + "/" + md.getMetadata().getName() + "/" + model.revision();
    Baselines kept = baselines.get(armKey);
    Map<String, PodSnapshot> previous = kept == null ? Map.of() : kept.pods();
    Map<String, PodSnapshot> next = new HashMap<>();
    ArmAggregate aggregate = new ArmAggregate();
    // All pods at once, so one slow pod costs one timeout, not one per pod.
    Map<String, CompletableFuture<Optional<PodSnapshot>>> scrapes = new LinkedHashMap<>();
    ServerAccess access = ServerAccess.of(md);
    Optional<String> token = tokens.adminToken(md, access);
    for (Pod pod : pods) {
      String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
      if (ip != null && "Running".equals(pod.getStatus().getPhase())) {
        scrapes.put(
            uid(pod),
            scrape(
                ip, port != 0 ? port : access.metricsPort(), token, pod.getMetadata().getName()));
      }
    }
    for (var entry : scrapes.entrySet()) {
      String uid = entry.getKey();
      Optional<PodSnapshot> scraped = entry.getValue().join();
      if (scraped.isEmpty()) {
        aggregate.addMissed();
        if (previous.containsKey(uid)) {
          // Keep the old baseline: the next successful scrape covers both intervals.
          next.put(uid, previous.get(uid));
        }
        continue;
      }
      next.put(uid, scraped.get());
      PodSnapshot before = previous.get(uid);
      if (before == null) {
        aggregate.addFirstSight(scraped.get());
      } else {
        aggregate.addDelta(scraped.get().since(before));
      }
    }
    long now = System.nanoTime();
    baselines.put(armKey, new Baselines(next, now));
    // Pods that went are left out of next above; arms that went are forgotten here.
    baselines.values().removeIf(b -> now - b.readAtNanos() > FORGET_AFTER.toNanos());
    return aggregate.result();
  }

  private static String uid(Pod pod) {
    return pod.getMetadata().getUid() != null
        ? pod.getMetadata().getUid()
        : pod.getMetadata().getName();
  }

  private CompletableFuture<Optional<PodSnapshot>> scrape(
      String ip, int port, Optional<String> token, String podName) {
    String host = ip.contains(":") ? "[" + ip + "]" : ip;
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/metrics"))
            .timeout(TIMEOUT)
            .GET();
    token.ifPresent(value -> builder.header("Authorization", "Bearer " + value));
    return BoundedRead.send(http, builder.build(), MAX_BYTES, DEADLINE)
        .thenApply(
            response -> {
              if (response.statusCode() != 200) {
                LOG.debugf("scrape of pod %s answered %d", podName, response.statusCode());
                return Optional.<PodSnapshot>empty();
              }
              return Optional.of(PodSnapshot.of(PrometheusText.parse(response.body())));
            })
        .exceptionally(
            e -> {
              LOG.debugf("scrape of pod %s failed: %s", podName, e.getMessage());
              return Optional.empty();
            });
  }
}

package io.modelkeeper.operator.retraining;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.operator.metricsource.BoundedRead;
import io.modelkeeper.operator.metricsource.PrometheusText;
import io.modelkeeper.operator.metricsource.ScrapeToken;
import io.modelkeeper.operator.workload.ServerAccess;
import io.modelkeeper.operator.workload.WorkloadLabels;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * How many labelled rows the ModelDeployment's model-server pods have captured: the sum over its
 * running pods of {@code modelkeeper_capture_rows_total{result="written"}}, read from each pod's
 * /metrics like the pod metrics source does. A pod's counter starts at 0 when it starts, so the sum
 * can fall; {@link Triggers} counts a fall as all new rows.
 */
@ApplicationScoped
public class LabelledRows {

  static final String WRITTEN_ROWS = "modelkeeper_capture_rows_total";
  private static final Duration TIMEOUT = Duration.ofSeconds(3);
  private static final long MAX_BYTES = 8L << 20;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private final KubernetesClient client;
  private final ScrapeToken tokens;

  public LabelledRows(KubernetesClient client, ScrapeToken tokens) {
    this.client = client;
    this.tokens = tokens;
  }

  /** The rows captured by the pods that answered; empty when none did. */
  public OptionalLong count(ModelDeployment md) {
    ServerAccess access = ServerAccess.of(md);
    Optional<String> token = tokens.adminToken(md, access);
    List<CompletableFuture<OptionalLong>> scrapes = new ArrayList<>();
    for (Pod pod :
        client
            .pods()
            .inNamespace(md.getMetadata().getNamespace())
            .withLabels(WorkloadLabels.modelSelector(md))
            .list()
            .getItems()) {
      String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
      if (ip != null && "Running".equals(pod.getStatus().getPhase())) {
        scrapes.add(scrape(ip, access.metricsPort(), token));
      }
    }
    long total = 0;
    boolean any = false;
    for (CompletableFuture<OptionalLong> scrape : scrapes) {
      OptionalLong rows = scrape.join();
      if (rows.isPresent()) {
        total += rows.getAsLong();
        any = true;
      }
    }
    return any ? OptionalLong.of(total) : OptionalLong.empty();
  }

  private CompletableFuture<OptionalLong> scrape(String ip, int port, Optional<String> token) {
    String host = ip.contains(":") ? "[" + ip + "]" : ip;
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/metrics"))
            .timeout(TIMEOUT)
            .GET();
    token.ifPresent(value -> request.header("Authorization", "Bearer " + value));
    return BoundedRead.send(http, request.build(), MAX_BYTES, TIMEOUT.multipliedBy(2))
        .thenApply(response -> written(response.statusCode(), response.body()))
        .exceptionally(e -> OptionalLong.empty());
  }

  /** The written-rows counter of one scrape; empty when the pod does not capture. */
  static OptionalLong written(int status, String body) {
    if (status != 200) {
      return OptionalLong.empty();
    }
    return PrometheusText.parse(body).stream()
        .filter(s -> s.name().equals(WRITTEN_ROWS))
        .filter(s -> "written".equals(s.labels().get("result")))
        .mapToLong(s -> (long) s.value())
        .reduce(Long::sum);
  }
}

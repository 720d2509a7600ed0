package io.modelkeeper.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.modelkeeper.e2e.RequiredTools;
import io.modelkeeper.e2e.cluster.LocalPrometheus;
import io.modelkeeper.e2e.metrics.PrometheusApi;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local Prometheus with the pod targets the node writes: the relabelings mirrored from the
 * chart's PodMonitor keep the model-server pods' {@code http} port only, label their series as a
 * Prometheus Operator would, and a pod that leaves the file leaves Prometheus (its series go
 * stale). A small HTTP server stands in for the pods' /metrics.
 */
class PodTargetsPrometheusTest {

  @TempDir Path dir;

  private HttpServer exporter;
  private LocalPrometheus prometheus;
  private PrometheusApi api;
  private PodTargets targets;
  private int port;

  @BeforeEach
  void start() throws Exception {
    RequiredTools.prometheus("the local Prometheus test");
    exporter = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    exporter.createContext(
        "/metrics",
        exchange -> {
          byte[] body =
              ("# TYPE modelkeeper_requests_total counter\n"
                      + "modelkeeper_requests_total{model=\"m\",version=\"1\",outcome=\"success\"} 7\n")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    exporter.start();
    port = exporter.getAddress().getPort();
    targets = new PodTargets(dir.resolve("pods.json"));
    targets.write(List.of());
    prometheus =
        LocalPrometheus.start(
            dir.resolve("prometheus"), targets.file(), dir.resolve("prometheus.log"), dir);
    api = new PrometheusApi(prometheus.url());
  }

  @AfterEach
  void stop() {
    if (prometheus != null) {
      prometheus.close();
    }
    if (exporter != null) {
      exporter.stop(0);
    }
  }

  @Test
  void scrapesTheModelServerPodsWithThePodMonitorsLabelsAndForgetsPodsThatLeave() {
    Pod server = pod("fraud-1-abc", "modelkeeper-model-server", "http");
    // Same address and port, but not a model-server pod, or not its http port: not scraped.
    Pod other = pod("other-1", "something-else", "http");
    Pod admin = pod("fraud-1-def", "modelkeeper-model-server", "admin");
    targets.write(List.of(server, other, admin));

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(api.query("modelkeeper_requests_total").series()).hasSize(1));
    PrometheusApi.Series series = api.query("modelkeeper_requests_total").series().get(0);
    assertThat(series.labels())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "__name__", "modelkeeper_requests_total",
                "model", "m",
                "version", "1",
                "outcome", "success",
                "namespace", "team-a",
                "pod", "fraud-1-abc",
                "container", "model-server",
                "endpoint", "http",
                "job", "modelkeeper-system/modelkeeper-model-servers",
                "instance", "127.0.0.1:" + port));
    assertThat(series.value()).isEqualTo(7.0);

    targets.write(List.of(other));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(api.query("modelkeeper_requests_total").series()).isEmpty());
  }

  private Pod pod(String name, String app, String portName) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("team-a")
        .withUid(name + "-uid")
        .addToLabels("app.kubernetes.io/name", app)
        .addToLabels("app.kubernetes.io/managed-by", "modelkeeper")
        .addToLabels("modelkeeper.io/deployment", "fraud")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("model-server")
        .withImage("ghcr.io/modelkeeper/model-server:local")
        .addNewPort()
        .withName(portName)
        .withContainerPort(port)
        .endPort()
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .withPodIP("127.0.0.1")
        .endStatus()
        .build();
  }
}

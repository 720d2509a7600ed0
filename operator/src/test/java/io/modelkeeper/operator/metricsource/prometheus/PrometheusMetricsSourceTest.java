package io.modelkeeper.operator.metricsource.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.operator.metricsource.ArmMetrics;
import io.modelkeeper.operator.metricsource.QualityFigure;
import io.modelkeeper.operator.testing.TestModels;
import io.modelkeeper.operator.workload.ModelVersion;
import io.modelkeeper.operator.workload.WorkloadLabels;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The PromQL the prometheus provider sends and how it reads the answers, against a small fake
 * Prometheus.
 */
class PrometheusMetricsSourceTest {

  private static final ModelVersion TWO =
      new ModelVersion("2", "https://models.example.com/2", null);
  private static final String REVISION = TWO.revision();

  private HttpServer server;
  private final List<String> queries = new CopyOnWriteArrayList<>();
  private volatile boolean failing;
  private final ModelDeployment md = TestModels.model("fraud", "2");

  @BeforeEach
  void startFakePrometheus() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/api/v1/query",
        exchange -> {
          String query =
              URLDecoder.decode(
                  exchange.getRequestURI().getRawQuery().substring("query=".length()),
                  StandardCharsets.UTF_8);
          queries.add(query);
          String body = failing ? "{\"status\":\"error\",\"error\":\"bad_data\"}" : answer(query);
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(failing ? 400 : 200, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private static String answer(String query) {
    String value;
    if (query.startsWith("histogram_quantile(0.99")) {
      value = "0.08";
    } else if (query.startsWith("histogram_quantile(0.5")) {
      value = "0.02";
    } else if (query.contains("outcome!=\"success\"")) {
      value = "12";
    } else if (query.startsWith("sum(increase(modelkeeper_requests_total")) {
      value = "600.4";
    } else if (query.startsWith("sum((modelkeeper_quality_accuracy{")) {
      value = "0.91";
    } else if (query.startsWith("sum((modelkeeper_quality_f1{")) {
      value = "0.83";
    } else if (query.startsWith("sum((modelkeeper_quality_rmse{")) {
      value = "0.04";
    } else if (query.startsWith("sum(modelkeeper_quality_window_predictions")) {
      value = "1000";
    } else {
      return "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}";
    }
    return "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},"
        + "\"value\":[1700000000,\""
        + value
        + "\"]}]}}";
  }

  private PrometheusMetricsSource source() {
    return new PrometheusMetricsSource(
        HttpClient.newHttpClient(), "http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  @Test
  void readsTheSameFiguresAsThePodScrapeByPromQl() {
    ArmMetrics metrics = source().read(md, TWO, List.of(), Duration.ofSeconds(30));
    assertThat(metrics.requests()).isEqualTo(600);
    assertThat(metrics.errors()).isEqualTo(12);
    assertThat(metrics.latencyP50Seconds()).isEqualTo(0.02);
    assertThat(metrics.latencyP99Seconds()).isEqualTo(0.08);
    assertThat(metrics.labelled()).isEqualTo(1000);
    assertThat(metrics.accuracy()).isEqualTo(0.91);
    assertThat(metrics.drift()).as("no drift series: not measured").isNaN();
    assertThat(metrics.quality().get(QualityFigure.F1)).isEqualTo(0.83);
    assertThat(metrics.quality().get(QualityFigure.RMSE))
        .as("pooled through squares")
        .isCloseTo(0.2, within(1e-12));
    assertThat(metrics.quality().get(QualityFigure.AUC_ROC)).as("no series: not measured").isNaN();
    String selector =
        "model=\"fraud\",version=\"2\",namespace=~\"ml|\",revision=\"" + REVISION + "\"";
    assertThat(queries)
        .contains(
            "sum((modelkeeper_quality_f1{"
                + selector
                + ",class=\"\"} > -Inf)"
                + " * modelkeeper_quality_window_predictions{"
                + selector
                + "})"
                + " / sum(modelkeeper_quality_window_predictions{"
                + selector
                + "}"
                + " and (modelkeeper_quality_f1{"
                + selector
                + ",class=\"\"} > -Inf))");
    assertThat(metrics.measured()).isTrue();
    assertThat(queries)
        .first()
        .isEqualTo("sum(increase(modelkeeper_requests_total{" + selector + "}[30s]))");
  }

  @Test
  void anUnansweredQueryIsAMissedSampleNotZeroErrors() {
    failing = true;
    ArmMetrics metrics = source().read(md, TWO, List.of(), Duration.ofSeconds(30));
    assertThat(metrics.measured()).isFalse();
    assertThat(metrics.podsMissed()).isEqualTo(1);
    assertThat(metrics.errorRate()).isNaN();
  }

  @Test
  void twoFilesUnderOneVersionReadTheirOwnSeries() {
    ModelVersion other = new ModelVersion("2", "https://models.example.com/2-retrained", null);
    Pod current =
        new PodBuilder()
            .withNewMetadata()
            .withName("fraud-2-" + other.revision() + "-x")
            .addToLabels(WorkloadLabels.REVISION, other.revision())
            .endMetadata()
            .build();
    source().read(md, other, List.of(current), Duration.ofSeconds(30));
    assertThat(queries)
        .first()
        .asString()
        .contains("version=\"2\"")
        .contains("revision=\"" + other.revision() + "\"")
        .doesNotContain(REVISION);

    queries.clear();
    Pod earlier =
        new PodBuilder().withNewMetadata().withName("fraud-2-abc-x").endMetadata().build();
    source().read(md, TWO, List.of(earlier), Duration.ofSeconds(30));
    assertThat(queries)
        .first()
        .asString()
        .as("pods from before revisions: series without the label")
        .contains("revision=\"\"");
  }
}

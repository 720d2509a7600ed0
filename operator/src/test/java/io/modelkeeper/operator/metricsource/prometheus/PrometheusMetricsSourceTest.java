package io.modelkeeper.operator.metricsource.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PromQL the prometheus provider sends and how it reads the answers, against a small fake
 * Prometheus.
 */
class PrometheusMetricsSourceTest {

  private static final ModelVersion TWO =
      new ModelVersion("2", "https://models.example.com/2", null);
  private static final String REVISION = TWO.revision();

  private HttpServer server;
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00.250Z");

  private final List<String> queries = new CopyOnWriteArrayList<>();
  private final List<String> times = new CopyOnWriteArrayList<>();
  private volatile boolean failing;

  /** The bearer token the fake requires; null: none. */
  private volatile String requiredToken;

  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final ModelDeployment md = TestModels.model("fraud", "2");

  @BeforeEach
  void startFakePrometheus() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/api/v1/query",
        exchange -> {
          String raw = exchange.getRequestURI().getRawQuery();
          String query =
              URLDecoder.decode(
                  raw.substring("query=".length(), raw.indexOf("&time=")), StandardCharsets.UTF_8);
          queries.add(query);
          times.add(raw.substring(raw.indexOf("&time=") + "&time=".length()));
          String authorization = exchange.getRequestHeaders().getFirst("Authorization");
          authorizations.add(String.valueOf(authorization));
          if (requiredToken != null && !("Bearer " + requiredToken).equals(authorization)) {
            exchange.sendResponseHeaders(401, -1);
            exchange.close();
            return;
          }
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
      value = "0.4";
    } else if (query.startsWith("sum(rate(modelkeeper_requests_total")) {
      value = "20.01";
    } else if (query.startsWith("sum(((modelkeeper_quality_accuracy{")) {
      value = "0.91";
    } else if (query.startsWith("sum(((modelkeeper_quality_f1{")) {
      value = "0.83";
    } else if (query.startsWith("sum(((modelkeeper_quality_rmse{")) {
      value = "0.04";
    } else if (query.startsWith("sum((modelkeeper_quality_window_predictions")) {
      value = "1000";
    } else if (query.startsWith("avg by (feature) ((modelkeeper_feature_importance{")) {
      return "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
          + "{\"metric\":{\"feature\":\"amount\"},\"value\":[1700000000,\"0.31\"]},"
          + "{\"metric\":{\"feature\":\"age\"},\"value\":[1700000000,\"0.07\"]},"
          + "{\"metric\":{\"feature\":\"hour\"},\"value\":[1700000000,\"NaN\"]}]}}";
    } else if (query.startsWith("max by (feature) ((modelkeeper_drift_psi{")) {
      return "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
          + "{\"metric\":{\"feature\":\"amount\"},\"value\":[1700000000,\"0.42\"]},"
          + "{\"metric\":{\"feature\":\"age\"},\"value\":[1700000000,\"+Inf\"]},"
          + "{\"metric\":{},\"value\":[1700000000,\"0.9\"]}]}}";
    } else {
      return "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}";
    }
    return "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},"
        + "\"value\":[1700000000,\""
        + value
        + "\"]}]}}";
  }

  private PrometheusMetricsSource source() {
    return source(PrometheusCredentials.NONE);
  }

  private PrometheusMetricsSource source(PrometheusCredentials credentials) {
    return new PrometheusMetricsSource(
        HttpClient.newHttpClient(),
        "http://127.0.0.1:" + server.getAddress().getPort() + "/",
        credentials,
        Clock.fixed(NOW, ZoneOffset.UTC),
        Duration.ofSeconds(60));
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
    assertThat(metrics.importance())
        .as("one figure per feature, the mean over pods; NaN is not a figure")
        .containsOnly(Map.entry("amount", 0.31), Map.entry("age", 0.07));
    String selector =
        "model=\"fraud\",version=\"2\",namespace=~\"ml|\",revision=\"" + REVISION + "\"";
    String window =
        "(modelkeeper_quality_window_predictions{"
            + selector
            + "} and timestamp(modelkeeper_quality_window_predictions{"
            + selector
            + "}) > time() - 60)";
    String f1 =
        "(modelkeeper_quality_f1{"
            + selector
            + ",class=\"\"} and timestamp(modelkeeper_quality_f1{"
            + selector
            + ",class=\"\"}) > time() - 60)";
    assertThat(queries)
        .contains(
            "sum(("
                + f1
                + " > -Inf) * "
                + window
                + ") / sum("
                + window
                + " and ("
                + f1
                + " > -Inf))");
    assertThat(metrics.measured()).isTrue();
    assertThat(queries)
        .as("a 30s interval is read as a rate over the 60s minimum range, times 30s")
        .first()
        .isEqualTo("sum(rate(modelkeeper_requests_total{" + selector + "}[60s]))");
    assertThat(times).as("every query at the operator's instant").containsOnly("1772366400.250");
  }

  @Test
  void driftPerFeatureIsTheHighestOverTheArmsFreshSeriesWithNaNLeftOut() {
    ArmMetrics metrics = source().read(md, TWO, List.of(), Duration.ofSeconds(30));

    assertThat(metrics.featureDrift())
        .as("one figure per named feature; an infinite PSI is not a figure")
        .containsOnly(Map.entry("amount", 0.42));
    String series =
        "modelkeeper_drift_psi{model=\"fraud\",version=\"2\",namespace=~\"ml|\",revision=\""
            + REVISION
            + "\"}";
    assertThat(queries)
        .contains(
            "max by (feature) (("
                + series
                + " and timestamp("
                + series
                + ") > time() - 60) > -Inf)");
  }

  @Test
  void aLongIntervalIsItsOwnRange() {
    source().read(md, TWO, List.of(), Duration.ofMinutes(5));
    assertThat(queries).first().asString().endsWith("[300s]))");
  }

  @Test
  void aUrlIsLoggedWithoutTheUserAndPasswordWrittenIntoIt() {
    assertThat(PrometheusMetricsSource.withoutUserInfo("https://ops:hunter2@prom.example:9090/x"))
        .isEqualTo("https://prom.example:9090/x");
    assertThat(PrometheusMetricsSource.withoutUserInfo("http://prom:9090"))
        .isEqualTo("http://prom:9090");
  }

  @Test
  void readsInfinitiesAsPrometheusWritesThem() {
    assertThat(PrometheusMetricsSource.number("+Inf")).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(PrometheusMetricsSource.number("-Inf")).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(PrometheusMetricsSource.number("NaN")).isNaN();
    assertThat(PrometheusMetricsSource.number("0.25")).isEqualTo(0.25);
  }

  @Test
  void sendsTheBearerTokenOfItsFileAndFollowsARotation(@TempDir Path dir) throws IOException {
    requiredToken = "token-one-5d1e";
    Path file = dir.resolve("token");
    Files.writeString(file, "token-one-5d1e\n");
    PrometheusMetricsSource source = source(PrometheusCredentials.bearerToken(file));

    assertThat(source.read(md, TWO, List.of(), Duration.ofSeconds(30)).requests()).isEqualTo(600);
    assertThat(authorizations).isNotEmpty().containsOnly("Bearer token-one-5d1e");

    requiredToken = "token-two-77aa";
    Files.writeString(file, "token-two-77aa");
    assertThat(source.read(md, TWO, List.of(), Duration.ofSeconds(30)).requests())
        .as("the rotated Secret's token, without a restart")
        .isEqualTo(600);
  }

  @Test
  void aRefusedTokenIsAMissedReadWhoseErrorDoesNotPrintIt(@TempDir Path dir) throws IOException {
    requiredToken = "the-right-one";
    Path file = dir.resolve("token");
    Files.writeString(file, "a-wrong-token-3c9b");
    PrometheusMetricsSource source = source(PrometheusCredentials.bearerToken(file));

    assertThat(source.read(md, TWO, List.of(), Duration.ofSeconds(30)).measured()).isFalse();
    assertThatThrownBy(() -> source.query("up", NOW))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("401")
        .hasMessageNotContaining("a-wrong-token-3c9b");
  }

  @Test
  void aMissingTokenFileIsNamedNotGuessed(@TempDir Path dir) {
    Path missing = dir.resolve("no-such-token");
    PrometheusMetricsSource source = source(PrometheusCredentials.bearerToken(missing));
    assertThat(source.read(md, TWO, List.of(), Duration.ofSeconds(30)).measured()).isFalse();
    assertThatThrownBy(() -> source.query("up", NOW))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("does not exist");
    assertThat(queries).as("nothing sent without its credentials").isEmpty();
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

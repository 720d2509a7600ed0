package io.modelkeeper.operator.metricsource.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.operator.metricsource.ArmMetrics;
import io.modelkeeper.operator.metricsource.BoundedRead;
import io.modelkeeper.operator.metricsource.MetricsSource;
import io.modelkeeper.operator.metricsource.PodMetricsSource;
import io.modelkeeper.operator.metricsource.QualityFigure;
import io.modelkeeper.operator.metricsource.ServerMetricNames;
import io.modelkeeper.operator.metricsource.WindowQuality;
import io.modelkeeper.operator.workload.ModelVersion;
import io.modelkeeper.operator.workload.WorkloadLabels;
import io.modelkeeper.operator.workload.WorkloadNames;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Gets the same figures as {@link PodMetricsSource} from a Prometheus that scrapes the model
 * servers, by PromQL over the interval. Series are matched by their model, version and revision
 * labels (so two files under one version string stay apart), and by namespace when the scrape
 * configuration adds that label.
 */
public class PrometheusMetricsSource implements MetricsSource {

  private static final Logger LOG = Logger.getLogger(PrometheusMetricsSource.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** One query's whole exchange, body included. */
  private static final Duration DEADLINE = Duration.ofSeconds(8);

  /** An instant query for one number answers in bytes; a large answer is refused unread. */
  private static final long MAX_BYTES = 1L << 20;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final String baseUrl;

  public PrometheusMetricsSource(HttpClient http, String baseUrl) {
    this.http = http;
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
  }

  @Override
  public ArmMetrics read(
      ModelDeployment md, ModelVersion model, List<Pod> pods, Duration interval) {
    String version = model.version();
    String selector =
        "model=\""
            + escape(WorkloadNames.modelName(md))
            + "\",version=\""
            + escape(version)
            + "\",namespace=~\""
            + escape(md.getMetadata().getNamespace())
            + "|\""
            + revisionMatcher(model, pods);
    String range = "[" + Math.max(1, interval.toSeconds()) + "s]";
    try {
      double requests =
          query("sum(increase(" + ServerMetricNames.REQUESTS + "{" + selector + "}" + range + "))");
      if (Double.isNaN(requests)) {
        return new ArmMetrics(0, 0, Double.NaN, Double.NaN, 0, Double.NaN, Double.NaN, 0, 1);
      }
      double errors =
          query(
              "sum(increase("
                  + ServerMetricNames.REQUESTS
                  + "{"
                  + selector
                  + ",outcome!=\"success\"}"
                  + range
                  + "))");
      String buckets =
          "sum by (le) (rate("
              + ServerMetricNames.DURATION_BUCKET
              + "{"
              + selector
              + "}"
              + range
              + "))";
      double p50 = query("histogram_quantile(0.5, " + buckets + ")");
      double p99 = query("histogram_quantile(0.99, " + buckets + ")");
      double labelled =
          query("sum(" + ServerMetricNames.WINDOW_PREDICTIONS + "{" + selector + "})");
      double drift = query("max(" + ServerMetricNames.DRIFT_SCORE + "{" + selector + "})");
      double accuracy = Double.NaN;
      WindowQuality quality = WindowQuality.NONE;
      if (labelled > 0) {
        accuracy = weightedMean(ServerMetricNames.ACCURACY, 1, selector);
        Map<QualityFigure, Double> figures = new EnumMap<>(QualityFigure.class);
        for (QualityFigure figure : QualityFigure.values()) {
          double value =
              weightedMean(figure.series(), figure.pooledThroughSquares() ? 2 : 1, selector);
          figures.put(figure, figure.pooledThroughSquares() ? Math.sqrt(value) : value);
        }
        quality = new WindowQuality(figures);
      }
      return new ArmMetrics(
          Math.round(requests),
          Math.round(Double.isNaN(errors) ? 0 : errors),
          p50,
          p99,
          Double.isNaN(labelled) ? 0 : Math.round(labelled),
          accuracy,
          drift,
          1,
          0,
          quality);
    } catch (IOException e) {
      LOG.debugf(
          "Prometheus query for %s version %s failed: %s",
          md.getMetadata().getName(), version, e.getMessage());
      return new ArmMetrics(0, 0, Double.NaN, Double.NaN, 0, Double.NaN, Double.NaN, 0, 1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ArmMetrics.NONE;
    }
  }

  /**
   * A window gauge (to a power: 2 pools RMSE through its squares) over the pods, weighted by their
   * labelled predictions as {@link WindowQuality#pooled} does. Pods whose figure is NaN (undefined)
   * are left out of both sums ({@code > -Inf} drops NaN), and so are class-labelled series.
   */
  private double weightedMean(String name, int power, String selector)
      throws IOException, InterruptedException {
    String defined =
        "(" + name + "{" + selector + ",class=\"\"} > -Inf)" + (power == 1 ? "" : "^" + power);
    String window = ServerMetricNames.WINDOW_PREDICTIONS + "{" + selector + "}";
    return query("sum(" + defined + " * " + window + ") / sum(" + window + " and " + defined + ")");
  }

  /**
   * The series of this revision. Pods made before revisions existed carry no revision label, and
   * their servers were not given one either, so for them only series without the label match.
   */
  static String revisionMatcher(ModelVersion model, List<Pod> pods) {
    boolean earlierRelease =
        !pods.isEmpty()
            && pods.stream()
                .noneMatch(
                    pod ->
                        pod.getMetadata().getLabels() != null
                            && pod.getMetadata().getLabels().containsKey(WorkloadLabels.REVISION));
    return ",revision=\"" + (earlierRelease ? "" : escape(model.revision())) + "\"";
  }

  /** The single value of an instant query; NaN when the result is empty. */
  double query(String promql) throws IOException, InterruptedException {
    URI uri =
        URI.create(
            baseUrl + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    HttpResponse<String> response;
    try {
      response =
          BoundedRead.send(
                  http,
                  HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                  MAX_BYTES,
                  DEADLINE)
              .get();
    } catch (java.util.concurrent.ExecutionException
        | java.util.concurrent.CancellationException e) {
      throw new IOException("Prometheus query did not complete: " + e.getMessage(), e);
    }
    if (response.statusCode() != 200) {
      throw new IOException("Prometheus answered " + response.statusCode() + " to " + promql);
    }
    JsonNode body = JSON.readTree(response.body());
    if (!"success".equals(body.path("status").asText())) {
      throw new IOException("Prometheus query failed: " + body.path("error").asText());
    }
    JsonNode result = body.path("data").path("result");
    if (!result.isArray() || result.isEmpty()) {
      return Double.NaN;
    }
    String value = result.get(0).path("value").path(1).asText("NaN");
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private static String escape(String text) {
    return text.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}

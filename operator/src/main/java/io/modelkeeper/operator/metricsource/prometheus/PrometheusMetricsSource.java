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
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Gets the same figures as {@link PodMetricsSource} from a Prometheus that scrapes the model
 * servers, by PromQL over the interval. Series are matched by their model, version and revision
 * labels (so two files under one version string stay apart), and by namespace when the scrape
 * configuration adds that label.
 *
 * <p>What a real Prometheus does that a pod scrape does not, and how the figures allow for it:
 *
 * <ul>
 *   <li>Every query of one read is evaluated at the same instant (the operator's clock), so the
 *       error count and the request count it is divided by describe the same window.
 *   <li>{@code rate} needs two samples in its window: an interval shorter than two scrapes would
 *       have no figure at all. Counters are read as a rate over at least {@code minRange} (a few
 *       scrape intervals), times the interval; a restarted container's counter reset is counted
 *       from zero by {@code rate}, not as a negative increase.
 *   <li>A gauge of a pod that is gone stays visible for the five minutes of Prometheus's look-back
 *       when no staleness marker was written (Prometheus restarted, a federated or remote-read
 *       source). Gauges are counted only when sampled within {@code minRange}.
 *   <li>A series that does not exist answers an empty vector, not an error: no request series at
 *       all means the version's pods are not scraped (yet), a missed read, never zero requests.
 * </ul>
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
  private final PrometheusCredentials credentials;
  private final Clock clock;
  private final Duration minRange;

  /** Why the last read failed, so a lasting failure is logged once, not at every read. */
  private final AtomicReference<String> failure = new AtomicReference<>();

  /**
   * @param minRange the shortest window a rate is taken over, and the age beyond which a gauge's
   *     last sample no longer counts: a few of Prometheus's scrape intervals
   */
  public PrometheusMetricsSource(
      HttpClient http,
      String baseUrl,
      PrometheusCredentials credentials,
      Clock clock,
      Duration minRange) {
    this.http = http;
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.credentials = credentials;
    this.clock = clock;
    this.minRange = minRange;
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
    long seconds = Math.max(1, interval.toSeconds());
    String range = "[" + Math.max(seconds, minRange.toSeconds()) + "s]";
    Instant at = clock.instant();
    try {
      double requests =
          query("sum(rate(" + ServerMetricNames.REQUESTS + "{" + selector + "}" + range + "))", at);
      if (Double.isNaN(requests)) {
        return new ArmMetrics(0, 0, Double.NaN, Double.NaN, 0, Double.NaN, Double.NaN, 0, 1);
      }
      double errors =
          query(
              "sum(rate("
                  + ServerMetricNames.REQUESTS
                  + "{"
                  + selector
                  + ",outcome!=\"success\"}"
                  + range
                  + "))",
              at);
      String buckets =
          "sum by (le) (rate("
              + ServerMetricNames.DURATION_BUCKET
              + "{"
              + selector
              + "}"
              + range
              + "))";
      double p50 = query("histogram_quantile(0.5, " + buckets + ")", at);
      double p99 = query("histogram_quantile(0.99, " + buckets + ")", at);
      double labelled =
          query(
              "sum(" + fresh(ServerMetricNames.WINDOW_PREDICTIONS + "{" + selector + "}") + ")",
              at);
      double drift =
          query("max(" + fresh(ServerMetricNames.DRIFT_SCORE + "{" + selector + "}") + ")", at);
      double accuracy = Double.NaN;
      WindowQuality quality = WindowQuality.NONE;
      if (labelled > 0) {
        accuracy = weightedMean(ServerMetricNames.ACCURACY, 1, selector, at);
        Map<QualityFigure, Double> figures = new EnumMap<>(QualityFigure.class);
        for (QualityFigure figure : QualityFigure.values()) {
          double value =
              weightedMean(figure.series(), figure.pooledThroughSquares() ? 2 : 1, selector, at);
          figures.put(figure, figure.pooledThroughSquares() ? Math.sqrt(value) : value);
        }
        quality = new WindowQuality(figures);
      }
      Map<String, Double> importance =
          byFeature("avg", ServerMetricNames.FEATURE_IMPORTANCE, selector, at);
      Map<String, Double> featureDrift =
          byFeature("max", ServerMetricNames.DRIFT_PSI, selector, at);
      if (failure.getAndSet(null) != null) {
        LOG.infof("Prometheus %s answers again", withoutUserInfo(baseUrl));
      }
      return new ArmMetrics(
          Math.round(requests * seconds),
          Math.round(Double.isNaN(errors) ? 0 : errors * seconds),
          p50,
          p99,
          Double.isNaN(labelled) ? 0 : Math.round(labelled),
          accuracy,
          drift,
          1,
          0,
          quality,
          importance,
          featureDrift);
    } catch (IOException e) {
      String reason = e.getMessage();
      if (Objects.equals(failure.getAndSet(reason), reason)) {
        LOG.debugf(
            "Prometheus query for %s version %s failed: %s",
            md.getMetadata().getName(), version, reason);
      } else {
        LOG.warnf(
            "Prometheus %s cannot be read (%s version %s): %s; its reads count as missed until it"
                + " answers",
            withoutUserInfo(baseUrl), md.getMetadata().getName(), version, reason);
      }
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
  private double weightedMean(String name, int power, String selector, Instant at)
      throws IOException, InterruptedException {
    String defined =
        "("
            + fresh(name + "{" + selector + ",class=\"\"}")
            + " > -Inf)"
            + (power == 1 ? "" : "^" + power);
    String window = fresh(ServerMetricNames.WINDOW_PREDICTIONS + "{" + selector + "}");
    return query(
        "sum(" + defined + " * " + window + ") / sum(" + window + " and " + defined + ")", at);
  }

  /**
   * One gauge per feature, aggregated over the pods that export a figure for it: {@code avg} for
   * live importance (the mean over the pods that explained rows), {@code max} for drift (the arm
   * drifted as far as its most drifted pod). A NaN gauge (before the first explanation, or before
   * the drift window has rows) is left out by {@code > -Inf}; empty when no pod exports the gauge.
   */
  private Map<String, Double> byFeature(
      String aggregation, String gauge, String selector, Instant at)
      throws IOException, InterruptedException {
    Map<String, Double> figures = new TreeMap<>();
    for (JsonNode sample :
        vector(
            aggregation
                + " by ("
                + ServerMetricNames.FEATURE
                + ") ("
                + fresh(gauge + "{" + selector + "}")
                + " > -Inf)",
            at)) {
      String feature = sample.path("metric").path(ServerMetricNames.FEATURE).asText(null);
      double value = number(sample.path("value").path(1).asText("NaN"));
      if (feature != null && Double.isFinite(value)) {
        figures.put(feature, value);
      }
    }
    return figures;
  }

  /**
   * The series of {@code gauge} sampled within {@code minRange} of the evaluation time; older ones
   * belong to pods that are gone. ({@code and} matches label sets without the metric name.)
   */
  private String fresh(String gauge) {
    return "(" + gauge + " and timestamp(" + gauge + ") > time() - " + minRange.toSeconds() + ")";
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

  /** The single value of an instant query evaluated {@code at}; NaN when the result is empty. */
  double query(String promql, Instant at) throws IOException, InterruptedException {
    JsonNode result = vector(promql, at);
    if (result.isEmpty()) {
      return Double.NaN;
    }
    return number(result.get(0).path("value").path(1).asText("NaN"));
  }

  /** The samples of an instant query evaluated {@code at}: an array, empty when none. */
  private JsonNode vector(String promql, Instant at) throws IOException, InterruptedException {
    URI uri =
        URI.create(
            baseUrl
                + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8)
                + "&time="
                + BigDecimal.valueOf(at.toEpochMilli(), 3).toPlainString());
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET();
    credentials.authorization().ifPresent(value -> request.header("Authorization", value));
    HttpResponse<String> response;
    try {
      response = BoundedRead.send(http, request.build(), MAX_BYTES, DEADLINE).get();
    } catch (java.util.concurrent.ExecutionException
        | java.util.concurrent.CancellationException e) {
      throw new IOException("Prometheus query did not complete: " + e.getMessage(), e);
    }
    if (response.statusCode() == 401 || response.statusCode() == 403) {
      throw new IOException(
          "Prometheus answered "
              + response.statusCode()
              + ": it refused the operator's credentials ("
              + credentials
              + ")");
    }
    if (response.statusCode() != 200) {
      throw new IOException("Prometheus answered " + response.statusCode() + " to " + promql);
    }
    JsonNode body = JSON.readTree(response.body());
    if (!"success".equals(body.path("status").asText())) {
      throw new IOException("Prometheus query failed: " + body.path("error").asText());
    }
    JsonNode result = body.path("data").path("result");
    return result.isArray() ? result : JSON.createArrayNode();
  }

  /** A sample value as Prometheus writes it: a decimal, NaN, +Inf or -Inf. */
  static double number(String value) {
    switch (value) {
      case "+Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      default:
        try {
          return Double.parseDouble(value);
        } catch (NumberFormatException e) {
          return Double.NaN;
        }
    }
  }

  /** The URL as it may be logged: a user and password written into it are left out. */
  static String withoutUserInfo(String url) {
    return url.replaceFirst("(?<=://)[^/@]*@", "");
  }

  private static String escape(String text) {
    return text.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}

package io.modelkeeper.e2e.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Instant queries against a Prometheus server's HTTP API ({@code /api/v1/query}). */
public final class PrometheusApi {

  /** One series of an instant vector (or the one value of a scalar, without labels). */
  public record Series(Map<String, String> labels, double value) {}

  /** An answer: the series, or the error Prometheus gave. */
  public record Answer(String expression, List<Series> series, String error) {

    public boolean failed() {
      return error != null;
    }

    /**
     * True when some series has a number: a NaN (an average over a pod without labels, a quantile
     * of no requests) is a value Prometheus answers, but no figure a panel can draw.
     */
    public boolean hasNumbers() {
      return series.stream().anyMatch(s -> !Double.isNaN(s.value()));
    }

    /** The single value, or NaN when the answer is empty. */
    public double value() {
      if (series.isEmpty()) {
        return Double.NaN;
      }
      if (series.size() > 1) {
        throw new IllegalStateException(
            "more than one series for " + expression + ": " + series.size());
      }
      return series.get(0).value();
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String url;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  public PrometheusApi(String url) {
    this.url = url;
  }

  public String url() {
    return url;
  }

  /** Evaluates {@code promql} now. */
  public Answer query(String promql) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(url + "/api/v1/query"))
                  .timeout(Duration.ofSeconds(10))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode body = JSON.readTree(response.body());
      if (!"success".equals(body.path("status").asText())) {
        return new Answer(
            promql,
            List.of(),
            body.path("errorType").asText() + ": " + body.path("error").asText());
      }
      JsonNode data = body.path("data");
      List<Series> series = new ArrayList<>();
      if (data.path("resultType").asText().equals("scalar")) {
        series.add(new Series(Map.of(), number(data.path("result").path(1).asText())));
      } else {
        for (JsonNode item : data.path("result")) {
          Map<String, String> labels = new TreeMap<>();
          item.path("metric")
              .fields()
              .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
          series.add(new Series(labels, number(item.path("value").path(1).asText())));
        }
      }
      return new Answer(promql, series, null);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot query " + url + ": " + promql, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Prometheus writes numbers as strings, with {@code +Inf}, {@code -Inf} and {@code NaN}. */
  static double number(String text) {
    return switch (text) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(text);
    };
  }
}

package io.modelkeeper.e2e.metrics;

import io.modelkeeper.operator.metricsource.PrometheusText;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Whether Prometheus holds what an exporter said: its last sample of each series, taken between two
 * readings of the exporter's /metrics, must be the value both readings gave, or lie between them
 * when the series moved in the meantime (within a scrape's tolerance).
 */
public final class SeriesAgreement {

  private SeriesAgreement() {}

  /**
   * Series whose value in Prometheus is not what the exporter said: Prometheus' last sample was
   * scraped between the two readings, so a series that did not move must have that value, and one
   * that moved a value between the two.
   */
  public static List<String> disagreements(
      Map<Map<String, String>, Double> before,
      Map<Map<String, String>, Double> scraped,
      Map<Map<String, String>, Double> after) {
    List<String> disagree = new ArrayList<>();
    scraped.forEach(
        (key, value) -> {
          Double first = before.get(key);
          Double last = after.get(key);
          boolean agrees;
          if (first == null || last == null) {
            agrees = false;
          } else if (first.isNaN() || last.isNaN()) {
            agrees = value.isNaN() || value.equals(first) || value.equals(last);
          } else {
            agrees = Math.min(first, last) <= value && value <= Math.max(first, last);
          }
          if (!agrees) {
            disagree.add(key + ": exporter " + first + " then " + last + ", Prometheus " + value);
          }
        });
    return disagree;
  }

  /**
   * The samples of an exposition whose name matches, keyed by their labels and {@code __name__};
   * {@code targetLabels} are added where a sample lacks them, as Prometheus adds its target's
   * labels to series that honor their own.
   */
  public static Map<Map<String, String>, Double> samples(
      String exposition, Pattern wanted, Map<String, String> targetLabels) {
    Map<Map<String, String>, Double> samples = new HashMap<>();
    for (PrometheusText.Sample sample : PrometheusText.parse(exposition)) {
      if (wanted.matcher(sample.name()).matches()) {
        Map<String, String> key = new TreeMap<>(sample.labels());
        key.put("__name__", sample.name());
        targetLabels.forEach(key::putIfAbsent);
        samples.put(key, sample.value());
      }
    }
    return samples;
  }
}

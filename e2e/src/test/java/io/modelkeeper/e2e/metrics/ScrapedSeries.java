package io.modelkeeper.e2e.metrics;

import io.modelkeeper.operator.metricsource.PrometheusText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The series in one or more Prometheus text expositions (a /metrics page): names and label sets.
 */
public final class ScrapedSeries {

  private final Map<String, List<Map<String, String>>> series = new LinkedHashMap<>();

  /** Adds every sample of {@code exposition}, read as the operator reads the pods it scrapes. */
  public ScrapedSeries add(String exposition) {
    for (PrometheusText.Sample sample : PrometheusText.parse(exposition)) {
      series.computeIfAbsent(sample.name(), name -> new ArrayList<>()).add(sample.labels());
    }
    return this;
  }

  public Set<String> names() {
    return new TreeSet<>(series.keySet());
  }

  /** The label sets of every sample of {@code metric}, empty when it was not scraped. */
  public List<Map<String, String>> labelSets(String metric) {
    return series.getOrDefault(metric, List.of());
  }

  /** The label names that appear on any sample of {@code metric}. */
  public Set<String> labelNames(String metric) {
    Set<String> names = new TreeSet<>();
    labelSets(metric).forEach(labels -> names.addAll(labels.keySet()));
    return names;
  }
}

package io.modelkeeper.e2e.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The series in one or more Prometheus text expositions (a /metrics page): names and label sets. */
public final class ScrapedSeries {

  private static final Pattern SAMPLE = Pattern.compile("^([A-Za-z_:][A-Za-z0-9_:]*)(\\{(.*)})?\\s+\\S+(\\s+\\S+)?$");
  private static final Pattern LABEL = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

  private final Map<String, List<Map<String, String>>> series = new LinkedHashMap<>();

  /** Adds every sample line of {@code exposition}; comment and blank lines are skipped. */
  public ScrapedSeries add(String exposition) {
    for (String line : exposition.lines().toList()) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher sample = SAMPLE.matcher(line.strip());
      if (!sample.matches()) {
        throw new IllegalArgumentException("not a sample line: " + line);
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (sample.group(3) != null) {
        for (Matcher label = LABEL.matcher(sample.group(3)); label.find(); ) {
          labels.put(label.group(1), label.group(2));
        }
      }
      series.computeIfAbsent(sample.group(1), name -> new ArrayList<>()).add(labels);
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

package io.modelkeeper.operator.retraining;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelkeeper.contract.TrainingContract;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The per-step metric lines of a training pod's log ({@code modelkeeper.metric {"step":3,
 * "name":"val_loss","value":0.41}}), reduced to the last value of each metric. Other lines, and
 * lines that do not parse, are skipped: the log is the user's program's.
 */
public final class MetricLines {

  /** Metrics kept per run: a log cannot grow the status without bound. */
  static final int MAX_METRICS = 32;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = TrainingContract.METRIC_LINE_PREFIX + " ";

  private MetricLines() {}

  /** Last value of each metric in {@code log}, in order of first appearance. */
  public static Map<String, Double> lastValues(String log) {
    Map<String, Double> values = new LinkedHashMap<>();
    if (log == null) {
      return values;
    }
    for (String line : log.split("\n")) {
      int start = line.indexOf(PREFIX);
      if (start < 0) {
        continue;
      }
      try {
        JsonNode metric = JSON.readTree(line.substring(start + PREFIX.length()));
        String name = metric.path("name").asText("");
        JsonNode value = metric.path("value");
        if (name.isEmpty() || name.length() > 64 || !value.isNumber()) {
          continue;
        }
        if (values.containsKey(name) || values.size() < MAX_METRICS) {
          values.put(name, value.asDouble());
        }
      } catch (java.io.IOException e) {
        // Not a metric line after all.
      }
    }
    return values;
  }
}

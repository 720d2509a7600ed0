package io.modelkeeper.operator.retraining;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelkeeper.contract.TrainingContract;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

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

  /**
   * The values of metric {@code name} in {@code log}, by step (the last line of a step wins); lines
   * without a whole, non-negative step are skipped.
   */
  public static SortedMap<Integer, Double> curve(String log, String name) {
    SortedMap<Integer, Double> curve = new TreeMap<>();
    forEach(
        log,
        metric -> {
          JsonNode step = metric.path("step");
          JsonNode value = metric.path("value");
          if (name.equals(metric.path("name").asText(""))
              && step.canConvertToInt()
              && step.isIntegralNumber()
              && step.asInt() >= 0
              && value.isNumber()
              && Double.isFinite(value.asDouble())) {
            curve.put(step.asInt(), value.asDouble());
          }
        });
    return curve;
  }

  /** Last value of each metric in {@code log}, in order of first appearance. */
  public static Map<String, Double> lastValues(String log) {
    Map<String, Double> values = new LinkedHashMap<>();
    forEach(
        log,
        metric -> {
          String name = metric.path("name").asText("");
          JsonNode value = metric.path("value");
          if (name.isEmpty() || name.length() > 64 || !value.isNumber()) {
            return;
          }
          if (values.containsKey(name) || values.size() < MAX_METRICS) {
            values.put(name, value.asDouble());
          }
        });
    return values;
  }

  /** Each metric line of {@code log} that parses, in order. */
  private static void forEach(String log, Consumer<JsonNode> action) {
    if (log == null) {
      return;
    }
    for (String line : log.split("\n")) {
      int start = line.indexOf(PREFIX);
      if (start < 0) {
        continue;
      }
      JsonNode metric;
      try {
        metric = JSON.readTree(line.substring(start + PREFIX.length()));
      } catch (java.io.IOException e) {
        continue; // Not a metric line after all.
      }
      action.accept(metric);
    }
  }
}

package io.modelkeeper.operator.metricsource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the Prometheus text exposition format (version 0.0.4) into samples; comments are skipped.
 */
public final class PrometheusText {

  /** One sample line: the series name, its labels and its value. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  private PrometheusText() {}

  /** All samples of a scrape; a malformed line throws IllegalArgumentException naming it. */
  public static List<Sample> parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      samples.add(parseLine(line));
    }
    return samples;
  }

  private static Sample parseLine(String line) {
    int brace = line.indexOf('{');
    int space = line.indexOf(' ');
    if (space < 0) {
      throw new IllegalArgumentException("metric line without a value: " + line);
    }
    String name;
    Map<String, String> labels = new LinkedHashMap<>();
    int rest;
    if (brace >= 0 && brace < space) {
      name = line.substring(0, brace);
      rest = parseLabels(line, brace + 1, labels) + 1;
    } else {
      name = line.substring(0, space);
      rest = space;
    }
    String[] fields = line.substring(rest).strip().split("\\s+");
    if (fields.length == 0 || fields[0].isEmpty()) {
      throw new IllegalArgumentException("metric line without a value: " + line);
    }
    return new Sample(name, labels, value(fields[0], line));
  }

  /** Parses {@code a="x",b="y"} from {@code start}; returns the index of the closing brace. */
  private static int parseLabels(String line, int start, Map<String, String> labels) {
    int i = start;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (c == '}') {
        return i;
      }
      if (c == ',' || c == ' ') {
        i++;
        continue;
      }
      int eq = line.indexOf('=', i);
      if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
        throw new IllegalArgumentException("malformed labels in: " + line);
      }
      String key = line.substring(i, eq).strip();
      StringBuilder value = new StringBuilder();
      int j = eq + 2;
      for (; j < line.length() && line.charAt(j) != '"'; j++) {
        char v = line.charAt(j);
        if (v == '\\' && j + 1 < line.length()) {
          char next = line.charAt(++j);
          value.append(next == 'n' ? '\n' : next);
        } else {
          value.append(v);
        }
      }
      if (j >= line.length()) {
        throw new IllegalArgumentException("unterminated label value in: " + line);
      }
      labels.put(key, value.toString());
      i = j + 1;
    }
    throw new IllegalArgumentException("labels not closed in: " + line);
  }

  private static double value(String text, String line) {
    switch (text) {
      case "NaN":
        return Double.NaN;
      case "+Inf":
      case "Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      default:
        try {
          return Double.parseDouble(text);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("value '" + text + "' is not a number in: " + line);
        }
    }
  }
}

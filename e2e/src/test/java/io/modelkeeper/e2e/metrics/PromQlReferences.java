package io.modelkeeper.e2e.metrics;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a PromQL expression (as written in a Grafana dashboard or an alert rule) asks of the scraped
 * series: the metric names it selects, the label values its equality matchers require, and the
 * labels it groups or matches by. Enough of PromQL for the project's own dashboards and rules, not
 * a general parser: it refuses what it does not understand rather than guess.
 */
public record PromQlReferences(
    Set<String> metrics, List<LabelValue> requiredValues, Set<String> labels) {

  /** A series of {@code metric} with {@code label="value"} that an equality matcher asks for. */
  public record LabelValue(String metric, String label, String value) {}

  private static final Pattern TEMPLATE = Pattern.compile("\\{\\{[^}]*}}");
  private static final Pattern GRAFANA_VARIABLE =
      Pattern.compile("\\$\\{?[A-Za-z_][A-Za-z0-9_]*}?");
  private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*]");
  private static final Pattern OFFSET = Pattern.compile("\\boffset\\s+-?[0-9A-Za-z]+");
  private static final Pattern SELECTOR =
      Pattern.compile("([A-Za-z_:][A-Za-z0-9_:]*)?\\s*\\{([^}]*)}");
  private static final Pattern MATCHER =
      Pattern.compile(
          "\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*(,|$)");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
  private static final Pattern NUMBER =
      Pattern.compile("(?<![A-Za-z0-9_:])\\d+(\\.\\d+)?([eE][+-]?\\d+)?");
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_:][A-Za-z0-9_:]*");
  private static final Set<String> KEYWORDS =
      Set.of("and", "or", "unless", "bool", "inf", "nan", "atan2");

  /** Grafana template queries name metrics inside these calls. */
  private static final Pattern LABEL_VALUES =
      Pattern.compile("^label_values\\((.*),\\s*([A-Za-z_][A-Za-z0-9_]*)\\)$");

  /** Reads one expression; Helm template actions ({{ ... }}) stand for numbers. */
  public static PromQlReferences of(String expression) {
    String text = TEMPLATE.matcher(expression.strip()).replaceAll("1");
    Set<String> labels = new LinkedHashSet<>();
    Matcher labelValues = LABEL_VALUES.matcher(text);
    if (labelValues.matches()) {
      labels.add(labelValues.group(2));
      text = labelValues.group(1);
    }
    text = RANGE.matcher(text).replaceAll(" ");
    text = OFFSET.matcher(text).replaceAll(" ");
    text = GRAFANA_VARIABLE.matcher(text).replaceAll("VARIABLE");

    Set<String> metrics = new LinkedHashSet<>();
    List<LabelValue> required = new ArrayList<>();
    StringBuilder rest = new StringBuilder();
    Matcher selector = SELECTOR.matcher(text);
    while (selector.find()) {
      String metric = selector.group(1);
      if (metric == null || metric.isBlank()) {
        throw new IllegalArgumentException(
            "a selector without a metric name is not supported: " + expression);
      }
      metrics.add(metric);
      for (Matcher m = MATCHER.matcher(selector.group(2)); m.find(); ) {
        labels.add(m.group(1));
        if (m.group(2).equals("=") && !m.group(3).contains("VARIABLE")) {
          required.add(new LabelValue(metric, m.group(1), m.group(3)));
        }
      }
      selector.appendReplacement(rest, " ");
    }
    selector.appendTail(rest);
    text = rest.toString();

    Matcher grouping = GROUPING.matcher(text);
    while (grouping.find()) {
      for (String label : grouping.group(2).split(",")) {
        if (!label.isBlank()) {
          labels.add(label.strip());
        }
      }
    }
    text = GROUPING.matcher(text).replaceAll(" ");
    text = NUMBER.matcher(text).replaceAll(" ");

    Matcher identifier = IDENTIFIER.matcher(text);
    while (identifier.find()) {
      String name = identifier.group();
      boolean call = text.substring(identifier.end()).stripLeading().startsWith("(");
      if (!call && !KEYWORDS.contains(name.toLowerCase(Locale.ROOT))) {
        metrics.add(name);
      }
    }
    if (text.contains("\"")) {
      throw new IllegalArgumentException(
          "a string outside a selector is not supported: " + expression);
    }
    return new PromQlReferences(metrics, required, labels);
  }
}

package io.modelkeeper.e2e.metrics;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An alert expression split into what it measures and the threshold it compares that with: {@code
 * max by (namespace) (x) > 0.2} is {@code max by (namespace) (x)}, {@code >} and {@code 0.2}. An
 * alert fires on the series its measure returns that pass the comparison, so evaluating the measure
 * alone shows whether the series the alert watches exist, on a healthy system too. Helm actions
 * ({@code {{ $r.maxDrift }}}) stand for the threshold as they are.
 */
public record AlertThreshold(String measure, String operator, String threshold) {

  /** A comparison with a number or a Helm action at the very end, outside any parentheses. */
  private static final Pattern TRAILING_COMPARISON =
      Pattern.compile(
          "^(.*?)\\s*(==|!=|>=|<=|>|<)\\s*(\\{\\{[^}]*}}|[-+]?[0-9]*\\.?[0-9]+([eE][-+]?[0-9]+)?)\\s*$",
          Pattern.DOTALL);

  /** Splits {@code expression}; one without a trailing comparison is refused. */
  public static AlertThreshold of(String expression) {
    Matcher m = TRAILING_COMPARISON.matcher(expression.strip());
    if (!m.matches() || depth(m.group(1)) != 0) {
      throw new IllegalArgumentException(
          "no threshold comparison at the end of the alert expression: " + expression);
    }
    return new AlertThreshold(m.group(1).strip(), m.group(2), m.group(3));
  }

  /** The expression with its threshold put in (Helm actions replaced by {@code value}). */
  public String withThreshold(String value) {
    String number = threshold.startsWith("{{") ? value : threshold;
    return measure + " " + operator + " " + number;
  }

  private static int depth(String text) {
    int depth = 0;
    for (char c : text.toCharArray()) {
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      }
    }
    return depth;
  }
}

package io.modelkeeper.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/** Figures from status, written for people: shares as percents, seconds as ms, 3 decimals. */
final class Figures {

  static final String NONE = "-";

  private Figures() {}

  /** 0.0123 → "1.23%". */
  static String percent(JsonNode share) {
    return number(share) ? String.format(Locale.ROOT, "%.2f%%", share.asDouble() * 100) : NONE;
  }

  /** 0.0123 (seconds) → "12.3ms". */
  static String millis(JsonNode seconds) {
    return number(seconds) ? String.format(Locale.ROOT, "%.1fms", seconds.asDouble() * 1000) : NONE;
  }

  /** 0.91234 → "0.912". */
  static String decimals(JsonNode value) {
    return number(value) ? String.format(Locale.ROOT, "%.3f", value.asDouble()) : NONE;
  }

  /** Three significant digits, for figures of any size: 0.000123 → "0.000123", 41.2345 → "41.2". */
  static String significant(JsonNode value) {
    if (!number(value)) {
      return NONE;
    }
    return new java.math.BigDecimal(value.asDouble())
        .round(new java.math.MathContext(3))
        .stripTrailingZeros()
        .toPlainString();
  }

  /** +0.0123 → "+0.012". */
  static String signed(JsonNode value) {
    return number(value) ? String.format(Locale.ROOT, "%+.3f", value.asDouble()) : NONE;
  }

  /** 12345 → "12345", absent → "-". */
  static String count(JsonNode value) {
    return value.isIntegralNumber() ? Long.toString(value.asLong()) : NONE;
  }

  static boolean number(JsonNode value) {
    return value != null && value.isNumber() && Double.isFinite(value.asDouble());
  }

  /** "2026-12-03T08:14:05Z" → "08:14:05Z" when it is today's date of {@code now}, else as is. */
  static String time(String rfc3339, String today) {
    if (rfc3339 == null || rfc3339.isEmpty()) {
      return NONE;
    }
    return today != null && rfc3339.startsWith(today + "T") ? rfc3339.substring(11) : rfc3339;
  }
}

package io.modelkeeper.api.v1alpha1;

import java.time.Duration;

/**
 * The one duration format of the API: an integer and a unit, such as 500ms, 30s, 2m, 1h or (where
 * the field allows it) 30d.
 */
public final class Durations {

  /** Schema pattern of every duration field. */
  public static final String PATTERN = "^[0-9]+(ms|s|m|h)$";

  /** Schema pattern of durations counted in hours and days too, such as a row age of 30d. */
  public static final String LONG_PATTERN = "^[0-9]+(s|m|h|d)$";

  private static final String ANY = "^[0-9]+(ms|s|m|h|d)$";

  private Durations() {}

  /**
   * Parses a duration written in the API format; throws IllegalArgumentException naming the text
   * otherwise.
   */
  public static Duration parse(String text) {
    if (text == null || !text.matches(ANY)) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration like 500ms, 30s, 2m, 1h or 30d");
    }
    if (text.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
    }
    long amount = Long.parseLong(text.substring(0, text.length() - 1));
    return switch (text.charAt(text.length() - 1)) {
      case 's' -> Duration.ofSeconds(amount);
      case 'm' -> Duration.ofMinutes(amount);
      case 'd' -> Duration.ofDays(amount);
      default -> Duration.ofHours(amount);
    };
  }
}

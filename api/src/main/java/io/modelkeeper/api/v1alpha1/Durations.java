package io.modelkeeper.api.v1alpha1;

import java.time.Duration;

/** The one duration format of the API: an integer and a unit, such as 500ms, 30s, 2m or 1h. */
public final class Durations {

  /** Schema pattern of every duration field. */
  public static final String PATTERN = "^[0-9]+(ms|s|m|h)$";

  private Durations() {}

  /**
   * Parses a duration written in the API format; throws IllegalArgumentException naming the text
   * otherwise.
   */
  public static Duration parse(String text) {
    if (text == null || !text.matches(PATTERN)) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration like 500ms, 30s, 2m or 1h");
    }
    if (text.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
    }
    long amount = Long.parseLong(text.substring(0, text.length() - 1));
    return switch (text.charAt(text.length() - 1)) {
      case 's' -> Duration.ofSeconds(amount);
      case 'm' -> Duration.ofMinutes(amount);
      default -> Duration.ofHours(amount);
    };
  }
}

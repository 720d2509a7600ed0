package io.modelkeeper.trainer;

import io.modelkeeper.contract.TrainingContract;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The environment a training or evaluation pod is given (the training-pod contract), read with
 * errors that name the variable and show an example.
 */
public final class Environment {

  /** Where the short summary goes; {@link TrainingContract#TERMINATION_LOG} unless overridden. */
  public static final String TERMINATION_LOG = TrainingContract.TERMINATION_LOG_PATH;

  private final Map<String, String> values;

  public Environment(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  /** Every variable, as given. */
  public Map<String, String> values() {
    return values;
  }

  public Optional<String> get(String name) {
    String value = values.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  public String require(String name, String example) {
    return get(name)
        .orElseThrow(() -> new TrainerException(name + " is required, e.g. " + example));
  }

  public Path requirePath(String name, String example) {
    return Path.of(require(name, example));
  }

  public Optional<Path> path(String name) {
    return get(name).map(Path::of);
  }

  public double fraction(String name, double defaultValue) {
    double value = number(name).orElse(defaultValue);
    if (!(value >= 0 && value < 1)) {
      throw new TrainerException(name + " must be at least 0 and below 1, got " + value);
    }
    return value;
  }

  public Optional<Double> number(String name) {
    return get(name)
        .map(
            text -> {
              try {
                double value = Double.parseDouble(text);
                if (!Double.isFinite(value)) {
                  throw new NumberFormatException();
                }
                return value;
              } catch (NumberFormatException e) {
                throw new TrainerException(name + " must be a number, got '" + text + "'");
              }
            });
  }

  /** An ISO-8601 duration ({@code PT720H}) or a number with a unit: {@code 30d}, {@code 12h}. */
  public Optional<Duration> duration(String name) {
    return get(name).map(text -> parseDuration(name, text));
  }

  static Duration parseDuration(String name, String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    try {
      if (lower.startsWith("p")) {
        return Duration.parse(text.toUpperCase(Locale.ROOT));
      }
      long amount = Long.parseLong(lower.substring(0, lower.length() - 1));
      return switch (lower.charAt(lower.length() - 1)) {
        case 'd' -> Duration.ofDays(amount);
        case 'h' -> Duration.ofHours(amount);
        case 'm' -> Duration.ofMinutes(amount);
        case 's' -> Duration.ofSeconds(amount);
        default -> throw new NumberFormatException();
      };
    } catch (DateTimeParseException | NumberFormatException | StringIndexOutOfBoundsException e) {
      throw new TrainerException(
          name + " must be a duration such as PT720H or 30d, got '" + text + "'");
    }
  }

  /** Every {@code MODELKEEPER_PARAM_*} value, by the name after the prefix in lower case. */
  public Map<String, String> parameters() {
    java.util.TreeMap<String, String> parameters = new java.util.TreeMap<>();
    values.forEach(
        (key, value) -> {
          if (key.startsWith(TrainingContract.PARAM_PREFIX) && value != null && !value.isBlank()) {
            parameters.put(
                key.substring(TrainingContract.PARAM_PREFIX.length()).toLowerCase(Locale.ROOT),
                value.trim());
          }
        });
    return parameters;
  }
}

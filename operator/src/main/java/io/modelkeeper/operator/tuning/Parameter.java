package io.modelkeeper.operator.tuning;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.SplittableRandom;

/**
 * One tunable parameter. Values travel as text (what goes into {@code MODELKEEPER_PARAM_<NAME>}):
 * doubles as {@link Double#toString(double)}, integers as long text, categories verbatim.
 *
 * <p>{@code min} and {@code max} are inclusive bounds; a categorical parameter has {@code min} 0
 * and {@code max} the index of its last value. Only categorical parameters have {@code values}.
 */
public record Parameter(String name, Kind kind, double min, double max, List<String> values) {

  /** The kinds of parameter a search space can hold. */
  public enum Kind {
    UNIFORM,
    LOG_UNIFORM,
    INTEGER,
    CATEGORICAL
  }

  /** Integers beyond this lose precision as doubles, which the strategies compute with. */
  static final long LARGEST_INTEGER = 1L << 53;

  public Parameter {
    Objects.requireNonNull(kind, "kind");
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a parameter needs a name");
    }
    values = values == null ? List.of() : List.copyOf(values);
    if (kind == Kind.CATEGORICAL) {
      checkCategories(name, values);
      min = 0;
      max = values.size() - 1;
    } else {
      checkBounds(name, kind, min, max);
      if (!values.isEmpty()) {
        throw new IllegalArgumentException(
            "parameter " + name + ": only a categorical parameter has values");
      }
    }
  }

  /** A real parameter drawn evenly from {@code [min, max]}. */
  public static Parameter uniform(String name, double min, double max) {
    return new Parameter(name, Kind.UNIFORM, min, max, List.of());
  }

  /** A real parameter whose logarithm is drawn evenly; {@code min > 0} (a learning rate). */
  public static Parameter logUniform(String name, double min, double max) {
    return new Parameter(name, Kind.LOG_UNIFORM, min, max, List.of());
  }

  /** A whole number in {@code [min, max]}, both inclusive. */
  public static Parameter integer(String name, long min, long max) {
    return new Parameter(name, Kind.INTEGER, min, max, List.of());
  }

  /** One of {@code values}, which are distinct. */
  public static Parameter categorical(String name, List<String> values) {
    return new Parameter(name, Kind.CATEGORICAL, 0, 0, values);
  }

  /** Whether {@code text} is a value of this parameter. */
  public boolean accepts(String text) {
    return coordinate(text).isPresent();
  }

  /**
   * The number the strategies compute with for {@code text}: the value itself for numeric kinds,
   * the index of the value for a categorical one; empty when {@code text} is not a value of this
   * parameter.
   */
  OptionalDouble coordinate(String text) {
    if (text == null) {
      return OptionalDouble.empty();
    }
    double value;
    try {
      switch (kind) {
        case CATEGORICAL -> {
          int index = values.indexOf(text);
          return index < 0 ? OptionalDouble.empty() : OptionalDouble.of(index);
        }
        case INTEGER -> value = Long.parseLong(text.trim());
        default -> value = Double.parseDouble(text.trim());
      }
    } catch (NumberFormatException e) {
      return OptionalDouble.empty();
    }
    return Double.isFinite(value) && value >= min && value <= max
        ? OptionalDouble.of(value)
        : OptionalDouble.empty();
  }

  /**
   * The text of the value at {@code coordinate} (see {@link #coordinate}), brought within bounds:
   * integers and category indexes are rounded.
   */
  String text(double coordinate) {
    double bounded = Math.max(min, Math.min(max, coordinate));
    return switch (kind) {
      case CATEGORICAL -> values.get((int) Math.round(bounded));
      case INTEGER -> Long.toString(Math.round(bounded));
      default -> Double.toString(bounded);
    };
  }

  /** A coordinate drawn from this parameter's prior: even in value, in log value, or by index. */
  double draw(SplittableRandom random) {
    return switch (kind) {
      case UNIFORM -> Math.min(max, min + random.nextDouble() * (max - min));
      case LOG_UNIFORM -> {
        double low = StrictMath.log(min);
        double at = low + random.nextDouble() * (StrictMath.log(max) - low);
        yield Math.max(min, Math.min(max, StrictMath.exp(at)));
      }
      case INTEGER -> Math.round(min) + random.nextLong(Math.round(max) - Math.round(min) + 1);
      case CATEGORICAL -> random.nextInt(values.size());
    };
  }

  private static void checkCategories(String name, List<String> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException(
          "parameter " + name + ": a categorical parameter needs at least one value");
    }
    if (new HashSet<>(values).size() != values.size()) {
      throw new IllegalArgumentException(
          "parameter " + name + ": categorical values must be distinct, got " + values);
    }
  }

  private static void checkBounds(String name, Kind kind, double min, double max) {
    if (!Double.isFinite(min) || !Double.isFinite(max) || min > max) {
      throw new IllegalArgumentException(
          "parameter " + name + ": needs finite min <= max, got [" + min + ", " + max + "]");
    }
    if (kind == Kind.LOG_UNIFORM && min <= 0) {
      throw new IllegalArgumentException(
          "parameter " + name + ": a log-uniform parameter needs min > 0, got " + min);
    }
    if (kind == Kind.INTEGER
        && (Math.abs(min) > LARGEST_INTEGER || Math.abs(max) > LARGEST_INTEGER)) {
      throw new IllegalArgumentException(
          "parameter " + name + ": integer bounds must be within +-2^53");
    }
  }
}

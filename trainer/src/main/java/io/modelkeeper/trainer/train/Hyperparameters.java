package io.modelkeeper.trainer.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelkeeper.contract.TrainingContract;
import io.modelkeeper.trainer.Environment;
import io.modelkeeper.trainer.TrainerException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The reference trainer's hyperparameters, from {@code MODELKEEPER_HYPERPARAMETERS} (a JSON object)
 * and {@code MODELKEEPER_PARAM_<NAME>} (which wins); docs/training.md lists them with defaults.
 *
 * @param hiddenUnits widths of the hidden layers; empty for a linear model; absent to keep the base
 *     model's
 * @param epochs passes over the training rows; absent for the mode's default
 */
public record Hyperparameters(
    double learningRate,
    double l2,
    Optional<Integer> epochs,
    int batchSize,
    Optional<int[]> hiddenUnits,
    int minRows,
    long seed) {

  public static final double DEFAULT_LEARNING_RATE = 0.01;
  public static final double DEFAULT_L2 = 1e-4;
  public static final int DEFAULT_FULL_EPOCHS = 30;
  public static final int DEFAULT_INCREMENTAL_EPOCHS = 10;
  public static final int DEFAULT_BATCH_SIZE = 32;
  public static final int DEFAULT_MIN_ROWS = 20;
  public static final int MAX_EPOCHS = 10_000;
  public static final int MAX_HIDDEN_UNITS = 4096;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final java.util.Set<String> KNOWN =
      java.util.Set.of("learning_rate", "l2", "epochs", "batch_size", "hidden_units", "min_rows");

  /** Reads the parameters; an unknown name or a bad value is an error naming the variable. */
  public static Hyperparameters from(Environment env) {
    Map<String, String> values = new TreeMap<>(fromJson(env));
    values.putAll(env.parameters());
    for (String name : values.keySet()) {
      if (!KNOWN.contains(name)) {
        throw new TrainerException(
            "unknown hyperparameter '" + name + "' (the reference trainer takes " + sorted() + ")");
      }
    }
    long seed =
        env.get(TrainingContract.SEED)
            .map(text -> parseLong(TrainingContract.SEED, text))
            .orElse(0L);
    return new Hyperparameters(
        positive(values, "learning_rate", DEFAULT_LEARNING_RATE),
        nonNegative(values, "l2", DEFAULT_L2),
        Optional.ofNullable(values.get("epochs"))
            .map(text -> integer("epochs", text, 1, MAX_EPOCHS)),
        Optional.ofNullable(values.get("batch_size"))
            .map(text -> integer("batch_size", text, 1, 1 << 20))
            .orElse(DEFAULT_BATCH_SIZE),
        Optional.ofNullable(values.get("hidden_units")).map(Hyperparameters::hiddenUnits),
        Optional.ofNullable(values.get("min_rows"))
            .map(text -> integer("min_rows", text, 1, Integer.MAX_VALUE))
            .orElse(DEFAULT_MIN_ROWS),
        seed);
  }

  private static String sorted() {
    return String.join(", ", new java.util.TreeSet<>(KNOWN));
  }

  private static Map<String, String> fromJson(Environment env) {
    Optional<String> text = env.get(TrainingContract.HYPERPARAMETERS);
    if (text.isEmpty()) {
      return Map.of();
    }
    JsonNode tree;
    try {
      tree = JSON.readTree(text.get());
    } catch (IOException e) {
      throw new TrainerException(
          TrainingContract.HYPERPARAMETERS + " must be a JSON object, e.g. {\"epochs\": \"20\"}");
    }
    if (tree == null || !tree.isObject()) {
      throw new TrainerException(
          TrainingContract.HYPERPARAMETERS + " must be a JSON object, e.g. {\"epochs\": \"20\"}");
    }
    Map<String, String> values = new TreeMap<>();
    tree.fields()
        .forEachRemaining(
            field ->
                values.put(
                    field.getKey().toLowerCase(java.util.Locale.ROOT),
                    field.getValue().isTextual()
                        ? field.getValue().textValue()
                        : field.getValue().toString()));
    return values;
  }

  /** {@code 32} or {@code 32,16}; empty or {@code 0} for no hidden layer. */
  static int[] hiddenUnits(String text) {
    String trimmed = text.trim();
    if (trimmed.isEmpty() || trimmed.equals("0") || trimmed.equalsIgnoreCase("none")) {
      return new int[0];
    }
    int[] widths =
        Arrays.stream(trimmed.split(","))
            .mapToInt(part -> integer("hidden_units", part.trim(), 1, MAX_HIDDEN_UNITS))
            .toArray();
    if (widths.length > 2) {
      throw new TrainerException(
          param("hidden_units")
              + " takes one or two hidden layers (e.g. 32 or 32,16), got "
              + text);
    }
    return widths;
  }

  private static double positive(Map<String, String> values, String name, double defaultValue) {
    double value = number(values, name, defaultValue);
    if (!(value > 0)) {
      throw new TrainerException(param(name) + " must be above 0, got " + value);
    }
    return value;
  }

  private static double nonNegative(Map<String, String> values, String name, double defaultValue) {
    double value = number(values, name, defaultValue);
    if (!(value >= 0)) {
      throw new TrainerException(param(name) + " must be 0 or more, got " + value);
    }
    return value;
  }

  private static double number(Map<String, String> values, String name, double defaultValue) {
    String text = values.get(name);
    if (text == null) {
      return defaultValue;
    }
    try {
      double value = Double.parseDouble(text);
      if (Double.isFinite(value)) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new TrainerException(param(name) + " must be a number, got '" + text + "'");
  }

  private static int integer(String name, String text, int min, int max) {
    try {
      int value = Integer.parseInt(text.trim());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new TrainerException(
        param(name)
            + " must be a whole number from "
            + min
            + " to "
            + max
            + ", got '"
            + text
            + "'");
  }

  private static long parseLong(String variable, String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new TrainerException(variable + " must be a whole number, got '" + text + "'");
    }
  }

  private static String param(String name) {
    return TrainingContract.PARAM_PREFIX + name.toUpperCase(java.util.Locale.ROOT);
  }

  /** The epochs to run in this mode. */
  public int epochsFor(boolean incremental) {
    return epochs.orElse(incremental ? DEFAULT_INCREMENTAL_EPOCHS : DEFAULT_FULL_EPOCHS);
  }
}

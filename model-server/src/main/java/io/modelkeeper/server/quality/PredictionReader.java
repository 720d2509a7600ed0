package io.modelkeeper.server.quality;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads predicted classes, class probabilities or predicted values from a model's outputs.
 *
 * <p>Which outputs to read is configured or detected once, when the model loads. Classifiers: a
 * score output (floating point, one value per class, or one value per row for a binary classifier)
 * gives the class probabilities, and a label output (integer, one value per row) gives the
 * predicted class; either suffices. Detection prefers an output whose name contains "prob", then
 * "logit", then the first fitting one. Scores are read as probabilities or logits (softmax, or
 * sigmoid for one value) as configured; {@code auto} goes by the output name, else treats a row as
 * probabilities when its values lie in [0, 1] and sum to 1. Without a label output the predicted
 * class is the most probable one (probability of class 1 above 0.5 for one-value binary scores).
 * Regressors: the first floating output with one value per row.
 */
public final class PredictionReader {
  private static final double SUM_TOLERANCE = 1e-3;

  /** One model output as detection sees it. */
  public record Output(String name, boolean floating, int valuesPerRow) {}

  /** Flat, row-major values of one tensor of a request, read as floats. */
  @FunctionalInterface
  public interface TensorRows {
    float at(int index);
  }

  /** How score outputs are turned into probabilities. */
  public enum ScoreKind {
    AUTO,
    PROBABILITIES,
    LOGITS;

    public static ScoreKind parse(String value) {
      try {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "MODELKEEPER_SCORE_KIND must be auto, probabilities or logits, got '" + value + "'");
      }
    }
  }

  /** What the operator configured; empty means detect. */
  public record Settings(
      Optional<String> predictionOutput,
      Optional<String> scoreOutput,
      ScoreKind scoreKind,
      List<String> classNames) {}

  private final Task task;
  private final List<String> classNames;
  private final Output scores;
  private final Output labels;
  private final ScoreKind scoreKind;

  private PredictionReader(
      Task task, List<String> classNames, Output scores, Output labels, ScoreKind scoreKind) {
    this.task = task;
    this.classNames = classNames;
    this.scores = scores;
    this.labels = labels;
    this.scoreKind = scoreKind;
  }

  /** Picks the outputs to read; the message of a failure says which setting to give. */
  public static PredictionReader detect(Task task, List<Output> outputs, Settings settings) {
    String available =
        outputs.stream()
            .map(
                o ->
                    o.name()
                        + (o.floating() ? " (float" : " (integer")
                        + " x"
                        + o.valuesPerRow()
                        + ")")
            .collect(Collectors.joining(", "));
    Output labels =
        settings.predictionOutput().map(name -> named(outputs, name, available)).orElse(null);
    if (task == Task.REGRESSION) {
      Output value =
          labels != null
              ? labels
              : outputs.stream()
                  .filter(o -> o.floating() && o.valuesPerRow() == 1)
                  .findFirst()
                  .orElseThrow(
                      () ->
                          new IllegalArgumentException(
                              "no output with one floating-point value per row to read regression predictions "
                                  + "from; set MODELKEEPER_PREDICTION_OUTPUT (outputs: "
                                  + available
                                  + ")"));
      requireWidth(value, 1, "MODELKEEPER_PREDICTION_OUTPUT");
      return new PredictionReader(task, List.of(), null, value, ScoreKind.AUTO);
    }
    if (labels == null) {
      labels =
          outputs.stream()
              .filter(o -> !o.floating() && o.valuesPerRow() == 1)
              .findFirst()
              .orElse(null);
    }
    Output scores =
        settings
            .scoreOutput()
            .map(name -> named(outputs, name, available))
            .orElseGet(() -> detectScores(task, outputs));
    if (scores == null && labels == null) {
      throw new IllegalArgumentException(
          "cannot tell which output holds the prediction; set MODELKEEPER_SCORE_OUTPUT or "
              + "MODELKEEPER_PREDICTION_OUTPUT (outputs: "
              + available
              + ")");
    }
    List<String> classNames = classNames(task, settings.classNames(), scores);
    if (labels != null) {
      requireWidth(labels, 1, "MODELKEEPER_PREDICTION_OUTPUT");
    }
    ScoreKind kind = settings.scoreKind();
    if (scores != null && kind == ScoreKind.AUTO) {
      String name = scores.name().toLowerCase(Locale.ROOT);
      kind =
          name.contains("logit")
              ? ScoreKind.LOGITS
              : name.contains("prob") ? ScoreKind.PROBABILITIES : ScoreKind.AUTO;
    }
    return new PredictionReader(task, classNames, scores, labels, kind);
  }

  private static Output detectScores(Task task, List<Output> outputs) {
    List<Output> candidates =
        outputs.stream()
            .filter(
                o ->
                    o.floating()
                        && (o.valuesPerRow() >= 2
                            || (task == Task.BINARY_CLASSIFICATION && o.valuesPerRow() == 1)))
            .toList();
    for (String hint : List.of("prob", "logit")) {
      for (Output candidate : candidates) {
        if (candidate.name().toLowerCase(Locale.ROOT).contains(hint)) {
          return candidate;
        }
      }
    }
    return candidates.isEmpty() ? null : candidates.get(0);
  }

  private static List<String> classNames(Task task, List<String> configured, Output scores) {
    int fromScores = scores == null ? 0 : Math.max(2, scores.valuesPerRow());
    if (!configured.isEmpty()) {
      if (fromScores != 0 && fromScores != configured.size()) {
        throw new IllegalArgumentException(
            "MODELKEEPER_CLASS_NAMES lists "
                + configured.size()
                + " classes but output "
                + scores.name()
                + " scores "
                + fromScores);
      }
      checkCount(task, configured.size());
      return List.copyOf(configured);
    }
    int count = fromScores != 0 ? fromScores : task == Task.BINARY_CLASSIFICATION ? 2 : 0;
    if (count == 0) {
      throw new IllegalArgumentException(
          "the model gives no class scores, so the number of "
              + "classes is unknown; set MODELKEEPER_CLASS_NAMES (e.g. cat,dog,bird)");
    }
    checkCount(task, count);
    List<String> names = new ArrayList<>(count);
    for (int c = 0; c < count; c++) {
      names.add(Integer.toString(c));
    }
    return names;
  }

  private static void checkCount(Task task, int count) {
    if (task == Task.BINARY_CLASSIFICATION ? count != 2 : count < 2) {
      throw new IllegalArgumentException(
          task.id()
              + " needs "
              + (task == Task.BINARY_CLASSIFICATION ? "2" : "2 or more")
              + " classes, the model has "
              + count
              + "; set MODELKEEPER_TASK to match the model");
    }
  }

  private static Output named(List<Output> outputs, String name, String available) {
    return outputs.stream()
        .filter(o -> o.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "the model has no output '" + name + "' (outputs: " + available + ")"));
  }

  private static void requireWidth(Output output, int width, String setting) {
    if (output.valuesPerRow() != width) {
      throw new IllegalArgumentException(
          "output "
              + output.name()
              + " has "
              + output.valuesPerRow()
              + " values per row, "
              + setting
              + " needs "
              + width);
    }
  }

  public List<String> classNames() {
    return classNames;
  }

  /** Names of the outputs read, for the log line at load. */
  public String describe() {
    if (task == Task.REGRESSION) {
      return "value from output " + labels.name();
    }
    return (scores == null
            ? ""
            : "scores from output "
                + scores.name()
                + " as "
                + scoreKind.name().toLowerCase(Locale.ROOT))
        + (scores != null && labels != null ? ", " : "")
        + (labels == null ? "" : "class from output " + labels.name());
  }

  /** The prediction of a request of {@code rows} rows; inputs are not read here. */
  public StoredPrediction read(int rows, Function<String, TensorRows> outputs) {
    if (task == Task.REGRESSION) {
      TensorRows values = outputs.apply(labels.name());
      double[] predicted = new double[rows];
      for (int row = 0; row < rows; row++) {
        predicted[row] = values.at(row);
      }
      return new StoredPrediction(rows, null, predicted, null, null);
    }
    int classes = classNames.size();
    float[] probabilities = scores == null ? null : new float[rows * classes];
    if (scores != null) {
      TensorRows values = outputs.apply(scores.name());
      for (int row = 0; row < rows; row++) {
        readProbabilities(values, row, probabilities, row * classes);
      }
    }
    int[] predicted = new int[rows];
    TensorRows labelValues = labels == null ? null : outputs.apply(labels.name());
    for (int row = 0; row < rows; row++) {
      predicted[row] =
          labelValues != null
              ? classOf(labelValues.at(row))
              : argmax(probabilities, row * classes, classes);
    }
    return new StoredPrediction(rows, predicted, null, probabilities, null);
  }

  private void readProbabilities(TensorRows values, int row, float[] target, int offset) {
    int width = scores.valuesPerRow();
    if (width == 1) {
      float v = values.at(row);
      boolean logit =
          scoreKind == ScoreKind.LOGITS || (scoreKind == ScoreKind.AUTO && !(v >= 0 && v <= 1));
      float p = logit ? (float) (1 / (1 + Math.exp(-v))) : v;
      target[offset] = 1 - p;
      target[offset + 1] = p;
      return;
    }
    double sum = 0;
    boolean unit = true;
    for (int c = 0; c < width; c++) {
      float v = values.at(row * width + c);
      target[offset + c] = v;
      sum += v;
      unit &= v >= 0 && v <= 1;
    }
    boolean logits =
        scoreKind == ScoreKind.LOGITS
            || (scoreKind == ScoreKind.AUTO && !(unit && Math.abs(sum - 1) <= SUM_TOLERANCE));
    if (logits) {
      softmax(target, offset, width);
    }
  }

  private static void softmax(float[] values, int offset, int width) {
    float max = Float.NEGATIVE_INFINITY;
    for (int c = 0; c < width; c++) {
      max = Math.max(max, values[offset + c]);
    }
    double sum = 0;
    for (int c = 0; c < width; c++) {
      double e = Math.exp(values[offset + c] - max);
      values[offset + c] = (float) e;
      sum += e;
    }
    for (int c = 0; c < width; c++) {
      values[offset + c] = (float) (values[offset + c] / sum);
    }
  }

  private int classOf(float value) {
    int index = (int) value;
    if (index != value || index < 0 || index >= classNames.size()) {
      throw new IllegalStateException(
          "output "
              + labels.name()
              + " gave class "
              + value
              + ", outside 0.."
              + (classNames.size() - 1));
    }
    return index;
  }

  private static int argmax(float[] values, int offset, int width) {
    int best = 0;
    for (int c = 1; c < width; c++) {
      if (values[offset + c] > values[offset + best]) {
        best = c;
      }
    }
    return best;
  }
}

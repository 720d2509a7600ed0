package io.modelkeeper.server.quality;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelkeeper.server.quality.PredictionStore.RejectedLabel;
import java.util.List;

/**
 * Reads the {@code label} of a feedback item. Classification labels are a class index (an integral
 * number) or a class name (a string); a binary classifier also takes {@code true} and {@code
 * false}. Regression labels are finite numbers. A request of several rows takes an array with one
 * label per row; a single-row request takes a bare label.
 */
public final class LabelReader {
  private final Task task;
  private final List<String> classNames;

  public LabelReader(Task task, List<String> classNames) {
    this.task = task;
    this.classNames = List.copyOf(classNames);
  }

  /** The labels, one per row of the prediction, as class indices or regression values. */
  public double[] read(JsonNode label, int rows) throws RejectedLabel {
    if (label.isArray()) {
      if (label.size() != rows) {
        throw new RejectedLabel(
            FeedbackStatus.WRONG_TYPE,
            "label: the prediction has " + rows + " row(s), the label array has " + label.size());
      }
      double[] labels = new double[rows];
      for (int row = 0; row < rows; row++) {
        labels[row] = readOne(label.get(row), "label[" + row + "]");
      }
      return labels;
    }
    if (rows != 1) {
      throw new RejectedLabel(
          FeedbackStatus.WRONG_TYPE,
          "label: the prediction has " + rows + " rows, so label must be an array of " + rows);
    }
    return new double[] {readOne(label, "label")};
  }

  private double readOne(JsonNode value, String field) throws RejectedLabel {
    return task.isClassification() ? readClass(value, field) : readNumber(value, field);
  }

  private double readClass(JsonNode value, String field) throws RejectedLabel {
    if (value.isBoolean() && task == Task.BINARY_CLASSIFICATION) {
      return value.booleanValue() ? 1 : 0;
    }
    if (value.isTextual()) {
      int index = classNames.indexOf(value.textValue());
      if (index < 0) {
        throw new RejectedLabel(
            FeedbackStatus.OUT_OF_RANGE,
            field + ": '" + value.textValue() + "' is not a class of this model " + classNames);
      }
      return index;
    }
    if (!value.isNumber() || !isIntegral(value)) {
      throw new RejectedLabel(
          FeedbackStatus.WRONG_TYPE,
          field
              + " must be a class index (integer) or class name (string), got "
              + describe(value));
    }
    double index = value.doubleValue();
    if (index < 0 || index >= classNames.size()) {
      throw new RejectedLabel(
          FeedbackStatus.OUT_OF_RANGE,
          field + ": class " + value.asText() + " is outside 0.." + (classNames.size() - 1));
    }
    return index;
  }

  private static boolean isIntegral(JsonNode value) {
    return value.isIntegralNumber()
        || (value.isFloatingPointNumber() && value.doubleValue() == Math.rint(value.doubleValue()));
  }

  private static double readNumber(JsonNode value, String field) throws RejectedLabel {
    if (!value.isNumber()) {
      throw new RejectedLabel(
          FeedbackStatus.WRONG_TYPE, field + " must be a number, got " + describe(value));
    }
    double number = value.doubleValue();
    if (!Double.isFinite(number)) {
      throw new RejectedLabel(FeedbackStatus.OUT_OF_RANGE, field + " must be finite");
    }
    return number;
  }

  private static String describe(JsonNode value) {
    String text = value.toString();
    return value.getNodeType().name().toLowerCase()
        + " "
        + (text.length() > 40 ? text.substring(0, 40) + "…" : text);
  }
}

package io.modelkeeper.server.quality;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What the model predicts, which decides the quality metrics and how labels are read. */
public enum Task {
  BINARY_CLASSIFICATION("binary-classification"),
  MULTICLASS_CLASSIFICATION("multiclass-classification"),
  REGRESSION("regression");

  private final String id;

  Task(String id) {
    this.id = id;
  }

  /** The name used in configuration and JSON, e.g. {@code binary-classification}. */
  public String id() {
    return id;
  }

  public boolean isClassification() {
    return this != REGRESSION;
  }

  /** Reads a task name as written in {@code MODELKEEPER_TASK}. */
  public static Task parse(String value) {
    String wanted = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    for (Task task : values()) {
      if (task.id.equals(wanted)) {
        return task;
      }
    }
    throw new IllegalArgumentException(
        "MODELKEEPER_TASK must be one of "
            + Arrays.stream(values()).map(Task::id).collect(Collectors.joining(", "))
            + ", got '"
            + value
            + "'");
  }
}

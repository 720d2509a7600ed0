package io.modelkeeper.server.quality;

/**
 * The last N labelled predictions of one model version. Recording is O(1) (a few ring-buffer writes
 * under a short lock); the metrics are computed when a report is asked for, and reused until the
 * next prediction is labelled.
 */
public sealed interface QualityWindow permits ClassificationWindow, RegressionWindow {

  /** The quality of the predictions now in the window. */
  QualityReport report();

  /** How many labelled predictions the window holds now. */
  int size();

  /** How many labelled predictions were ever recorded, including those that slid out. */
  long labelledTotal();

  /** A window for the task: {@code classNames} is ignored for regression. */
  static QualityWindow create(Task task, int capacity, java.util.List<String> classNames) {
    return task.isClassification()
        ? new ClassificationWindow(task, capacity, classNames)
        : new RegressionWindow(capacity);
  }
}

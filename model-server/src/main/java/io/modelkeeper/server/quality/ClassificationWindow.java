package io.modelkeeper.server.quality;

import java.util.List;

/** Sliding window over the last N labelled predictions of a classifier. */
public final class ClassificationWindow implements QualityWindow {
  private final Task task;
  private final int capacity;
  private final List<String> classNames;
  private final int classes;
  private final int[] predicted;
  private final int[] actual;
  private final float[] probabilities;
  private final boolean[] scored;
  private int next;
  private int size;
  private long recorded;
  private QualityReport cached;
  private long cachedAt = -1;

  public ClassificationWindow(Task task, int capacity, List<String> classNames) {
    if (!task.isClassification()) {
      throw new IllegalArgumentException("not a classification task: " + task.id());
    }
    if (capacity < 1) {
      throw new IllegalArgumentException("quality window must hold at least 1 prediction");
    }
    boolean binary = task == Task.BINARY_CLASSIFICATION;
    if (binary ? classNames.size() != 2 : classNames.size() < 2) {
      throw new IllegalArgumentException(
          task.id()
              + " needs "
              + (binary ? "exactly 2" : "2 or more")
              + " classes, got "
              + classNames.size());
    }
    this.task = task;
    this.capacity = capacity;
    this.classNames = List.copyOf(classNames);
    this.classes = classNames.size();
    this.predicted = new int[capacity];
    this.actual = new int[capacity];
    this.probabilities = new float[capacity * classes];
    this.scored = new boolean[capacity];
  }

  public int classes() {
    return classes;
  }

  /**
   * Records one labelled prediction, evicting the oldest when the window is full.
   *
   * @param classProbabilities one probability per class, or null when the model gave none
   */
  public void record(int predictedClass, int actualClass, float[] classProbabilities) {
    checkClass(predictedClass, "predicted class");
    checkClass(actualClass, "label");
    if (classProbabilities != null && classProbabilities.length != classes) {
      throw new IllegalArgumentException(
          "expected " + classes + " class probabilities, got " + classProbabilities.length);
    }
    synchronized (this) {
      predicted[next] = predictedClass;
      actual[next] = actualClass;
      scored[next] = classProbabilities != null;
      if (classProbabilities != null) {
        System.arraycopy(classProbabilities, 0, probabilities, next * classes, classes);
      }
      next = (next + 1) % capacity;
      size = Math.min(size + 1, capacity);
      recorded++;
    }
  }

  @Override
  public QualityReport report() {
    int n;
    int[] predictedCopy;
    int[] actualCopy;
    float[] probabilitiesCopy;
    boolean[] scoredCopy;
    long version;
    synchronized (this) {
      if (cachedAt == recorded) {
        return cached;
      }
      // Copy oldest first, so the arrays read in arrival order; the math does not care, but
      // a copy keeps the lock short while the metrics are computed.
      n = size;
      version = recorded;
      int start = size < capacity ? 0 : next;
      predictedCopy = new int[n];
      actualCopy = new int[n];
      probabilitiesCopy = new float[n * classes];
      scoredCopy = new boolean[n];
      for (int i = 0; i < n; i++) {
        int slot = (start + i) % capacity;
        predictedCopy[i] = predicted[slot];
        actualCopy[i] = actual[slot];
        scoredCopy[i] = scored[slot];
        System.arraycopy(probabilities, slot * classes, probabilitiesCopy, i * classes, classes);
      }
    }
    QualityReport report =
        ClassificationMetrics.compute(
            task,
            capacity,
            classNames,
            predictedCopy,
            actualCopy,
            probabilitiesCopy,
            scoredCopy,
            n);
    synchronized (this) {
      if (version > cachedAt) {
        cached = report;
        cachedAt = version;
      }
    }
    return report;
  }

  @Override
  public synchronized int size() {
    return size;
  }

  @Override
  public synchronized long labelledTotal() {
    return recorded;
  }

  private void checkClass(int value, String what) {
    if (value < 0 || value >= classes) {
      throw new IllegalArgumentException(what + " " + value + " is outside 0.." + (classes - 1));
    }
  }
}

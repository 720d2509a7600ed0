package io.modelkeeper.server.quality;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Classification metrics over a set of labelled predictions.
 *
 * <p>Undefined figures are NaN, never 0: every metric of an empty set; per-class precision of a
 * class the model never predicted; per-class recall of a class absent from the labels; AUC when
 * only one of positive/negative is present or no scores were recorded. Binary precision, recall and
 * F1 are those of class 1. Macro averages run over the classes that occur in the labels or the
 * predictions, and count an undefined per-class figure as 0 there, so a model that never predicts a
 * class that does occur is penalised (scikit-learn's default with {@code zero_division=0}). Macro
 * AUC is one-vs-rest, averaged over the classes that have both positives and negatives among the
 * scored rows.
 */
public final class ClassificationMetrics {
  /** Probabilities are clipped to [EPSILON, 1 - EPSILON] so log loss stays finite. */
  static final double EPSILON = 1e-15;

  private ClassificationMetrics() {}

  /**
   * Computes the report.
   *
   * @param probabilities row-major {@code n x classes} class probabilities; a row's values are only
   *     read when {@code scored[row]}
   */
  public static QualityReport compute(
      Task task,
      int windowCapacity,
      List<String> classNames,
      int[] predicted,
      int[] actual,
      float[] probabilities,
      boolean[] scored,
      int n) {
    int classes = classNames.size();
    long[][] confusion = new long[classes][classes];
    for (int i = 0; i < n; i++) {
      confusion[actual[i]][predicted[i]]++;
    }
    double[][] scoreColumns = scoreColumns(probabilities, scored, n, classes);
    int[] scoredActual = scoredRows(actual, scored, n);
    List<ClassQuality> perClass = new ArrayList<>(classes);
    long correct = 0;
    for (int c = 0; c < classes; c++) {
      correct += confusion[c][c];
      perClass.add(classQuality(c, classNames.get(c), confusion, scoreColumns, scoredActual));
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("accuracy", n == 0 ? Double.NaN : (double) correct / n);
    if (task == Task.BINARY_CLASSIFICATION) {
      ClassQuality positive = perClass.get(1);
      metrics.put("precision", positive.precision());
      metrics.put("recall", positive.recall());
      metrics.put("f1", positive.f1());
      metrics.put("auc_roc", positive.aucRoc());
    } else {
      metrics.put("precision", macro(perClass, ClassQuality::precision));
      metrics.put("recall", macro(perClass, ClassQuality::recall));
      metrics.put("f1", macro(perClass, ClassQuality::f1));
      metrics.put("auc_roc", macroAuc(perClass));
    }
    metrics.put("log_loss", logLoss(scoreColumns, scoredActual));
    return new QualityReport(task, windowCapacity, n, metrics, perClass, confusion);
  }

  private static ClassQuality classQuality(
      int c, String name, long[][] confusion, double[][] scoreColumns, int[] scoredActual) {
    long truePositives = confusion[c][c];
    long support = 0;
    long predicted = 0;
    for (int k = 0; k < confusion.length; k++) {
      support += confusion[c][k];
      predicted += confusion[k][c];
    }
    long falsePositives = predicted - truePositives;
    long falseNegatives = support - truePositives;
    double precision = ratio(truePositives, truePositives + falsePositives);
    double recall = ratio(truePositives, truePositives + falseNegatives);
    double f1 = ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives);
    boolean[] isClass = new boolean[scoredActual.length];
    for (int i = 0; i < scoredActual.length; i++) {
      isClass[i] = scoredActual[i] == c;
    }
    double auc = AucRoc.of(scoreColumns[c], isClass, scoredActual.length);
    return new ClassQuality(c, name, support, predicted, precision, recall, f1, auc);
  }

  private static double macro(
      List<ClassQuality> perClass, java.util.function.ToDoubleFunction<ClassQuality> figure) {
    double sum = 0;
    int present = 0;
    for (ClassQuality quality : perClass) {
      if (quality.support() > 0 || quality.predicted() > 0) {
        double value = figure.applyAsDouble(quality);
        sum += Double.isNaN(value) ? 0 : value;
        present++;
      }
    }
    return present == 0 ? Double.NaN : sum / present;
  }

  private static double macroAuc(List<ClassQuality> perClass) {
    double sum = 0;
    int defined = 0;
    for (ClassQuality quality : perClass) {
      if (!Double.isNaN(quality.aucRoc())) {
        sum += quality.aucRoc();
        defined++;
      }
    }
    return defined == 0 ? Double.NaN : sum / defined;
  }

  private static double logLoss(double[][] scoreColumns, int[] scoredActual) {
    if (scoredActual.length == 0) {
      return Double.NaN;
    }
    double sum = 0;
    for (int i = 0; i < scoredActual.length; i++) {
      double p = scoreColumns[scoredActual[i]][i];
      sum -= Math.log(Math.min(1 - EPSILON, Math.max(EPSILON, p)));
    }
    return sum / scoredActual.length;
  }

  /** Column {@code c} holds the probability of class c for each scored row, in row order. */
  private static double[][] scoreColumns(
      float[] probabilities, boolean[] scored, int n, int classes) {
    int rows = 0;
    for (int i = 0; i < n; i++) {
      if (scored[i]) {
        rows++;
      }
    }
    double[][] columns = new double[classes][rows];
    int row = 0;
    for (int i = 0; i < n; i++) {
      if (scored[i]) {
        for (int c = 0; c < classes; c++) {
          columns[c][row] = probabilities[i * classes + c];
        }
        row++;
      }
    }
    return columns;
  }

  private static int[] scoredRows(int[] actual, boolean[] scored, int n) {
    int rows = 0;
    for (int i = 0; i < n; i++) {
      if (scored[i]) {
        rows++;
      }
    }
    int[] result = new int[rows];
    int row = 0;
    for (int i = 0; i < n; i++) {
      if (scored[i]) {
        result[row++] = actual[i];
      }
    }
    return result;
  }

  private static double ratio(long numerator, long denominator) {
    return denominator == 0 ? Double.NaN : (double) numerator / denominator;
  }
}

package io.modelkeeper.operator.metricsource;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The quality figures of a window of labelled predictions beyond accuracy, as the model server
 * exports them: precision, recall and F1 (of the positive class for binary classification, macro
 * averages for multiclass), AUC-ROC and log loss for classification; MAE, RMSE and R² for
 * regression. A figure that is absent or NaN is not exported or undefined, never zero.
 */
public record WindowQuality(Map<QualityFigure, Double> figures) {

  /** Nothing exported. */
  public static final WindowQuality NONE = new WindowQuality(Map.of());

  public WindowQuality {
    EnumMap<QualityFigure, Double> copy = new EnumMap<>(QualityFigure.class);
    copy.putAll(figures);
    figures = java.util.Collections.unmodifiableMap(copy);
  }

  /** The value of one figure, NaN when not measured. */
  public double get(QualityFigure figure) {
    return figures.getOrDefault(figure, Double.NaN);
  }

  /** One pod's figures and the labelled predictions in its window, the weight of its figures. */
  public record PodFigures(double labelled, WindowQuality figures) {}

  /**
   * The figures of several pods of one version as one. Each figure is the mean over the pods that
   * export it, weighted by their labelled predictions, which is exact for MAE and log loss (means
   * of per-row values); RMSE is pooled through its squares, which is exact too. Precision, recall,
   * F1, AUC-ROC and R² are not means of per-row values, so for more than one pod the weighted mean
   * is an estimate; with one pod every figure is the pod's own.
   */
  public static WindowQuality pooled(List<PodFigures> pods) {
    EnumMap<QualityFigure, Double> pooled = new EnumMap<>(QualityFigure.class);
    for (QualityFigure figure : QualityFigure.values()) {
      double value = weightedMean(pods, figure);
      if (!Double.isNaN(value)) {
        pooled.put(figure, value);
      }
    }
    return new WindowQuality(pooled);
  }

  private static double weightedMean(List<PodFigures> pods, QualityFigure figure) {
    int power = figure.pooledThroughSquares() ? 2 : 1;
    double sum = 0;
    double weight = 0;
    for (PodFigures pod : pods) {
      double value = pod.figures().get(figure);
      if (pod.labelled() > 0 && Double.isFinite(value)) {
        sum += Math.pow(value, power) * pod.labelled();
        weight += pod.labelled();
      }
    }
    if (weight == 0) {
      return Double.NaN;
    }
    return power == 2 ? Math.sqrt(sum / weight) : sum / weight;
  }
}

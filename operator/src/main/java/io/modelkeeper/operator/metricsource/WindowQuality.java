package io.modelkeeper.operator.metricsource;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The quality figures of a window of labelled predictions beyond accuracy, as the model server
 * exports them: precision, recall and F1 (of the positive class for binary classification, macro
 * averages for multiclass), AUC-ROC and log loss for classification; MAE, RMSE and R² for
 * regression. NaN means not exported or undefined, never zero.
 */
public record WindowQuality(
    double precision,
    double recall,
    double f1,
    double aucRoc,
    double logLoss,
    double mae,
    double rmse,
    double r2) {

  /** Nothing exported. */
  public static final WindowQuality NONE =
      new WindowQuality(
          Double.NaN,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          Double.NaN);

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
    return new WindowQuality(
        weightedMean(pods, WindowQuality::precision),
        weightedMean(pods, WindowQuality::recall),
        weightedMean(pods, WindowQuality::f1),
        weightedMean(pods, WindowQuality::aucRoc),
        weightedMean(pods, WindowQuality::logLoss),
        weightedMean(pods, WindowQuality::mae),
        Math.sqrt(weightedMean(pods, q -> q.rmse() * q.rmse())),
        weightedMean(pods, WindowQuality::r2));
  }

  private static double weightedMean(
      List<PodFigures> pods, ToDoubleFunction<WindowQuality> figure) {
    double sum = 0;
    double weight = 0;
    for (PodFigures pod : pods) {
      double value = figure.applyAsDouble(pod.figures());
      if (pod.labelled() > 0 && Double.isFinite(value)) {
        sum += value * pod.labelled();
        weight += pod.labelled();
      }
    }
    return weight == 0 ? Double.NaN : sum / weight;
  }
}

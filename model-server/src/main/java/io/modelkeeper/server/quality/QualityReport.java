package io.modelkeeper.server.quality;

import io.modelkeeper.contract.ServerMetrics;
import java.util.List;
import java.util.Map;

/**
 * Quality of the predictions in the window at one moment. {@code metrics} maps the metric name
 * ({@code accuracy}, {@code precision}, {@code recall}, {@code f1}, {@code auc_roc}, {@code
 * log_loss}, {@code mae}, {@code rmse}, {@code r2}) to its value, NaN when undefined.
 *
 * @param confusionMatrix counts indexed {@code [actual][predicted]}; empty for regression
 */
public record QualityReport(
    Task task,
    int windowCapacity,
    int windowSize,
    Map<String, Double> metrics,
    List<ClassQuality> classes,
    long[][] confusionMatrix) {

  public static final List<String> CLASSIFICATION_METRICS = ServerMetrics.CLASSIFICATION_FIGURES;
  public static final List<String> REGRESSION_METRICS = ServerMetrics.REGRESSION_FIGURES;

  /** The value of one metric, NaN if this task has no such metric or it is undefined. */
  public double metric(String name) {
    Double value = metrics.get(name);
    return value == null ? Double.NaN : value;
  }
}

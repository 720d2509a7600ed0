package io.modelkeeper.operator.metricsource;

import io.modelkeeper.api.v1alpha1.MetricsStatus;
import io.modelkeeper.contract.ServerMetrics;
import java.util.function.BiConsumer;

/**
 * A quality figure of the window of labelled predictions beyond accuracy, as the model server
 * exports it and status.metrics shows it. Adding one is one constant here (and its field in {@link
 * MetricsStatus}): both metric sources read it, pooling combines it, status writes it.
 */
public enum QualityFigure {
  PRECISION(ServerMetrics.PRECISION, false, MetricsStatus::setPrecision),
  RECALL(ServerMetrics.RECALL, false, MetricsStatus::setRecall),
  F1(ServerMetrics.F1, false, MetricsStatus::setF1),
  AUC_ROC(ServerMetrics.AUC_ROC, false, MetricsStatus::setAuc),
  LOG_LOSS(ServerMetrics.LOG_LOSS, false, MetricsStatus::setLogLoss),
  MAE(ServerMetrics.MAE, false, MetricsStatus::setMae),
  /** A root of a mean of squares: pooled through its squares, which is exact. */
  RMSE(ServerMetrics.RMSE, true, MetricsStatus::setRmse),
  R2(ServerMetrics.R2, false, MetricsStatus::setR2);

  private final String series;
  private final boolean pooledThroughSquares;
  private final BiConsumer<MetricsStatus, Double> status;

  QualityFigure(
      String name, boolean pooledThroughSquares, BiConsumer<MetricsStatus, Double> status) {
    this.series = ServerMetrics.gauge(ServerMetrics.quality(name));
    this.pooledThroughSquares = pooledThroughSquares;
    this.status = status;
  }

  /** The server's series, such as {@code modelkeeper_quality_f1}. */
  public String series() {
    return series;
  }

  /** True when pods' figures are combined as the root of their weighted mean square. */
  public boolean pooledThroughSquares() {
    return pooledThroughSquares;
  }

  /** Writes the figure into status.metrics; null leaves it out (not measured). */
  public void writeTo(MetricsStatus metrics, Double value) {
    status.accept(metrics, value);
  }

  /** The figure whose series this is, or null. */
  static QualityFigure bySeries(String name) {
    for (QualityFigure figure : values()) {
      if (figure.series.equals(name)) {
        return figure;
      }
    }
    return null;
  }
}

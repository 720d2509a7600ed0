package io.modelkeeper.server.quality;

import io.modelkeeper.server.capture.DatasetWriter;
import io.modelkeeper.server.drift.DriftReport;
import io.modelkeeper.server.drift.FeatureDrift;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The body of {@code GET /v2/models/{m}/quality}; undefined figures are JSON null. */
final class QualityJson {
  private QualityJson() {}

  static Map<String, Object> of(
      String model,
      String version,
      ModelQuality quality,
      String driftProblem,
      Map<String, Object> importance) {
    QualityReport report = quality.quality();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("model", model);
    body.put("version", version);
    body.put("task", quality.task().id());
    body.put("window", Map.of("capacity", report.windowCapacity(), "size", report.windowSize()));
    Map<String, Object> metrics = new LinkedHashMap<>();
    report.metrics().forEach((name, value) -> metrics.put(name, figure(value)));
    body.put("metrics", metrics);
    if (quality.task().isClassification()) {
      body.put("classes", classes(report));
      body.put(
          "confusion_matrix",
          Map.of(
              "rows",
              "actual class",
              "columns",
              "predicted class",
              "labels",
              quality.classNames(),
              "counts",
              report.confusionMatrix()));
    }
    Map<String, Object> predictions = new LinkedHashMap<>();
    quality.store().expire();
    predictions.put("labelled_total", quality.labelledTotal());
    predictions.put("unlabelled_total", quality.store().unlabelledTotal());
    predictions.put("unreadable_total", quality.unreadableTotal());
    predictions.put("waiting", quality.store().size());
    predictions.put("store_bytes", quality.store().estimatedBytes());
    body.put("predictions", predictions);
    Map<String, Object> feedback = new LinkedHashMap<>();
    for (FeedbackStatus status : FeedbackStatus.values()) {
      feedback.put(status.id(), quality.feedbackTotal(status));
    }
    body.put("feedback", feedback);
    body.put("drift", drift(quality.drift(), driftProblem));
    body.put("importance", importance);
    DatasetWriter capture = quality.capture();
    if (capture != null) {
      body.put(
          "capture",
          Map.of(
              "directory", capture.directory().toString(),
              "written_rows", capture.writtenRows(),
              "dropped_rows", capture.droppedRows(),
              "failed_rows", capture.failedRows()));
    }
    return body;
  }

  private static List<Map<String, Object>> classes(QualityReport report) {
    List<Map<String, Object>> classes = new ArrayList<>();
    for (ClassQuality c : report.classes()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("index", c.index());
      entry.put("name", c.name());
      entry.put("support", c.support());
      entry.put("predicted", c.predicted());
      entry.put("precision", figure(c.precision()));
      entry.put("recall", figure(c.recall()));
      entry.put("f1", figure(c.f1()));
      entry.put("auc_roc", figure(c.aucRoc()));
      classes.add(entry);
    }
    return classes;
  }

  private static Map<String, Object> drift(DriftReport report, String problem) {
    Map<String, Object> drift = new LinkedHashMap<>();
    if (report == null) {
      drift.put("enabled", false);
      if (problem != null) {
        drift.put("error", problem);
      }
      return drift;
    }
    drift.put("enabled", true);
    drift.put("reference", report.reference());
    drift.put("reference_rows", report.referenceRows());
    drift.put("window_rows", report.windowRows());
    drift.put("alpha", report.alpha());
    drift.put("score", figure(report.score()));
    drift.put("features", report.features().stream().map(QualityJson::feature).toList());
    if (report.prediction() != null) {
      drift.put("prediction", feature(report.prediction()));
    }
    return drift;
  }

  private static Map<String, Object> feature(FeatureDrift feature) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("name", feature.name());
    entry.put("psi", figure(feature.psi()));
    entry.put("ks", figure(feature.ks()));
    entry.put("ks_p_value", figure(feature.ksPValue()));
    entry.put("ks_critical_value", figure(feature.ksCriticalValue()));
    entry.put("ks_significant", feature.ksSignificant());
    return entry;
  }

  private static Double figure(double value) {
    return Double.isFinite(value) ? value : null;
  }
}

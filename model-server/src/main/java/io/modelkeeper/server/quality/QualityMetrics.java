package io.modelkeeper.server.quality;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.modelkeeper.contract.ServerMetrics;
import io.modelkeeper.server.capture.CaptureUploader;
import io.modelkeeper.server.capture.DatasetWriter;
import io.modelkeeper.server.drift.DriftMonitor;
import io.modelkeeper.server.drift.DriftReport;
import io.modelkeeper.server.drift.FeatureDrift;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The quality and drift series on {@code /metrics}. Values are read from the window and the drift
 * monitor when scraped; a figure that is undefined (empty window, never-predicted class) is NaN.
 * Every series also carries {@code model} and {@code version} from the common tags.
 */
@ApplicationScoped
public class QualityMetrics {
  /** Above this many classes the confusion matrix is left to the JSON endpoint. */
  static final int MAX_CONFUSION_CLASSES = 20;

  private final MeterRegistry registry;
  private boolean driftRegistered;

  public QualityMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  synchronized void register(ModelQuality quality, String model, String version) {
    List<String> names =
        quality.task().isClassification()
            ? QualityReport.CLASSIFICATION_METRICS
            : QualityReport.REGRESSION_METRICS;
    for (String name : names) {
      gauge(
          ServerMetrics.quality(name),
          Tags.empty(),
          quality,
          q -> q.quality().metric(name),
          "Model quality over the window of labelled predictions: " + name);
    }
    gauge(
        ServerMetrics.QUALITY_WINDOW,
        Tags.empty(),
        quality,
        q -> q.quality().windowSize(),
        "Labelled predictions in the quality window");
    if (quality.task().isClassification()) {
      registerClasses(quality);
    }
    counter(
        "modelkeeper.labelled.predictions",
        Tags.empty(),
        quality,
        ModelQuality::labelledTotal,
        "Predicted rows that received a label");
    counter(
        "modelkeeper.unlabelled.predictions",
        Tags.empty(),
        quality,
        q -> q.store().unlabelledTotal(),
        "Predicted rows that left the prediction store without a label");
    counter(
        "modelkeeper.unreadable.predictions",
        Tags.empty(),
        quality,
        ModelQuality::unreadableTotal,
        "Predicted rows whose outputs could not be read");
    for (FeedbackStatus status : FeedbackStatus.values()) {
      counter(
          "modelkeeper.feedback",
          Tags.of("result", status.id()),
          quality,
          q -> q.feedbackTotal(status),
          "Feedback items by result");
    }
    gauge(
        "modelkeeper.prediction.store.predictions",
        Tags.empty(),
        quality,
        q -> {
          q.store().expire();
          return q.store().size();
        },
        "Predictions waiting for a label");
    gauge(
        "modelkeeper.prediction.store.bytes",
        Tags.empty(),
        quality,
        q -> q.store().estimatedBytes(),
        "Estimated heap bytes held by the prediction store");
    if (quality.capture() != null) {
      registerCapture(quality.capture());
    }
    DriftMonitor drift = quality.driftMonitor();
    if (drift != null && drift.reference() != null) {
      registerDrift(quality);
    }
  }

  private void registerClasses(ModelQuality quality) {
    List<String> classes = quality.classNames();
    for (int c = 0; c < classes.size(); c++) {
      int index = c;
      Tags tags = Tags.of("class", classes.get(c));
      gauge(
          "modelkeeper.quality.class.precision",
          tags,
          quality,
          q -> q.quality().classes().get(index).precision(),
          "Precision of one class");
      gauge(
          "modelkeeper.quality.class.recall",
          tags,
          quality,
          q -> q.quality().classes().get(index).recall(),
          "Recall of one class");
      gauge(
          "modelkeeper.quality.class.f1",
          tags,
          quality,
          q -> q.quality().classes().get(index).f1(),
          "F1 score of one class");
    }
    if (classes.size() > MAX_CONFUSION_CLASSES) {
      return;
    }
    for (int actual = 0; actual < classes.size(); actual++) {
      for (int predicted = 0; predicted < classes.size(); predicted++) {
        int a = actual;
        int p = predicted;
        gauge(
            "modelkeeper.quality.confusion.matrix",
            Tags.of("actual", classes.get(a), "predicted", classes.get(p)),
            quality,
            q -> q.quality().confusionMatrix()[a][p],
            "Labelled predictions in the window by actual and predicted class");
      }
    }
  }

  private void registerCapture(DatasetWriter capture) {
    counter(
        "modelkeeper.capture.rows",
        Tags.of("result", "written"),
        capture,
        DatasetWriter::writtenRows,
        "Labelled rows handed to dataset capture, by result");
    counter(
        "modelkeeper.capture.rows",
        Tags.of("result", "dropped"),
        capture,
        DatasetWriter::droppedRows,
        "Labelled rows handed to dataset capture, by result");
    counter(
        "modelkeeper.capture.rows",
        Tags.of("result", "failed"),
        capture,
        DatasetWriter::failedRows,
        "Labelled rows handed to dataset capture, by result");
    CaptureUploader uploader = capture.uploader();
    if (uploader != null) {
      counter(
          "modelkeeper.capture.uploads",
          Tags.of("result", "uploaded"),
          uploader,
          CaptureUploader::uploadedFiles,
          "Finished capture files sent to spec.dataset.uri, by result; a failed one stays for the"
              + " next attempt");
      counter(
          "modelkeeper.capture.uploads",
          Tags.of("result", "failed"),
          uploader,
          CaptureUploader::failedUploads,
          "Finished capture files sent to spec.dataset.uri, by result; a failed one stays for the"
              + " next attempt");
    }
  }

  /** Registers the drift series once the reference is known (shipped, or captured). */
  synchronized void registerDrift(ModelQuality quality) {
    if (driftRegistered) {
      return;
    }
    driftRegistered = true;
    DriftMonitor drift = quality.driftMonitor();
    Tags reference = Tags.of("reference", drift.source());
    for (int f = 0; f < drift.columns().size(); f++) {
      int index = f;
      Tags tags = reference.and(ServerMetrics.FEATURE, drift.columns().get(f).name());
      driftGauge(
          ServerMetrics.DRIFT_PSI,
          tags,
          quality,
          r -> r.features().get(index).psi(),
          "Population stability index of one input feature, recent window against reference");
      driftGauge(
          "modelkeeper.drift.ks",
          tags,
          quality,
          r -> r.features().get(index).ks(),
          "Two-sample Kolmogorov-Smirnov statistic of one input feature");
      driftGauge(
          "modelkeeper.drift.ks.p.value",
          tags,
          quality,
          r -> r.features().get(index).ksPValue(),
          "p-value of the KS statistic");
    }
    if (drift.tracksPrediction()) {
      driftGauge(
          "modelkeeper.drift.prediction.psi",
          reference,
          quality,
          r -> predictionFigure(r.prediction(), true),
          "PSI of the prediction distribution");
      driftGauge(
          "modelkeeper.drift.prediction.ks",
          reference,
          quality,
          r -> predictionFigure(r.prediction(), false),
          "KS statistic of the predictions");
    }
    driftGauge(
        ServerMetrics.DRIFT_SCORE,
        reference,
        quality,
        DriftReport::score,
        "Overall drift: the largest PSI over the features and the prediction");
  }

  private static double predictionFigure(FeatureDrift prediction, boolean psi) {
    return prediction == null ? Double.NaN : psi ? prediction.psi() : prediction.ks();
  }

  private void driftGauge(
      String name,
      Tags tags,
      ModelQuality quality,
      ToDoubleFunction<DriftReport> figure,
      String description) {
    gauge(name, tags, quality, q -> figure.applyAsDouble(q.drift()), description);
  }

  private <T> void gauge(
      String name, Tags tags, T source, ToDoubleFunction<T> value, String description) {
    Gauge.builder(name, source, value)
        .tags(tags)
        .description(description)
        .strongReference(true)
        .register(registry);
  }

  private <T> void counter(
      String name, Tags tags, T source, ToDoubleFunction<T> value, String description) {
    FunctionCounter.builder(name, source, value)
        .tags(tags)
        .description(description)
        .register(registry);
  }
}

package io.modelkeeper.operator.metricsource;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cumulative counters of one model-server pod at one scrape, and its quality gauges.
 *
 * @param requests all answered requests
 * @param errors requests whose outcome was not success
 * @param latencyBuckets cumulative request-latency bucket counts by upper bound in seconds
 * @param labelled labelled predictions in the pod's quality window, NaN when not exported
 * @param accuracy the pod's window accuracy, NaN when not exported or undefined
 * @param drift the pod's overall drift score, NaN when not exported
 * @param quality the pod's other window figures (precision, recall, F1, AUC-ROC, MAE...)
 * @param importance the pod's live importance by feature, empty when not exported
 * @param featureDrift the pod's PSI by input feature, empty when not exported
 */
public record PodSnapshot(
    double requests,
    double errors,
    TreeMap<Double, Double> latencyBuckets,
    double labelled,
    double accuracy,
    double drift,
    WindowQuality quality,
    Map<String, Double> importance,
    Map<String, Double> featureDrift) {

  /** A pod's figures without drift per feature. */
  public PodSnapshot(
      double requests,
      double errors,
      TreeMap<Double, Double> latencyBuckets,
      double labelled,
      double accuracy,
      double drift,
      WindowQuality quality,
      Map<String, Double> importance) {
    this(
        requests, errors, latencyBuckets, labelled, accuracy, drift, quality, importance, Map.of());
  }

  /** A pod's figures without live importance. */
  public PodSnapshot(
      double requests,
      double errors,
      TreeMap<Double, Double> latencyBuckets,
      double labelled,
      double accuracy,
      double drift,
      WindowQuality quality) {
    this(requests, errors, latencyBuckets, labelled, accuracy, drift, quality, Map.of());
  }

  /** Picks the operator's series out of one scrape. */
  public static PodSnapshot of(List<PrometheusText.Sample> samples) {
    double requests = 0;
    double errors = 0;
    double labelled = Double.NaN;
    double accuracy = Double.NaN;
    double drift = Double.NaN;
    Map<QualityFigure, Double> window = new EnumMap<>(QualityFigure.class);
    TreeMap<Double, Double> buckets = new TreeMap<>();
    Map<String, Double> importance = new TreeMap<>();
    Map<String, Double> featureDrift = new TreeMap<>();
    for (PrometheusText.Sample sample : samples) {
      QualityFigure figure = QualityFigure.bySeries(sample.name());
      if (figure != null) {
        // A class-labelled series is one class's figure; the unlabelled one is the window's.
        if (!sample.labels().containsKey("class")) {
          window.put(figure, sample.value());
        }
        continue;
      }
      String name = sample.name();
      if (name.equals(ServerMetricNames.REQUESTS)) {
        requests += sample.value();
        if (!ServerMetricNames.SUCCESS.equals(sample.labels().get(ServerMetricNames.OUTCOME))) {
          errors += sample.value();
        }
      } else if (name.equals(ServerMetricNames.DURATION_BUCKET)) {
        String le = sample.labels().get("le");
        if (le != null) {
          double bound = "+Inf".equals(le) ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
          buckets.merge(bound, sample.value(), Double::sum);
        }
      } else if (name.equals(ServerMetricNames.ACCURACY)) {
        accuracy = sample.value();
      } else if (name.equals(ServerMetricNames.WINDOW_PREDICTIONS)) {
        labelled = sample.value();
      } else if (name.equals(ServerMetricNames.DRIFT_SCORE)) {
        drift = sample.value();
      } else if (name.equals(ServerMetricNames.FEATURE_IMPORTANCE)) {
        String feature = sample.labels().get(ServerMetricNames.FEATURE);
        if (feature != null && Double.isFinite(sample.value())) {
          importance.put(feature, sample.value());
        }
      } else if (name.equals(ServerMetricNames.DRIFT_PSI)) {
        // NaN until the window has rows: not a figure.
        String feature = sample.labels().get(ServerMetricNames.FEATURE);
        if (feature != null && Double.isFinite(sample.value())) {
          featureDrift.merge(feature, sample.value(), Math::max);
        }
      }
    }
    return new PodSnapshot(
        requests,
        errors,
        buckets,
        labelled,
        accuracy,
        drift,
        new WindowQuality(window),
        importance,
        featureDrift);
  }

  /**
   * What happened since {@code before}. A counter lower than before means the server restarted, so
   * everything counted since its restart is new.
   */
  public PodSnapshot since(PodSnapshot before) {
    boolean restarted =
        requests < before.requests
            || errors < before.errors
            || total(latencyBuckets) < total(before.latencyBuckets);
    if (restarted) {
      return this;
    }
    TreeMap<Double, Double> delta = new TreeMap<>();
    latencyBuckets.forEach(
        (bound, count) ->
            delta.put(bound, Math.max(0, count - before.latencyBuckets.getOrDefault(bound, 0.0))));
    return new PodSnapshot(
        requests - before.requests,
        errors - before.errors,
        delta,
        labelled,
        accuracy,
        drift,
        quality,
        importance,
        featureDrift);
  }

  private static double total(TreeMap<Double, Double> buckets) {
    return buckets.isEmpty() ? 0 : buckets.lastEntry().getValue();
  }

  /** Bucket counts merged over several pods. */
  static TreeMap<Double, Double> merge(List<Map<Double, Double>> perPod) {
    TreeMap<Double, Double> merged = new TreeMap<>();
    perPod.forEach(
        buckets -> buckets.forEach((bound, count) -> merged.merge(bound, count, Double::sum)));
    return merged;
  }
}

package io.modelkeeper.operator.metricsource;

import java.util.Map;

/**
 * What one arm (all pods of one model version) did over an analysis interval. Counts are deltas
 * over the interval; latency comes from the interval's histogram deltas; quality figures are the
 * servers' window gauges. NaN means "not measured", never zero.
 *
 * @param requests requests answered in the interval
 * @param errors requests answered with a client or server error in the interval
 * @param latencyP50Seconds median request latency over the interval
 * @param latencyP99Seconds 99th-percentile request latency over the interval
 * @param labelled labelled predictions in the quality windows of the pods, summed: the sample size
 *     of the quality figures
 * @param accuracy accuracy over the window, weighted by each pod's labelled predictions
 * @param drift highest overall drift score among the pods
 * @param podsRead pods whose figures were read
 * @param podsMissed pods whose figures could not be read (a missing sample, not zero errors)
 * @param quality the window's other figures (precision, recall, F1, AUC-ROC, MAE...), pooled over
 *     the pods
 * @param importance live importance by feature, the mean over the pods that export it; empty when
 *     none does
 * @param featureDrift PSI by input feature, the highest over the pods that export it; empty when
 *     none does
 */
public record ArmMetrics(
    long requests,
    long errors,
    double latencyP50Seconds,
    double latencyP99Seconds,
    long labelled,
    double accuracy,
    double drift,
    int podsRead,
    int podsMissed,
    WindowQuality quality,
    Map<String, Double> importance,
    Map<String, Double> featureDrift) {

  public ArmMetrics {
    importance = importance == null ? Map.of() : Map.copyOf(importance);
    featureDrift = featureDrift == null ? Map.of() : Map.copyOf(featureDrift);
  }

  /** Figures without drift per feature. */
  public ArmMetrics(
      long requests,
      long errors,
      double latencyP50Seconds,
      double latencyP99Seconds,
      long labelled,
      double accuracy,
      double drift,
      int podsRead,
      int podsMissed,
      WindowQuality quality,
      Map<String, Double> importance) {
    this(
        requests,
        errors,
        latencyP50Seconds,
        latencyP99Seconds,
        labelled,
        accuracy,
        drift,
        podsRead,
        podsMissed,
        quality,
        importance,
        Map.of());
  }

  /** Figures without live importance. */
  public ArmMetrics(
      long requests,
      long errors,
      double latencyP50Seconds,
      double latencyP99Seconds,
      long labelled,
      double accuracy,
      double drift,
      int podsRead,
      int podsMissed,
      WindowQuality quality) {
    this(
        requests,
        errors,
        latencyP50Seconds,
        latencyP99Seconds,
        labelled,
        accuracy,
        drift,
        podsRead,
        podsMissed,
        quality,
        Map.of());
  }

  /** Nothing read. */
  public static final ArmMetrics NONE =
      new ArmMetrics(0, 0, Double.NaN, Double.NaN, 0, Double.NaN, Double.NaN, 0, 0);

  /** Figures with accuracy as the only quality figure. */
  public ArmMetrics(
      long requests,
      long errors,
      double latencyP50Seconds,
      double latencyP99Seconds,
      long labelled,
      double accuracy,
      double drift,
      int podsRead,
      int podsMissed) {
    this(
        requests,
        errors,
        latencyP50Seconds,
        latencyP99Seconds,
        labelled,
        accuracy,
        drift,
        podsRead,
        podsMissed,
        WindowQuality.NONE);
  }

  /** Error share of the interval, NaN without requests. */
  public double errorRate() {
    return requests == 0 ? Double.NaN : (double) errors / requests;
  }

  /** True when at least one pod was read. */
  public boolean measured() {
    return podsRead > 0;
  }
}

package io.modelkeeper.operator.metricsource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Adds up the interval deltas of an arm's pods into one {@link ArmMetrics}. Window figures are
 * weighted by each pod's labelled predictions (see {@link WindowQuality#pooled}); drift is the
 * highest pod's, and so is each feature's PSI (the arm drifted as far as its most drifted pod); a
 * feature's live importance is the mean over the pods that export it.
 */
public final class ArmAggregate {

  private final List<PodSnapshot> deltas = new ArrayList<>();
  private final List<PodSnapshot> gauges = new ArrayList<>();
  private int missed;

  /** A pod seen before: its change over the interval counts. */
  public void addDelta(PodSnapshot delta) {
    deltas.add(delta);
    gauges.add(delta);
  }

  /** A pod seen for the first time: only its gauges count; its counters become the baseline. */
  public void addFirstSight(PodSnapshot snapshot) {
    gauges.add(snapshot);
  }

  /** A pod whose /metrics could not be read. */
  public void addMissed() {
    missed++;
  }

  public ArmMetrics result() {
    long requests = 0;
    long errors = 0;
    List<Map<Double, Double>> buckets = new ArrayList<>();
    for (PodSnapshot delta : deltas) {
      requests += Math.round(delta.requests());
      errors += Math.round(delta.errors());
      buckets.add(delta.latencyBuckets());
    }
    TreeMap<Double, Double> merged = PodSnapshot.merge(buckets);
    long labelled = 0;
    long accuracyWeight = 0;
    double correct = 0;
    double drift = Double.NaN;
    List<WindowQuality.PodFigures> quality = new ArrayList<>();
    Map<String, double[]> importance = new TreeMap<>();
    Map<String, Double> featureDrift = new TreeMap<>();
    for (PodSnapshot pod : gauges) {
      pod.featureDrift().forEach((feature, psi) -> featureDrift.merge(feature, psi, Math::max));
      pod.importance()
          .forEach(
              (feature, value) -> {
                double[] sumAndCount = importance.computeIfAbsent(feature, f -> new double[2]);
                sumAndCount[0] += value;
                sumAndCount[1]++;
              });
      if (pod.labelled() > 0) {
        // Counted with or without accuracy: a regression window has none but is a sample all the
        // same.
        labelled += Math.round(pod.labelled());
        quality.add(new WindowQuality.PodFigures(pod.labelled(), pod.quality()));
      }
      if (pod.labelled() > 0 && !Double.isNaN(pod.accuracy())) {
        accuracyWeight += Math.round(pod.labelled());
        correct += pod.accuracy() * pod.labelled();
      }
      if (!Double.isNaN(pod.drift())) {
        drift = Double.isNaN(drift) ? pod.drift() : Math.max(drift, pod.drift());
      }
    }
    return new ArmMetrics(
        requests,
        errors,
        HistogramQuantile.of(0.5, merged),
        HistogramQuantile.of(0.99, merged),
        labelled,
        accuracyWeight == 0 ? Double.NaN : correct / accuracyWeight,
        drift,
        deltas.size(),
        missed,
        WindowQuality.pooled(quality),
        means(importance),
        featureDrift);
  }

  private static Map<String, Double> means(Map<String, double[]> sums) {
    Map<String, Double> means = new TreeMap<>();
    sums.forEach((feature, sumAndCount) -> means.put(feature, sumAndCount[0] / sumAndCount[1]));
    return means;
  }
}

package io.modelkeeper.operator.metricsource;

import io.modelkeeper.api.v1alpha1.FeatureImportance;
import io.modelkeeper.api.v1alpha1.ImportanceChange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What status says of the features that drive a version on live traffic: the most important ones,
 * and how their importance differs between the stable version and a canary.
 */
public final class LiveImportance {

  /** Features listed in status, at most. */
  public static final int LISTED = 5;

  private LiveImportance() {}

  /** The most important features, most important first (ties by name); null when none measured. */
  public static List<FeatureImportance> top(Map<String, Double> importance) {
    if (importance.isEmpty()) {
      return null;
    }
    return importance.entrySet().stream()
        .sorted(
            Map.Entry.<String, Double>comparingByValue()
                .reversed()
                .thenComparing(Map.Entry.comparingByKey()))
        .limit(LISTED)
        .map(
            entry ->
                new FeatureImportance(FeatureNames.forStatus(entry.getKey()), entry.getValue()))
        .toList();
  }

  /**
   * The features whose importance differs most between the arms, largest absolute difference first
   * (a feature one arm does not report counts as zero there, and is shown absent); null when
   * neither arm reports importance.
   */
  public static List<ImportanceChange> changes(
      Map<String, Double> stable, Map<String, Double> canary) {
    if (stable.isEmpty() && canary.isEmpty()) {
      return null;
    }
    List<ImportanceChange> changes = new ArrayList<>();
    for (String feature : union(stable, canary)) {
      changes.add(
          new ImportanceChange(
              FeatureNames.forStatus(feature), stable.get(feature), canary.get(feature)));
    }
    changes.sort(
        Comparator.comparingDouble(LiveImportance::difference)
            .reversed()
            .thenComparing(ImportanceChange::getFeature));
    return List.copyOf(changes.subList(0, Math.min(LISTED, changes.size())));
  }

  private static TreeSet<String> union(Map<String, Double> stable, Map<String, Double> canary) {
    TreeSet<String> features = new TreeSet<>(stable.keySet());
    features.addAll(canary.keySet());
    return features;
  }

  private static double difference(ImportanceChange change) {
    double stable = change.getStable() == null ? 0 : change.getStable();
    double canary = change.getCanary() == null ? 0 : change.getCanary();
    return Math.abs(canary - stable);
  }
}

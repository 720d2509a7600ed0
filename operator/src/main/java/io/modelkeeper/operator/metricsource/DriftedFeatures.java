package io.modelkeeper.operator.metricsource;

import io.modelkeeper.api.v1alpha1.FeatureDrift;
import java.util.List;
import java.util.Map;

/** What status says of the input features that moved most from a version's drift reference. */
public final class DriftedFeatures {

  /** Features listed in status, at most. */
  public static final int LISTED = 5;

  private DriftedFeatures() {}

  /** The most drifted features, highest PSI first (ties by name); null when none measured. */
  public static List<FeatureDrift> top(Map<String, Double> psi) {
    if (psi.isEmpty()) {
      return null;
    }
    return psi.entrySet().stream()
        .sorted(
            Map.Entry.<String, Double>comparingByValue()
                .reversed()
                .thenComparing(Map.Entry.comparingByKey()))
        .limit(LISTED)
        .map(entry -> new FeatureDrift(FeatureNames.forStatus(entry.getKey()), entry.getValue()))
        .toList();
  }
}

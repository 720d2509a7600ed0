package io.modelkeeper.operator.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelkeeper.api.v1alpha1.CanaryStatus;
import io.modelkeeper.api.v1alpha1.FeatureDrift;
import io.modelkeeper.api.v1alpha1.MetricsStatus;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelDeploymentStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The console's drift per feature: the most drifted features of the stable version and of the
 * canary side by side, each PSI marked when above spec.monitoring.slo.maxDrift.
 */
final class DriftTable {

  private DriftTable() {}

  /**
   * spec.monitoring.slo.maxDrift, or null. The overall drift score it bounds is the highest PSI
   * over the features, so it bounds each feature's PSI as well.
   */
  static Double threshold(ModelDeployment md) {
    var spec = md.getSpec();
    if (spec == null || spec.getMonitoring() == null || spec.getMonitoring().getSlo() == null) {
      return null;
    }
    return spec.getMonitoring().getSlo().getMaxDrift();
  }

  /**
   * One row per feature that either arm lists, the stable version's first: the stable figures of
   * the canary's last check while one runs (status.metrics otherwise), the canary's of the same
   * check. At most the two arms' bounded lists, so at most {@code 2 * MAX_ENTRIES} rows.
   */
  static ArrayNode rows(ModelDeploymentStatus status, Double threshold) {
    ArrayNode rows = JsonNodeFactory.instance.arrayNode();
    if (status == null) {
      return rows;
    }
    MetricsStatus stable = status.getMetrics();
    MetricsStatus canary = null;
    CanaryStatus rollout = status.getCanary();
    if (rollout != null && rollout.getAnalysis() != null) {
      if (rollout.getAnalysis().getStable() != null) {
        stable = rollout.getAnalysis().getStable();
      }
      canary = rollout.getAnalysis().getCanary();
    }
    Map<String, Double[]> byFeature = new LinkedHashMap<>();
    collect(byFeature, stable, 0);
    collect(byFeature, canary, 1);
    byFeature.forEach(
        (feature, psi) -> {
          ObjectNode row = rows.addObject();
          row.put("feature", feature);
          ConsoleJson.putNumber(row, "stable", psi[0]);
          ConsoleJson.putNumber(row, "canary", psi[1]);
          row.put("stableAbove", above(psi[0], threshold));
          row.put("canaryAbove", above(psi[1], threshold));
        });
    return rows;
  }

  private static void collect(Map<String, Double[]> byFeature, MetricsStatus arm, int column) {
    List<FeatureDrift> listed = arm == null ? null : arm.getDriftedFeatures();
    if (listed == null) {
      return;
    }
    // Status lists the most drifted first: those are the ones to keep.
    listed.stream()
        .limit(ConsoleJson.MAX_ENTRIES)
        .filter(drift -> drift.getFeature() != null)
        .forEach(
            drift ->
                byFeature
                        .computeIfAbsent(
                            ConsoleJson.text(drift.getFeature()), feature -> new Double[2])[
                        column] =
                    drift.getPsi());
  }

  private static boolean above(Double psi, Double threshold) {
    return psi != null && threshold != null && psi > threshold;
  }
}

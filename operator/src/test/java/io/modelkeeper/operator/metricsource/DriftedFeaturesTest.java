package io.modelkeeper.operator.metricsource;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.api.v1alpha1.FeatureDrift;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Drift per feature from a pod's /metrics into the bounded list status carries. */
class DriftedFeaturesTest {

  private static PodSnapshot pod(String series) {
    return PodSnapshot.of(PrometheusText.parse("# TYPE modelkeeper_drift_psi gauge\n" + series));
  }

  private static String psi(String feature, String value) {
    return "modelkeeper_drift_psi{feature=\""
        + feature
        + "\",model=\"fraud\",reference=\"shipped\",version=\"1\"} "
        + value
        + "\n";
  }

  @Test
  void aFeatureWhoseWindowIsStillEmptyIsNotAFigure() {
    assertThat(pod(psi("amount", "NaN") + psi("age", "0.04")).featureDrift())
        .containsOnly(Map.entry("age", 0.04));
  }

  @Test
  void withoutDriftSeriesStatusSaysNothingRatherThanAnEmptyList() {
    ArmAggregate arm = new ArmAggregate();
    arm.addFirstSight(pod(""));

    assertThat(ArmFigures.of(arm.result(), Instant.EPOCH).getDriftedFeatures()).isNull();
  }

  @Test
  void tiesGoByNameAndALongNameIsCut() {
    String longName = "x".repeat(10_000);
    var top =
        DriftedFeatures.top(
            Map.of("b", 0.3, "a", 0.3, longName, 0.5, "c", 0.01, "d", 0.02, "e", 0.2));

    assertThat(top).hasSize(DriftedFeatures.LISTED);
    assertThat(top.get(0).getFeature()).hasSize(FeatureNames.MAX_LENGTH);
    assertThat(top.subList(1, 5))
        .extracting(FeatureDrift::getFeature)
        .containsExactly("a", "b", "e", "d");
  }
}

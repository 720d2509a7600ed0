package io.modelkeeper.operator.metricsource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.groups.Tuple.tuple;

import io.modelkeeper.api.v1alpha1.FeatureImportance;
import io.modelkeeper.api.v1alpha1.ImportanceChange;
import io.modelkeeper.api.v1alpha1.MetricsStatus;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Live importance from the model servers' /metrics into status: averaged over an arm's pods, the
 * five most important features of a version, and the features whose importance differs most between
 * the stable version and a canary.
 */
class LiveImportanceTest {

  private static PodSnapshot pod(String importance) {
    return PodSnapshot.of(
        PrometheusText.parse(
            "# TYPE modelkeeper_feature_importance gauge\n"
                + importance
                + "modelkeeper_drift_score{model=\"fraud\",version=\"1\"} 0.02\n"));
  }

  private static String series(String feature, double value) {
    return "modelkeeper_feature_importance{feature=\""
        + feature
        + "\",model=\"fraud\",version=\"1\"} "
        + value
        + "\n";
  }

  @Test
  void anArmsImportanceIsTheMeanOverThePodsThatExportIt() {
    ArmAggregate arm = new ArmAggregate();
    arm.addFirstSight(pod(series("amount", 0.30) + series("age", 0.10)));
    arm.addFirstSight(pod(series("amount", 0.10) + series("balance", 0.05)));
    arm.addFirstSight(pod(""));

    Map<String, Double> importance = arm.result().importance();

    assertThat(importance).containsOnlyKeys("amount", "age", "balance");
    assertThat(importance.get("amount")).isCloseTo(0.20, within(1e-12));
    assertThat(importance.get("age")).isCloseTo(0.10, within(1e-12));
    assertThat(importance.get("balance")).isCloseTo(0.05, within(1e-12));
  }

  @Test
  void statusListsTheFiveMostImportantFeaturesMostImportantFirst() {
    StringBuilder text = new StringBuilder();
    double[] values = {0.01, 0.40, 0.07, 0.40, 0.20, 0.03, 0.09};
    for (int i = 0; i < values.length; i++) {
      text.append(series("f" + i, values[i]));
    }
    ArmAggregate arm = new ArmAggregate();
    arm.addFirstSight(pod(text.toString()));

    MetricsStatus status = ArmFigures.of(arm.result(), Instant.EPOCH);

    assertThat(status.getTopFeatures())
        .extracting(FeatureImportance::getFeature)
        .containsExactly("f1", "f3", "f4", "f6", "f2");
    assertThat(status.getTopFeatures().get(0).getImportance()).isEqualTo(0.40);
  }

  @Test
  void withoutImportanceStatusSaysNothingRatherThanAnEmptyList() {
    ArmAggregate arm = new ArmAggregate();
    arm.addFirstSight(pod(""));

    assertThat(ArmFigures.of(arm.result(), Instant.EPOCH).getTopFeatures()).isNull();
    assertThat(LiveImportance.changes(Map.of(), Map.of())).isNull();
  }

  @Test
  void theCanarysAnalysisShowsTheFeaturesThatMovedMostFirst() {
    Map<String, Double> stable = Map.of("amount", 0.30, "age", 0.10, "balance", 0.05);
    Map<String, Double> canary = Map.of("amount", 0.12, "age", 0.11, "country", 0.09);

    assertThat(LiveImportance.changes(stable, canary))
        .extracting(
            ImportanceChange::getFeature, ImportanceChange::getStable, ImportanceChange::getCanary)
        .containsExactly(
            tuple("amount", 0.30, 0.12),
            tuple("country", null, 0.09),
            tuple("balance", 0.05, null),
            tuple("age", 0.10, 0.11));
  }
}

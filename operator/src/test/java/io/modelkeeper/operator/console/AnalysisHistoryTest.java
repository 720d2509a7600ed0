package io.modelkeeper.operator.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.modelkeeper.api.v1alpha1.AnalysisStatus;
import io.modelkeeper.api.v1alpha1.ArmStatus;
import io.modelkeeper.api.v1alpha1.CanaryStatus;
import io.modelkeeper.api.v1alpha1.MetricsStatus;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelDeploymentStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AnalysisHistoryTest {

  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  @Test
  void aCanaryCheckIsOnePointWithBothArmsAndTheWeight() {
    AnalysisHistory history = new AnalysisHistory();
    history.record(md("a", "u1"), canaryChecked(0, 25, 0.01, 0.02));

    AnalysisHistory.Point point = history.points("ml", "a").get(0);
    assertThat(point.atMillis()).isEqualTo(T0.toEpochMilli());
    assertThat(point.weight()).isEqualTo(25);
    assertThat(point.version()).isEqualTo("2");
    assertThat(point.decision()).isEqualTo("Wait");
    assertThat(point.stable().errorRate()).isEqualTo(0.01);
    assertThat(point.canary().errorRate()).isEqualTo(0.02);
  }

  @Test
  void theSameCheckSeenAgainAddsNothing_andServingFiguresCountWithoutACanary() {
    AnalysisHistory history = new AnalysisHistory();
    history.record(md("a", "u1"), canaryChecked(0, 25, 0.01, 0.02));
    history.record(md("a", "u1"), canaryChecked(0, 25, 0.01, 0.02));
    history.record(md("a", "u1"), serving(5, 0.03));

    assertThat(history.points("ml", "a")).hasSize(2);
    AnalysisHistory.Point serving = history.points("ml", "a").get(1);
    assertThat(serving.weight()).isZero();
    assertThat(serving.canary()).isNull();
    assertThat(serving.stable().errorRate()).isEqualTo(0.03);
    history.record(md("a", "u1"), new ModelDeploymentStatus());
    assertThat(history.points("ml", "a")).as("a status with no figures").hasSize(2);
  }

  @Test
  void boundedPerModelAndInTotal_oldestGoFirst() {
    AnalysisHistory history = new AnalysisHistory(3, 5);
    for (int i = 0; i < 10; i++) {
      history.record(md("a", "u1"), serving(i, 0.01));
    }
    assertThat(history.points("ml", "a"))
        .extracting(AnalysisHistory.Point::atMillis)
        .containsExactly(millis(7), millis(8), millis(9));
    for (int i = 20; i < 24; i++) {
      history.record(md("b", "u2"), serving(i, 0.01));
    }
    assertThat(history.size()).isEqualTo(5);
    assertThat(history.points("ml", "a"))
        .as("the oldest points of all went")
        .extracting(AnalysisHistory.Point::atMillis)
        .containsExactly(millis(8), millis(9));
    assertThat(history.points("ml", "b")).hasSize(3);
  }

  @Test
  void forgottenWhenDeleted_andAFreshObjectOfTheSameNameStartsAgain() {
    AnalysisHistory history = new AnalysisHistory();
    history.record(md("a", "u1"), serving(1, 0.01));
    history.record(md("a", "u2"), serving(0, 0.01));
    assertThat(history.points("ml", "a"))
        .extracting(AnalysisHistory.Point::atMillis)
        .containsExactly(millis(0));
    history.forget("ml", "a");
    assertThat(history.points("ml", "a")).isEmpty();
    assertThat(history.size()).isZero();
  }

  private static long millis(int seconds) {
    return T0.plusSeconds(seconds).toEpochMilli();
  }

  static ModelDeployment md(String name, String uid) {
    ModelDeployment md = new ModelDeployment();
    md.setMetadata(new ObjectMetaBuilder().withNamespace("ml").withName(name).withUid(uid).build());
    return md;
  }

  static ModelDeploymentStatus canaryChecked(
      int second, int weight, double stableErrors, double canaryErrors) {
    AnalysisStatus analysis = new AnalysisStatus();
    analysis.setCheckedAt(T0.plusSeconds(second).toString());
    analysis.setDecision("Wait");
    analysis.setStable(figures(stableErrors));
    analysis.setCanary(figures(canaryErrors));
    CanaryStatus canary = new CanaryStatus();
    canary.setVersion("2");
    canary.setWeight(weight);
    canary.setStep(0);
    canary.setAnalysis(analysis);
    ModelDeploymentStatus status = new ModelDeploymentStatus();
    status.setCanary(canary);
    return status;
  }

  static ModelDeploymentStatus serving(int second, double errorRate) {
    MetricsStatus metrics = figures(errorRate);
    metrics.setObservedAt(T0.plusSeconds(second).toString());
    ArmStatus stable = new ArmStatus();
    stable.setVersion("1");
    ModelDeploymentStatus status = new ModelDeploymentStatus();
    status.setStable(stable);
    status.setMetrics(metrics);
    return status;
  }

  static MetricsStatus figures(double errorRate) {
    MetricsStatus metrics = new MetricsStatus();
    metrics.setRequests(100L);
    metrics.setErrorRate(errorRate);
    metrics.setLatencyP99Seconds(0.05);
    metrics.setAccuracy(0.9);
    return metrics;
  }
}

package io.modelkeeper.operator.rollout;

import static io.modelkeeper.operator.testing.TestModels.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.modelkeeper.api.v1alpha1.Conditions;
import io.modelkeeper.api.v1alpha1.FeatureDrift;
import io.modelkeeper.api.v1alpha1.HistoryEntry;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelDeploymentStatus;
import io.modelkeeper.api.v1alpha1.Phase;
import io.modelkeeper.api.v1alpha1.RolloutResult;
import io.modelkeeper.operator.metricsource.ArmMetrics;
import io.modelkeeper.operator.observe.ObservedWorkloads;
import io.modelkeeper.operator.rollout.analysis.Decision;
import io.modelkeeper.operator.status.StatusAggregator;
import io.modelkeeper.operator.testing.FakeMetricsSource;
import io.modelkeeper.operator.testing.TestModels;
import io.modelkeeper.operator.testing.TestWorkloads;
import io.modelkeeper.operator.validation.SpecValidator;
import io.modelkeeper.operator.workload.ModelVersion;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A canary walked reconcile by reconcile through the pure rollout rules, status carried between
 * them.
 */
class CanaryRolloutTest {

  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
  private static final ArmMetrics STABLE = FakeMetricsSource.serving(1000, 10, 0.05);
  private static final ArmMetrics GOOD = FakeMetricsSource.serving(300, 3, 0.05);
  private static final ArmMetrics BAD = FakeMetricsSource.serving(300, 60, 0.05);

  private ModelDeployment md;
  private final Map<String, ArmMetrics> figures = new HashMap<>();
  private final Map<String, Integer> reads = new HashMap<>();
  private TestWorkloads cluster;
  private RolloutPlan plan;

  @BeforeEach
  void servingVersionOne() {
    md =
        TestModels.model(
            "fraud",
            "1",
            spec -> {
              spec.getModel().setUri(TestWorkloads.file("1").uri());
              spec.getServing().setReplicas(2);
              spec.getRollout().setSteps(List.of(step(25, "1m"), step(50, "1m")));
              spec.getRollout().getAnalysis().setInterval("30s");
              spec.getRollout().getAnalysis().setMinRequests(100);
              spec.getRollout().setProgressDeadline("10m");
            });
    cluster = TestWorkloads.of(md).deployment("1", 2, 2);
    reconcile(T0.minusSeconds(600));
    figures.put("1", STABLE);
    assertThat(md.getStatus().getStable().getVersion()).isEqualTo("1");
  }

  @Test
  void goodCanaryAdvancesStepByStepAndIsPromoted() {
    figures.put("2", GOOD);
    newVersion("2");
    reconcile(T0);
    assertThat(md.getStatus().getCanary().getRequestedWeight()).isEqualTo(25);
    assertThat(replicas()).containsEntry("1", 2).containsEntry("2", 1);
    assertThat(decision()).isEqualTo(Decision.Wait);
    assertThat(md.getStatus().getCanary().getAnalysis().getReason()).contains("not ready");

    cluster = TestWorkloads.of(md).deployment("1", 2, 2).deployment("2", 1, 1);
    reconcile(T0.plusSeconds(30));
    assertThat(decision()).isEqualTo(Decision.Wait);
    assertThat(md.getStatus().getCanary().getWeight()).as("1 of 3 ready pods").isEqualTo(33);
    assertThat(md.getStatus().getCanary().getWeightNote()).contains("the step asks 25%");

    reconcile(T0.plusSeconds(61));
    assertThat(decision()).isEqualTo(Decision.Advance);
    assertThat(md.getStatus().getCanary().getStep()).isEqualTo(1);
    assertThat(md.getStatus().getCanary().getRequestedWeight()).isEqualTo(50);
    assertThat(replicas()).containsEntry("1", 2).containsEntry("2", 2);
    assertThat(md.getStatus().getCanary().getAnalysis().getCanaryStepRequests()).isZero();
    assertThat(md.getStatus().getCanary().getAnalysis().getCanary().getRequests()).isEqualTo(900);

    cluster = TestWorkloads.of(md).deployment("1", 2, 2).deployment("2", 2, 2);
    reconcile(T0.plusSeconds(91));
    assertThat(decision()).isEqualTo(Decision.Wait);
    reconcile(T0.plusSeconds(122));
    assertThat(md.getStatus().getStable().getVersion()).isEqualTo("2");
    assertThat(md.getStatus().getCanary()).isNull();
    assertThat(replicas()).containsOnlyKeys("2").containsEntry("2", 2);
    assertThat(lastHistory().getResult()).isEqualTo(RolloutResult.Promoted);
    assertThat(lastHistory().getReason())
        .contains("all 2 steps passed")
        .contains("replaced version 1");
  }

  @Test
  void theAnalysisShowsHowLiveImportanceMovedWithoutJudgingOnIt() {
    figures.put("1", withImportance(STABLE, Map.of("amount", 0.30, "age", 0.10)));
    figures.put("2", withImportance(GOOD, Map.of("amount", 0.05, "age", 0.12, "hour", 0.20)));
    newVersion("2");
    cluster = TestWorkloads.of(md).deployment("1", 2, 2).deployment("2", 1, 1);
    reconcile(T0);
    reconcile(T0.plusSeconds(61));

    assertThat(decision()).as("importance is shown, not a gate").isEqualTo(Decision.Advance);
    var analysis = md.getStatus().getCanary().getAnalysis();
    assertThat(analysis.getImportanceChanges())
        .extracting(change -> change.getFeature())
        .containsExactly("amount", "hour", "age");
    assertThat(analysis.getImportanceChanges().get(0).getStable()).isEqualTo(0.30);
    assertThat(analysis.getImportanceChanges().get(0).getCanary()).isEqualTo(0.05);
    assertThat(analysis.getCanary().getTopFeatures().get(0).getFeature()).isEqualTo("hour");
  }

  @Test
  void eachArmOfTheAnalysisListsItsMostDriftedFeaturesWithoutJudgingOnThem() {
    figures.put("1", withDrift(STABLE, Map.of("amount", 0.02, "age", 0.01)));
    figures.put("2", withDrift(GOOD, Map.of("amount", 0.05, "age", 0.40, "hour", 0.12)));
    newVersion("2");
    cluster = TestWorkloads.of(md).deployment("1", 2, 2).deployment("2", 1, 1);
    reconcile(T0);
    reconcile(T0.plusSeconds(61));

    assertThat(decision()).as("drift per feature is shown, not a gate").isEqualTo(Decision.Advance);
    var analysis = md.getStatus().getCanary().getAnalysis();
    assertThat(analysis.getCanary().getDriftedFeatures())
        .extracting(FeatureDrift::getFeature, FeatureDrift::getPsi)
        .containsExactly(tuple("age", 0.40), tuple("hour", 0.12), tuple("amount", 0.05));
    assertThat(analysis.getStable().getDriftedFeatures())
        .extracting(FeatureDrift::getFeature)
        .containsExactly("amount", "age");
  }

  private static ArmMetrics withDrift(ArmMetrics figures, Map<String, Double> featureDrift) {
    return new ArmMetrics(
        figures.requests(),
        figures.errors(),
        figures.latencyP50Seconds(),
        figures.latencyP99Seconds(),
        figures.labelled(),
        figures.accuracy(),
        figures.drift(),
        figures.podsRead(),
        figures.podsMissed(),
        figures.quality(),
        figures.importance(),
        featureDrift);
  }

  private static ArmMetrics withImportance(ArmMetrics figures, Map<String, Double> importance) {
    return new ArmMetrics(
        figures.requests(),
        figures.errors(),
        figures.latencyP50Seconds(),
        figures.latencyP99Seconds(),
        figures.labelled(),
        figures.accuracy(),
        figures.drift(),
        figures.podsRead(),
        figures.podsMissed(),
        figures.quality(),
        importance);
  }

  @Test
  void failingCanaryIsRolledBackWithStableAtFullSizeAndNotRetried() {
    figures.put("2", BAD);
    newVersion("2");
    cluster = TestWorkloads.of(md).deployment("1", 2, 2).deployment("2", 1, 1);
    reconcile(T0);
    assertThat(decision()).isEqualTo(Decision.Wait);
    assertThat(md.getStatus().getCanary().getAnalysis().getFailedChecks()).isEqualTo(1);
    assertThat(replicas()).containsEntry("1", 2);

    reconcile(T0.plusSeconds(30));
    assertThat(md.getStatus().getCanary()).isNull();
    assertThat(replicas()).containsOnlyKeys("1").containsEntry("1", 2);
    assertThat(md.getStatus().getRejected().getVersion()).isEqualTo("2");
    assertThat(lastHistory().getResult()).isEqualTo(RolloutResult.RolledBack);
    assertThat(lastHistory().getReason())
        .contains("failed check 2 of 2")
        .contains("higher than stable's");
    assertThat(md.getStatus().getPhase())
        .as("the canary Deployment still drains")
        .isEqualTo(Phase.RollingBack);
    assertThat(StatusAggregator.find(md.getStatus(), Conditions.PROGRESSING).getReason())
        .isEqualTo(Conditions.REASON_ROLLED_BACK);

    cluster = TestWorkloads.of(md).deployment("1", 2, 2);
    reconcile(T0.plusSeconds(600));
    assertThat(md.getStatus().getCanary()).as("not retried while the spec stays").isNull();
    assertThat(md.getStatus().getPhase()).isEqualTo(Phase.Ready);

    newVersion("3");
    reconcile(T0.plusSeconds(630));
    assertThat(md.getStatus().getCanary().getVersion()).isEqualTo("3");
    assertThat(md.getStatus().getRejected()).isNull();
  }

  @Test
  void historyNamesARolledBackFileWithoutTheCredentialsItsUriCarries() {
    figures.put("2", BAD);
    md.getSpec().getModel().setVersion("2");
    md.getSpec()
        .getModel()
        .setUri("https://alice:s3cret@models.example.com/2/model.onnx?X-Amz-Signature=abc123");
    cluster = TestWorkloads.of(md).deployment("1", 2, 2).deployment("2", 1, 1);
    reconcile(T0);
    reconcile(T0.plusSeconds(30));

    HistoryEntry entry = lastHistory();
    assertThat(entry.getResult()).isEqualTo(RolloutResult.RolledBack);
    assertThat(entry.getUri())
        .isEqualTo("https://***@models.example.com/2/model.onnx?***")
        .doesNotContain("s3cret")
        .doesNotContain("abc123");
    assertThat(entry.getRevision())
        .as("the revision of the file as written")
        .isEqualTo(ModelVersion.of(md.getSpec().getModel()).revision());
  }

  @Test
  void checksRunOnlyWhenTheIntervalIsDueSoARepeatedReconcileDoesNotDoubleAStep() {
    figures.put("2", GOOD);
    newVersion("2");
    cluster = TestWorkloads.of(md).deployment("1", 2, 2).deployment("2", 1, 1);
    reconcile(T0);
    reconcile(T0.plusSeconds(61));
    assertThat(md.getStatus().getCanary().getStep()).isEqualTo(1);
    int readsBefore = reads.get("2");

    reconcile(T0.plusSeconds(62));
    reconcile(T0.plusSeconds(75));
    assertThat(md.getStatus().getCanary().getStep()).isEqualTo(1);
    assertThat(reads.get("2")).isEqualTo(readsBefore);
    assertThat(plan.rollout().verdict()).isNull();
  }

  @Test
  void restartedOperatorResumesAtTheSameStepFromStatusAlone() {
    figures.put("2", GOOD);
    newVersion("2");
    cluster = TestWorkloads.of(md).deployment("1", 2, 2).deployment("2", 1, 1);
    reconcile(T0);
    reconcile(T0.plusSeconds(61));
    ModelDeploymentStatus saved = md.getStatus();

    // A new operator process: no scrape baselines, so its first read of each pod counts nothing.
    figures.clear();
    md.setStatus(saved);
    reconcile(T0.plusSeconds(200));
    assertThat(md.getStatus().getCanary().getStep()).isEqualTo(1);
    assertThat(decision()).isEqualTo(Decision.Wait);
    assertThat(md.getStatus().getCanary().getAnalysis().getReason()).contains("could not be read");
    assertThat(md.getStatus().getCanary().getAnalysis().getCanary().getRequests())
        .as("counts since the canary started survive in status")
        .isEqualTo(600);
  }

  @Test
  void newVersionDuringACanaryReplacesIt() {
    figures.put("2", GOOD);
    newVersion("2");
    reconcile(T0);
    newVersion("3");
    reconcile(T0.plusSeconds(10));
    assertThat(md.getStatus().getCanary().getVersion()).isEqualTo("3");
    assertThat(md.getStatus().getCanary().getStep()).isZero();
    assertThat(lastHistory().getVersion()).isEqualTo("2");
    assertThat(lastHistory().getReason()).contains("superseded by version 3");
    assertThat(replicas()).containsOnlyKeys("1", "3");
  }

  @Test
  void abortAnnotationActsOnceAndIsNotAppliedToTheNextCanary() {
    figures.put("2", GOOD);
    newVersion("2");
    reconcile(T0);
    md.getMetadata().setAnnotations(Map.of(ManualControl.ABORT, "latency looks odd"));
    reconcile(T0.plusSeconds(5));
    assertThat(md.getStatus().getCanary()).isNull();
    assertThat(lastHistory().getReason())
        .isEqualTo("aborted by annotation modelkeeper.io/abort: latency looks odd");
    assertThat(md.getStatus().getManualActions())
        .singleElement()
        .satisfies(a -> assertThat(a.getVersion()).isEqualTo("2"));

    newVersion("3");
    reconcile(T0.plusSeconds(40));
    assertThat(md.getStatus().getCanary().getVersion()).isEqualTo("3");

    md.getMetadata().setAnnotations(Map.of(ManualControl.PROMOTE, "now"));
    reconcile(T0.plusSeconds(45));
    assertThat(md.getStatus().getManualActions())
        .singleElement()
        .satisfies(a -> assertThat(a.getAnnotation()).isEqualTo(ManualControl.PROMOTE));
    assertThat(md.getStatus().getPhase()).isEqualTo(Phase.Promoting);
    assertThat(replicas()).containsEntry("3", 2);
  }

  @Test
  void gpuBudgetCapsTheCanaryAndPromotionSwapsPodsWithinIt() {
    md.getSpec().getServing().setGpus(1);
    md.getSpec().getServing().setReplicas(4);
    md.getSpec().getRollout().setMaxExtraGpus(1);
    cluster = TestWorkloads.of(md).deployment("1", 4, 4);
    figures.put("2", GOOD);
    newVersion("2");
    reconcile(T0);
    assertThat(replicas()).containsEntry("1", 4).containsEntry("2", 1);
    assertThat(md.getStatus().getCanary().getWeightNote()).contains("spec.rollout.maxExtraGpus");

    md.getMetadata().setAnnotations(Map.of(ManualControl.PROMOTE, "now"));
    cluster = TestWorkloads.of(md).deployment("1", 4, 4).deployment("2", 1, 1);
    reconcile(T0.plusSeconds(5));
    assertThat(replicas())
        .as("one stable pod goes per ready canary pod; one extra GPU at most")
        .containsEntry("1", 3)
        .containsEntry("2", 2);
  }

  @Test
  void specGoingBackToTheServingVersionEndsTheCanary() {
    newVersion("2");
    reconcile(T0);
    newVersion("1");
    reconcile(T0.plusSeconds(5));
    assertThat(md.getStatus().getCanary()).isNull();
    assertThat(lastHistory().getReason()).contains("went back to the serving version 1");
    assertThat(replicas()).containsOnlyKeys("1");
  }

  @Test
  void nothingChangesInStatusWhileNothingHappens() throws Exception {
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    reconcile(T0);
    String before = json.writeValueAsString(md.getStatus());
    reconcile(T0.plusSeconds(30));
    assertThat(json.writeValueAsString(md.getStatus())).isEqualTo(before);
  }

  private void newVersion(String version) {
    md.getSpec().getModel().setVersion(version);
    md.getSpec().getModel().setUri("https://models.example.com/" + version);
  }

  /** What the reconciler does, without the API server: plan, then the one status. */
  private void reconcile(Instant now) {
    ObservedWorkloads observed = cluster.observed();
    ModelVersion wanted = ModelVersion.of(md.getSpec().getModel());
    ModelVersion serving =
        ModelVersion.of(md.getStatus() == null ? null : md.getStatus().getStable());
    if (serving == null || serving.equals(wanted)) {
      plan =
          RolloutPlan.decide(wanted, serving, md.getSpec().getServing().getReplicas(), observed)
              .with(CanaryRollout.withoutCanary(md, serving, now));
    } else {
      plan =
          CanaryRollout.plan(
              md,
              SpecValidator.validate(md.getSpec()).spec(),
              serving,
              observed,
              model -> {
                reads.merge(model.version(), 1, Integer::sum);
                return figures.getOrDefault(
                    model.version(),
                    new ArmMetrics(0, 0, Double.NaN, Double.NaN, 0, Double.NaN, Double.NaN, 0, 2));
              },
              model -> null,
              now);
    }
    md.setStatus(
        StatusAggregator.build(
            md,
            StatusAggregator.Findings.of(
                SpecValidator.validate(md.getSpec()).spec(),
                plan,
                observed,
                null,
                null,
                null,
                null),
            now));
  }

  private Map<String, Integer> replicas() {
    Map<String, Integer> replicas = new HashMap<>();
    plan.workloads().forEach(w -> replicas.put(w.model().version(), w.replicas()));
    return replicas;
  }

  private Decision decision() {
    return Decision.valueOf(md.getStatus().getCanary().getAnalysis().getDecision());
  }

  private HistoryEntry lastHistory() {
    List<HistoryEntry> history = md.getStatus().getHistory();
    return history.get(history.size() - 1);
  }
}

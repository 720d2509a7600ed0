package io.modelkeeper.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.modelkeeper.api.v1alpha1.ArmStatus;
import io.modelkeeper.api.v1alpha1.Conditions;
import io.modelkeeper.api.v1alpha1.ManualAction;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelDeploymentStatus;
import io.modelkeeper.api.v1alpha1.Phase;
import io.modelkeeper.api.v1alpha1.RolloutResult;
import io.modelkeeper.operator.metricsource.ArmMetrics;
import io.modelkeeper.operator.observe.ObservedWorkloads;
import io.modelkeeper.operator.observe.WorkloadProblem;
import io.modelkeeper.operator.rollout.CanaryRollout;
import io.modelkeeper.operator.rollout.RolloutPlan;
import io.modelkeeper.operator.testing.TestModels;
import io.modelkeeper.operator.testing.TestWorkloads;
import io.modelkeeper.operator.validation.SpecValidator;
import io.modelkeeper.operator.workload.ModelVersion;
import io.modelkeeper.operator.workload.WorkloadNames;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusAggregatorTest {

  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
  private static final Instant T1 = Instant.parse("2026-01-01T10:05:00Z");

  private final ModelVersion v1 = new ModelVersion("1", "https://models.example.com/1", null);
  private final ModelVersion v2 = new ModelVersion("2", "https://models.example.com/2", null);

  private static ModelDeployment model(String version, int replicas) {
    return TestModels.model("fraud", version, spec -> spec.getServing().setReplicas(replicas));
  }

  private static Condition condition(ModelDeploymentStatus status, String type) {
    return StatusAggregator.find(status, type);
  }

  private static ModelDeploymentStatus build(
      ModelDeployment md,
      ModelVersion wanted,
      ModelVersion serving,
      ObservedWorkloads observed,
      WorkloadProblem stableProblem,
      WorkloadProblem incomingProblem,
      Instant now) {
    md.getSpec().getModel().setVersion(wanted.version());
    md.getSpec().getModel().setUri(wanted.uri());
    var plan =
        serving == null || serving.version().equals(wanted.version())
            ? RolloutPlan.decide(wanted, serving, md.getSpec().getServing().getReplicas(), observed)
                .with(CanaryRollout.withoutCanary(md, serving, now))
            : CanaryRollout.plan(
                md,
                SpecValidator.validate(md.getSpec()).spec(),
                serving,
                observed,
                version -> ArmMetrics.NONE,
                version -> null,
                now);
    return StatusAggregator.build(
        md,
        StatusAggregator.Findings.of(
            SpecValidator.validate(md.getSpec()).spec(),
            plan,
            observed,
            stableProblem,
            incomingProblem,
            null,
            null),
        now);
  }

  @Test
  void servingVersionWithAllPodsReadyIsReady() {
    ModelDeployment md = model("1", 2);
    md.getMetadata().setGeneration(4L);
    var status =
        build(md, v1, v1, TestWorkloads.of(md).deployment("1", 2, 2).observed(), null, null, T0);

    assertThat(status.getPhase()).isEqualTo(Phase.Ready);
    assertThat(status.getObservedGeneration()).isEqualTo(4L);
    assertThat(status.getStable().getVersion()).isEqualTo("1");
    assertThat(status.getStable().getReadyReplicas()).isEqualTo(2);
    assertThat(status.getStable().getDeployment()).isEqualTo(WorkloadNames.deployment(md, v1));
    assertThat(status.getStable().getRevision()).isEqualTo(v1.revision());
    assertThat(status.getEndpoint()).isEqualTo("http://fraud.ml.svc.cluster.local/v2/models/fraud");
    assertThat(status.getCanary()).isNull();
    assertThat(condition(status, Conditions.READY))
        .satisfies(
            c -> {
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getReason()).isEqualTo(Conditions.REASON_AVAILABLE);
              assertThat(c.getObservedGeneration()).isEqualTo(4L);
              assertThat(c.getLastTransitionTime()).isEqualTo("2026-01-01T10:00:00Z");
            });
    assertThat(condition(status, Conditions.PROGRESSING).getStatus()).isEqualTo("False");
    assertThat(condition(status, Conditions.DEGRADED).getStatus()).isEqualTo("False");
    assertThat(condition(status, Conditions.RECONCILING).getStatus()).isEqualTo("False");
    assertThat(condition(status, Conditions.STALLED).getStatus()).isEqualTo("False");
  }

  @Test
  void lastTransitionTimeMovesOnlyWhenTheStatusOfAConditionChanges() {
    ModelDeployment md = model("1", 2);
    md.setStatus(
        build(md, v1, v1, TestWorkloads.of(md).deployment("1", 2, 2).observed(), null, null, T0));

    var same =
        build(md, v1, v1, TestWorkloads.of(md).deployment("1", 2, 2).observed(), null, null, T1);
    assertThat(condition(same, Conditions.READY).getLastTransitionTime())
        .isEqualTo("2026-01-01T10:00:00Z");

    var fewer =
        build(md, v1, v1, TestWorkloads.of(md).deployment("1", 2, 1).observed(), null, null, T1);
    assertThat(condition(fewer, Conditions.READY).getStatus()).isEqualTo("False");
    assertThat(condition(fewer, Conditions.READY).getReason())
        .isEqualTo(Conditions.REASON_WAITING_FOR_PODS);
    assertThat(condition(fewer, Conditions.READY).getLastTransitionTime())
        .isEqualTo("2026-01-01T10:05:00Z");
    assertThat(condition(fewer, Conditions.DEGRADED).getLastTransitionTime())
        .isEqualTo("2026-01-01T10:00:00Z");
  }

  @Test
  void firstVersionFailingToFetchIsNotReadyAndFailed() {
    ModelDeployment md = model("1", 1);
    var fetch =
        new WorkloadProblem(
            Conditions.REASON_MODEL_FETCH_FAILED, "Version 1 cannot fetch its model");
    var status =
        build(md, v1, null, TestWorkloads.of(md).deployment("1", 1, 0).observed(), null, fetch, T0);

    assertThat(status.getPhase()).isEqualTo(Phase.Failed);
    assertThat(status.getStable()).isNull();
    assertThat(condition(status, Conditions.READY).getReason())
        .isEqualTo(Conditions.REASON_MODEL_FETCH_FAILED);
    assertThat(condition(status, Conditions.READY).getStatus()).isEqualTo("False");
    assertThat(condition(status, Conditions.DEGRADED).getStatus()).isEqualTo("True");
    assertThat(condition(status, Conditions.PROGRESSING).getStatus()).isEqualTo("False");
    assertThat(condition(status, Conditions.STALLED))
        .as("only a change of spec.model gets it going: kstatus reads Failed")
        .satisfies(
            c -> {
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getReason()).isEqualTo(Conditions.REASON_MODEL_FETCH_FAILED);
            });
  }

  @Test
  void failingNewVersionIsNotReadyWhileTheServingOneKeepsServing() {
    ModelDeployment md = model("2", 2);
    var fetch =
        new WorkloadProblem(
            Conditions.REASON_MODEL_FETCH_FAILED, "Version 2 cannot fetch its model");
    var observed = TestWorkloads.of(md).deployment("1", 2, 2).deployment("2", 2, 0).observed();
    var status = build(md, v2, v1, observed, null, fetch, T0);

    assertThat(status.getPhase()).isEqualTo(Phase.Degraded);
    assertThat(status.getStable().getVersion()).isEqualTo("1");
    assertThat(status.getCanary().getVersion()).isEqualTo("2");
    assertThat(status.getCanary().getWeight()).isZero();
    assertThat(condition(status, Conditions.READY))
        .satisfies(
            ready -> {
              assertThat(ready.getStatus()).isEqualTo("False");
              assertThat(ready.getReason()).isEqualTo(Conditions.REASON_MODEL_FETCH_FAILED);
              assertThat(ready.getMessage())
                  .contains("Version 2 cannot fetch its model")
                  .contains("Version 1 keeps serving with 2/2 pods");
            });
    assertThat(condition(status, Conditions.DEGRADED).getReason())
        .isEqualTo(Conditions.REASON_MODEL_FETCH_FAILED);
  }

  @Test
  void newVersionStartingBesideTheServingOneShowsItsShareOfReadyPods() {
    ModelDeployment md = model("2", 2);
    var observed = TestWorkloads.of(md).deployment("1", 2, 2).deployment("2", 2, 1).observed();
    var status = build(md, v2, v1, observed, null, null, T0);

    assertThat(status.getPhase())
        .as("without rollout.steps a ready new version takes over")
        .isEqualTo(Phase.Promoting);
    assertThat(status.getCanary().getWeight()).isEqualTo(33);
    assertThat(status.getCanary().getStartedAt()).isEqualTo("2026-01-01T10:00:00Z");
    assertThat(condition(status, Conditions.PROGRESSING).getStatus()).isEqualTo("True");
    assertThat(condition(status, Conditions.PROGRESSING).getMessage()).contains("beside version 1");
    assertThat(condition(status, Conditions.RECONCILING).getStatus())
        .as("kstatus reads InProgress while the new version takes over")
        .isEqualTo("True");
    assertThat(condition(status, Conditions.STALLED).getStatus()).isEqualTo("False");
  }

  @Test
  void promotionIsRecordedInHistory() {
    ModelDeployment md = model("2", 1);
    md.setStatus(
        build(md, v1, v1, TestWorkloads.of(md).deployment("1", 1, 1).observed(), null, null, T0));
    var status =
        build(
            md,
            v2,
            v1,
            TestWorkloads.of(md).deployment("1", 1, 1).deployment("2", 1, 1).observed(),
            null,
            null,
            T1);

    assertThat(status.getStable().getVersion()).isEqualTo("2");
    assertThat(status.getHistory())
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.getVersion()).isEqualTo("2");
              assertThat(h.getResult()).isEqualTo(RolloutResult.Promoted);
              assertThat(h.getReason()).contains("replaced version 1");
            });
  }

  @Test
  void scaledToZeroIsNotReadyAndSaysWhy() {
    ModelDeployment md = model("1", 0);
    var status =
        build(md, v1, v1, TestWorkloads.of(md).deployment("1", 0, 0).observed(), null, null, T0);
    assertThat(condition(status, Conditions.READY).getReason())
        .isEqualTo(Conditions.REASON_SCALED_TO_ZERO);
    assertThat(condition(status, Conditions.READY).getMessage()).contains("spec.serving.replicas");
  }

  @Test
  void errorsKeepWhatWasSeenAndMarkDegraded() {
    ModelDeployment md = model("1", 1);
    md.setStatus(
        build(md, v1, v1, TestWorkloads.of(md).deployment("1", 1, 1).observed(), null, null, T0));
    md.getStatus().setRejected(v2.stamp(new ArmStatus()));
    md.getStatus()
        .setManualActions(
            List.of(
                new ManualAction(
                    "modelkeeper.io/abort", "bad batch", "2", "2026-01-01T10:01:00Z")));
    var status = StatusAggregator.withError(md, "deployments.apps is forbidden", T1);

    assertThat(status.getStable().getVersion()).isEqualTo("1");
    assertThat(status.getRejected().getVersion())
        .as("a failed reconcile forgets no rolled-back model")
        .isEqualTo("2");
    assertThat(status.getManualActions())
        .as("nor an annotation it acted on")
        .singleElement()
        .satisfies(a -> assertThat(a.getValue()).isEqualTo("bad batch"));
    assertThat(status.getMetrics()).isEqualTo(md.getStatus().getMetrics());
    assertThat(condition(status, Conditions.READY).getStatus()).isEqualTo("True");
    assertThat(condition(status, Conditions.DEGRADED))
        .satisfies(
            c -> {
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getReason()).isEqualTo(Conditions.REASON_RECONCILE_FAILED);
              assertThat(c.getMessage()).contains("deployments.apps is forbidden");
              assertThat(c.getLastTransitionTime()).isEqualTo("2026-01-01T10:05:00Z");
            });
  }
}

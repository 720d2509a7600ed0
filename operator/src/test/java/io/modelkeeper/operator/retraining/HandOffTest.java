package io.modelkeeper.operator.retraining;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.modelkeeper.api.v1alpha1.ArmStatus;
import io.modelkeeper.api.v1alpha1.HistoryEntry;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelDeploymentStatus;
import io.modelkeeper.api.v1alpha1.ModelRef;
import io.modelkeeper.api.v1alpha1.RetrainingRollout;
import io.modelkeeper.api.v1alpha1.RetrainingRun;
import io.modelkeeper.api.v1alpha1.RetrainingRunStatus;
import io.modelkeeper.api.v1alpha1.RolloutResult;
import io.modelkeeper.api.v1alpha1.RunCandidate;
import io.modelkeeper.api.v1alpha1.RunPhase;
import io.modelkeeper.operator.testing.TestModels;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HandOffTest {

  private static final Instant NOW = Instant.parse("2026-06-07T12:00:00Z");

  private final List<RetrainingRun> runs = new ArrayList<>();
  private final Map<String, RetrainingRunStatus> statuses = new LinkedHashMap<>();
  private final ModelDeployment md = TestModels.model("fraud", "2.1.0");

  @Test
  void aBlessedRunIsOfferedApprovedWhenRolloutIsAutomatic() {
    blessed("fraud-r3", 3);
    HandOff.Result result = decide(RetrainingRollout.AUTOMATIC, null);
    assertThat(result.candidate().getRun()).isEqualTo("fraud-r3");
    assertThat(result.candidate().getVersion()).isEqualTo("2.1.0-r3");
    assertThat(result.candidate().getUri()).isEqualTo("pvc://fraud-models/fraud-r3/model.onnx");
    assertThat(result.candidate().getBase().getVersion()).isEqualTo("2.1.0");
    assertThat(result.candidate().getApproved()).isTrue();
    assertThat(result.endings()).isEmpty();
  }

  @Test
  void aManualRolloutWaitsForTheApproveAnnotationNamingTheRun() {
    blessed("fraud-r3", 3);
    assertThat(decide(RetrainingRollout.MANUAL, null).candidate().getApproved()).isFalse();
    assertThat(decide(RetrainingRollout.MANUAL, "fraud-r2").candidate().getApproved()).isFalse();
    assertThat(decide(RetrainingRollout.MANUAL, "fraud-r3").candidate().getApproved()).isTrue();
  }

  @Test
  void theRunIsPromotedOnceTheModelDeploymentServesItsVersion() {
    blessed("fraud-r3", 3);
    md.setStatus(new ModelDeploymentStatus());
    ArmStatus stable = new ArmStatus();
    stable.setVersion("2.1.0-r3");
    md.getStatus().setStable(stable);
    HandOff.Result result = decide(RetrainingRollout.AUTOMATIC, null);
    assertThat(result.endings())
        .singleElement()
        .satisfies(e -> assertThat(e.phase()).isEqualTo(RunPhase.Promoted));
    assertThat(result.candidate()).isNull();
  }

  @Test
  void aRolledBackVersionIsRejectedForGood() {
    blessed("fraud-r3", 3);
    md.setStatus(new ModelDeploymentStatus());
    HistoryEntry rollback = new HistoryEntry();
    rollback.setVersion("2.1.0-r3");
    rollback.setResult(RolloutResult.RolledBack);
    rollback.setReason("accuracy 0.71 below stable's 0.80");
    md.getStatus().setHistory(List.of(rollback));
    HandOff.Result result = decide(RetrainingRollout.AUTOMATIC, null);
    assertThat(result.rejectedVersions()).containsExactly("2.1.0-r3");
    assertThat(result.endings())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.phase()).isEqualTo(RunPhase.RolledBack);
              assertThat(e.canary()).contains("accuracy 0.71");
            });
    assertThat(result.candidate()).isNull();
  }

  @Test
  void aNewSpecModelOrANewerBlessingSupersedesTheCandidate() {
    blessed("fraud-r3", 3);
    blessed("fraud-r4", 4);
    HandOff.Result newer = decide(RetrainingRollout.AUTOMATIC, null);
    assertThat(newer.candidate().getRun()).isEqualTo("fraud-r4");
    assertThat(newer.endings())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.run()).isEqualTo("fraud-r3");
              assertThat(e.phase()).isEqualTo(RunPhase.Superseded);
            });

    md.getSpec().getModel().setVersion("3.0.0");
    HandOff.Result fromGit = decide(RetrainingRollout.AUTOMATIC, null);
    assertThat(fromGit.candidate()).as("a new spec.model always wins").isNull();
    assertThat(fromGit.endings())
        .extracting(HandOff.Ending::phase)
        .containsOnly(RunPhase.Superseded);
  }

  private HandOff.Result decide(RetrainingRollout rollout, String approved) {
    return HandOff.decide(runs, statuses, md, rollout, approved, List.of(), NOW);
  }

  private void blessed(String name, long number) {
    RetrainingRun run = new RetrainingRun();
    run.setMetadata(new ObjectMetaBuilder().withName(name).build());
    RetrainingRunStatus status = new RetrainingRunStatus();
    status.setNumber(number);
    status.setPhase(RunPhase.RollingOut);
    status.setVersion("2.1.0-r" + number);
    ModelRef base = new ModelRef();
    base.setUri(md.getSpec().getModel().getUri());
    base.setVersion("2.1.0");
    status.setBase(base);
    RunCandidate candidate = new RunCandidate();
    candidate.setUri("pvc://fraud-models/" + name + "/model.onnx");
    status.setCandidate(candidate);
    runs.add(run);
    statuses.put(name, status);
  }
}

package io.modelkeeper.operator.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.operator.testing.TestModels;
import io.modelkeeper.operator.testing.TestWorkloads;
import io.modelkeeper.operator.workload.Arm;
import io.modelkeeper.operator.workload.ModelVersion;
import org.junit.jupiter.api.Test;

class RolloutPlanTest {

  private final ModelDeployment md = TestModels.model("fraud", "2");
  private final ModelVersion v1 = new ModelVersion("1", "https://models.example.com/1", null);
  private final ModelVersion v2 = new ModelVersion("2", "https://models.example.com/2", null);

  @Test
  void firstVersionRunsAloneAndBecomesStableWhenReady() {
    var starting =
        RolloutPlan.decide(v1, null, 2, TestWorkloads.of(md).deployment("1", 2, 1).observed());
    assertThat(starting.stable()).isNull();
    assertThat(starting.incoming()).isEqualTo(v1);
    assertThat(starting.workloads())
        .extracting(RolloutPlan.Workload::arm)
        .containsExactly(Arm.STABLE);

    var ready =
        RolloutPlan.decide(v1, null, 2, TestWorkloads.of(md).deployment("1", 2, 2).observed());
    assertThat(ready.stable()).isEqualTo(v1);
    assertThat(ready.incoming()).isNull();
    assertThat(ready.promoted()).isTrue();
  }

  @Test
  void aNewVersionOrANewFileUnderTheSameVersionIsNotDecidedHereButByTheCanaryRollout() {
    var observed = TestWorkloads.of(md).deployment("1", 2, 2).observed();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> RolloutPlan.decide(v2, v1, 2, observed))
        .hasMessageContaining("CanaryRollout");
    var retrained = new ModelVersion("1", "https://models.example.com/1-retrained", null);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> RolloutPlan.decide(retrained, v1, 2, observed))
        .hasMessageContaining("CanaryRollout");
  }

  @Test
  void deploymentThatHasNotSeenItsLatestSpecIsNotReady() {
    var observed = TestWorkloads.of(md).deployment("2", 2, 2).observed();
    observed.deployment(v2).getMetadata().setGeneration(2L);
    assertThat(observed.isReady(v2, 2)).isFalse();
  }

  @Test
  void revertingToTheServingVersionDropsTheNewOne() {
    var plan =
        RolloutPlan.decide(
            v1, v1, 2, TestWorkloads.of(md).deployment("1", 2, 2).deployment("2", 2, 0).observed());
    assertThat(plan.incoming()).isNull();
    assertThat(plan.workloads()).extracting(w -> w.model().version()).containsExactly("1");
  }
}

package io.modelkeeper.operator.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelDeploymentStatus;
import io.modelkeeper.operator.metricsource.ArmMetrics;
import io.modelkeeper.operator.rollout.RolloutPlan;
import io.modelkeeper.operator.testing.FakeMetricsSource;
import io.modelkeeper.operator.testing.TestModels;
import io.modelkeeper.operator.validation.CheckedSpec;
import io.modelkeeper.operator.validation.SpecValidator;
import io.modelkeeper.operator.workload.Arm;
import io.modelkeeper.operator.workload.ModelVersion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When status.metrics is read from the serving version's pods, and when it is left as it is. */
class ServingFiguresTest {

  private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
  private static final ArmMetrics SERVING = FakeMetricsSource.serving(500, 5, 0.04);

  private final List<ModelVersion> reads = new ArrayList<>();

  private ArmMetrics read(ModelVersion model) {
    reads.add(model);
    return SERVING;
  }

  private static CheckedSpec spec(ModelDeployment md) {
    return SpecValidator.validate(md.getSpec()).spec();
  }

  @Test
  void aSpecThatStillNamesTheRolledBackVersionKeepsTheServingVersionWatched() {
    ModelDeployment md = TestModels.model("fraud", "2");
    ModelVersion serving = ModelVersion.of(TestModels.model("fraud", "1").getSpec().getModel());
    // Version 2 was rolled back; until the spec changes, version 1 serves alone and no canary runs.
    RolloutPlan plan = RolloutPlan.keep(serving, 2, null);

    var figures =
        ServingFigures.read(spec(md), new ModelDeploymentStatus(), serving, plan, this::read, NOW);

    assertThat(reads).containsExactly(serving);
    assertThat(figures).isNotNull();
    assertThat(figures.getRequests()).isEqualTo(500);
  }

  @Test
  void whileACanaryRunsTheServingVersionIsNotReadASecondTime() {
    ModelDeployment md = TestModels.model("fraud", "2");
    ModelVersion serving = ModelVersion.of(TestModels.model("fraud", "1").getSpec().getModel());
    ModelVersion canary = ModelVersion.of(md.getSpec().getModel());
    RolloutPlan plan =
        RolloutPlan.canary(
            serving,
            canary,
            List.of(
                new RolloutPlan.Workload(serving, Arm.STABLE, 2),
                new RolloutPlan.Workload(canary, Arm.CANARY, 1)),
            null);

    var figures =
        ServingFigures.read(spec(md), new ModelDeploymentStatus(), serving, plan, this::read, NOW);

    assertThat(reads).as("the canary's analysis reads the stable arm").isEmpty();
    assertThat(figures).as("status keeps what the last check wrote").isNull();
  }
}

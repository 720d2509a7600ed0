package io.modelkeeper.operator.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelDeploymentStatus;
import io.modelkeeper.operator.testing.TestModels;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutMetricsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final RolloutMetrics metrics = new RolloutMetrics(registry);
  private final ModelDeployment fraud = TestModels.model("fraud", "1");
  private final ModelDeployment churn = TestModels.model("churn", "1");

  @Test
  void everySeriesOfAModelDeploymentExistsFromItsFirstReconcile() {
    metrics.register(fraud);

    for (String decision : List.of("Advance", "Promote", "RollBack", "Wait")) {
      assertThat(
              registry
                  .get(RolloutMetrics.DECISIONS)
                  .tag("modeldeployment", "fraud")
                  .tag("decision", decision)
                  .counter()
                  .count())
          .isZero();
    }
    for (String result : List.of("Promoted", "RolledBack", "Failed")) {
      assertThat(
              registry
                  .get(RolloutMetrics.ROLLOUTS)
                  .tag("modeldeployment", "fraud")
                  .tag("result", result)
                  .counter()
                  .count())
          .isZero();
    }
    assertThat(
            registry
                .get(RolloutMetrics.CANARY_WEIGHT)
                .tag("namespace", TestModels.NAMESPACE)
                .tag("modeldeployment", "fraud")
                .gauge()
                .value())
        .isZero();
  }

  @Test
  void aModelDeploymentHasOnlyTheSeriesTheDashboardAndAlertsUse() {
    metrics.register(fraud);
    ModelDeploymentStatus status = new ModelDeploymentStatus();
    status.setConditions(
        List.of(
            new io.fabric8.kubernetes.api.model.ConditionBuilder()
                .withType(io.modelkeeper.api.v1alpha1.Conditions.DEGRADED)
                .withStatus("False")
                .withReason("Healthy")
                .build()));
    metrics.recordStatus(fraud, status);

    // Four decisions, three rollout results, the canary weight and the Degraded condition.
    assertThat(registry.getMeters())
        .extracting(meter -> meter.getId().getName())
        .containsOnly(
            RolloutMetrics.DECISIONS,
            RolloutMetrics.ROLLOUTS,
            RolloutMetrics.CANARY_WEIGHT,
            RolloutMetrics.DEGRADED)
        .hasSize(9);
  }

  @Test
  void registeringAgainKeepsWhatWasRecorded() {
    metrics.register(fraud);
    ModelDeploymentStatus status = new ModelDeploymentStatus();
    status.setCanary(new io.modelkeeper.api.v1alpha1.CanaryStatus());
    status.getCanary().setWeight(25);
    metrics.recordStatus(fraud, status);

    metrics.register(fraud);

    assertThat(
            registry
                .get(RolloutMetrics.CANARY_WEIGHT)
                .tag("modeldeployment", "fraud")
                .gauge()
                .value())
        .isEqualTo(25.0);
  }

  @Test
  void aDeletedModelDeploymentLeavesNoSeriesAndOthersKeepTheirs() {
    metrics.register(fraud);
    metrics.register(churn);
    ModelDeploymentStatus status = new ModelDeploymentStatus();
    status.setConditions(
        List.of(
            new io.fabric8.kubernetes.api.model.ConditionBuilder()
                .withType("Degraded")
                .withStatus("True")
                .withReason("ErrorRateAboveSlo")
                .build()));
    metrics.recordStatus(fraud, status);

    metrics.forget(TestModels.NAMESPACE, "fraud");

    assertThat(registry.getMeters())
        .map(Meter::getId)
        .noneMatch(id -> "fraud".equals(id.getTag("modeldeployment")));
    assertThat(registry.getMeters())
        .map(Meter::getId)
        .anyMatch(id -> "churn".equals(id.getTag("modeldeployment")));

    metrics.register(fraud);
    assertThat(
            registry
                .get(RolloutMetrics.CANARY_WEIGHT)
                .tag("modeldeployment", "fraud")
                .gauge()
                .value())
        .as("a ModelDeployment created again under the same name starts afresh")
        .isZero();
  }
}

package io.modelkeeper.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.api.v1alpha1.Conditions;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelDeploymentStatus;
import io.modelkeeper.operator.observe.WorkloadProblem;
import io.modelkeeper.operator.rollout.RolloutPlan;
import io.modelkeeper.operator.telemetry.EventReason;
import io.modelkeeper.operator.testing.TestModels;
import io.modelkeeper.operator.testing.TestWorkloads;
import io.modelkeeper.operator.validation.SpecValidator;
import io.modelkeeper.operator.workload.ModelVersion;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StatusTransitionsTest {

  private final ModelVersion v1 = new ModelVersion("1", "https://models.example.com/1", null);

  private ModelDeploymentStatus status(ModelDeployment md, int ready, WorkloadProblem problem) {
    var observed = TestWorkloads.of(md).deployment("1", 1, ready).observed();
    var plan = RolloutPlan.decide(v1, v1, 1, observed);
    return StatusAggregator.build(
        md,
        StatusAggregator.Findings.of(
            SpecValidator.validate(md.getSpec()).spec(), plan, observed, problem, null, null, null),
        Instant.now());
  }

  @Test
  void eachTransitionGivesOneEventAndNoChangeGivesNone() {
    ModelDeployment md = TestModels.model("fraud", "1");
    var crashing = new WorkloadProblem(Conditions.REASON_CRASH_LOOPING, "Version 1 keeps crashing");

    var waiting = status(md, 0, null);
    assertThat(StatusTransitions.between(null, waiting)).isEmpty();

    var ready = status(md, 1, null);
    assertThat(StatusTransitions.between(waiting, ready))
        .extracting(StatusTransitions.Transition::reason)
        .containsExactly(EventReason.VERSION_READY);
    assertThat(StatusTransitions.between(ready, ready)).isEmpty();

    var degraded = status(md, 0, crashing);
    assertThat(StatusTransitions.between(ready, degraded))
        .extracting(StatusTransitions.Transition::reason)
        .containsExactly(EventReason.CRASH_LOOPING);
    assertThat(StatusTransitions.between(degraded, degraded)).isEmpty();

    assertThat(StatusTransitions.between(degraded, ready))
        .extracting(StatusTransitions.Transition::reason)
        .containsExactly(EventReason.RECOVERED, EventReason.VERSION_READY);
  }
}

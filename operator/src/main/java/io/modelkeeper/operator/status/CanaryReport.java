package io.modelkeeper.operator.status;

import io.modelkeeper.api.v1alpha1.CanaryStatus;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.operator.observe.ObservedWorkloads;
import io.modelkeeper.operator.rollout.GpuBudget;
import io.modelkeeper.operator.rollout.RolloutPlan;
import io.modelkeeper.operator.routing.Router;
import io.modelkeeper.operator.routing.Routers;
import io.modelkeeper.operator.workload.Arm;
import io.modelkeeper.operator.workload.ModelVersion;
import java.util.Objects;

/**
 * Fills in a canary's status from the plan and what runs: pods, realised weight and why it differs.
 */
final class CanaryReport {

  private CanaryReport() {}

  /** status.canary for this plan, or null when no canary runs. */
  static CanaryStatus of(ModelDeployment md, RolloutPlan plan, ObservedWorkloads observed) {
    if (plan.rollout() == null || plan.rollout().canary() == null || plan.stable() == null) {
      return null;
    }
    CanaryStatus canary = plan.rollout().canary();
    ModelVersion model = ModelVersion.of(canary);
    int canaryPods = replicas(plan, Arm.CANARY);
    canary.setRevision(model.revision());
    var steps = md.getSpec().getRollout().getSteps();
    canary.setStepDisplay(
        steps == null || steps.isEmpty()
            ? null
            : Math.min(Objects.requireNonNullElse(canary.getStep(), 0) + 1, steps.size())
                + "/"
                + steps.size());
    canary.setDeployment(observed.deploymentName(md, model));
    canary.setReplicas(canaryPods);
    canary.setReadyReplicas(observed.readyReplicas(model));
    int requested = canary.getRequestedWeight() == null ? 0 : canary.getRequestedWeight();
    var pods =
        new Router.Pods(
            replicas(plan, Arm.STABLE),
            canaryPods,
            observed.readyReplicas(plan.stable()),
            observed.readyReplicas(model));
    int budget =
        GpuBudget.pods(
            md.getSpec().getServing().getGpus(), md.getSpec().getRollout().getMaxExtraGpus());
    Router.Weight weight =
        Routers.of(md.getSpec().getRollout().getTraffic()).weightInEffect(pods, requested, budget);
    canary.setWeight(weight.percent());
    canary.setWeightNote(weight.note());
    return canary;
  }

  private static int replicas(RolloutPlan plan, Arm arm) {
    return plan.workloads().stream()
        .filter(w -> w.arm() == arm)
        .mapToInt(RolloutPlan.Workload::replicas)
        .findFirst()
        .orElse(0);
  }
}

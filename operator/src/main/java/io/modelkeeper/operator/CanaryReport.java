package io.modelkeeper.operator;

import io.modelkeeper.api.v1alpha1.CanaryStatus;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.TrafficRouter;
import io.modelkeeper.operator.canary.TrafficWeights;

/** Fills in a canary's status from the plan and what runs: pods, realised weight and why it differs. */
final class CanaryReport {

    private CanaryReport() {
    }

    /** status.canary for this plan, or null when no canary runs. */
    static CanaryStatus of(ModelDeployment md, RolloutPlan plan, ObservedWorkloads observed) {
        if (plan.rollout() == null || plan.rollout().canary() == null || plan.stable() == null) {
            return null;
        }
        CanaryStatus canary = plan.rollout().canary();
        ModelVersion model = ModelVersion.of(canary);
        int canaryPods = replicas(plan, Arm.CANARY);
        int stablePods = replicas(plan, Arm.STABLE);
        canary.setRevision(model.revision());
        canary.setDeployment(observed.deploymentName(md, model));
        canary.setReplicas(canaryPods);
        canary.setReadyReplicas(observed.readyReplicas(model));
        int stableReady = observed.readyReplicas(plan.stable());
        int canaryReady = observed.readyReplicas(model);
        int requested = canary.getRequestedWeight() == null ? 0 : canary.getRequestedWeight();
        boolean gateway = md.getSpec().getRollout().getTraffic().getRouter() == TrafficRouter.GATEWAY_API;
        if (gateway) {
            canary.setWeight(canaryReady > 0 ? requested : 0);
            canary.setWeightNote(canaryReady > 0 ? null : "no canary pod is ready, so the route sends it nothing");
            return canary;
        }
        // One Service spans both versions, so the canary's share is its share of ready pods.
        canary.setWeight(TrafficWeights.replicaWeight(stableReady, canaryReady));
        int planned = TrafficWeights.replicaWeight(stablePods, canaryPods);
        canary.setWeightNote(planned == requested ? null : note(md, stablePods, canaryPods, planned, requested));
        return canary;
    }

    private static String note(ModelDeployment md, int stablePods, int canaryPods, int planned, int requested) {
        int budget = TrafficWeights.budgetPods(md.getSpec().getServing().getGpus(),
                md.getSpec().getRollout().getMaxExtraGpus());
        String why = canaryPods >= budget && budget < stablePods
                ? "spec.rollout.maxExtraGpus allows the canary " + budget + " pod(s)"
                : canaryPods >= stablePods
                        ? "the replicas router keeps the stable version at full size and the canary at most as large"
                        : "pod counts only reach some weights; more spec.serving.replicas give finer ones";
        return canaryPods + " canary pod(s) beside " + stablePods + " stable pod(s) get " + planned
                + "% of traffic, the step asks " + requested + "%: " + why;
    }

    private static int replicas(RolloutPlan plan, Arm arm) {
        return plan.workloads().stream().filter(w -> w.arm() == arm).mapToInt(RolloutPlan.Workload::replicas)
                .findFirst().orElse(0);
    }
}

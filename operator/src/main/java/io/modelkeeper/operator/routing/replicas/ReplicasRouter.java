package io.modelkeeper.operator.routing.replicas;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.TrafficSpec;
import io.modelkeeper.operator.observe.ObservedWorkloads;
import io.modelkeeper.operator.observe.WorkloadProblem;
import io.modelkeeper.operator.routing.Router;
import java.util.Optional;

/**
 * The replicas router: one Service spans every revision, so the canary's share of traffic is its
 * share of ready pods. Nothing to write besides the pod counts.
 */
public class ReplicasRouter implements Router {

  /** c canary pods beside s stable ones get c/(s+c) of traffic. */
  @Override
  public int podsFor(int stable, int weight) {
    return weight >= 100 ? stable : (int) Math.round(stable * weight / (100.0 - weight));
  }

  @Override
  public Weight weightInEffect(Pods pods, int requested, int budgetPods) {
    int planned = share(pods.stable(), pods.canary());
    int now = share(pods.stableReady(), pods.canaryReady());
    return new Weight(
        now, planned == requested ? null : note(pods, planned, requested, budgetPods));
  }

  @Override
  public Optional<String> validate(TrafficSpec traffic) {
    return Optional.empty();
  }

  @Override
  public WorkloadProblem apply(
      ModelDeployment md, Target target, ObservedWorkloads observed, KubernetesClient client) {
    return null;
  }

  /** Percent of traffic {@code canary} of {@code canary + stable} pods get over one Service. */
  public static int share(int stable, int canary) {
    return stable + canary == 0 ? 0 : Math.round(100f * canary / (stable + canary));
  }

  private static String note(Pods pods, int planned, int requested, int budgetPods) {
    String why =
        pods.canary() >= budgetPods && budgetPods < pods.stable()
            ? "spec.rollout.maxExtraGpus allows the canary " + budgetPods + " pod(s)"
            : pods.canary() >= pods.stable()
                ? "the replicas router keeps the stable version at full size and the canary at most as large"
                : "pod counts only reach some weights; more spec.serving.replicas give finer ones";
    return pods.canary()
        + " canary pod(s) beside "
        + pods.stable()
        + " stable pod(s) get "
        + planned
        + "% of traffic, the step asks "
        + requested
        + "%: "
        + why;
  }
}

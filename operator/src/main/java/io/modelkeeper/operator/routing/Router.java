package io.modelkeeper.operator.routing;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.TrafficSpec;
import io.modelkeeper.operator.observe.ObservedWorkloads;
import io.modelkeeper.operator.observe.WorkloadProblem;
import io.modelkeeper.operator.workload.ModelVersion;
import java.util.Optional;

/**
 * How traffic is split between the stable and the canary revision: one implementation per value of
 * spec.rollout.traffic.router, chosen in {@link Routers#of}.
 */
public interface Router {

  /**
   * Canary pods for {@code weight} percent beside {@code stable} stable pods: never fewer than one,
   * never more than the stable version runs, and never more than {@code budgetPods}.
   */
  default int canaryReplicas(int stable, int weight, int budgetPods) {
    if (stable <= 0) {
      return 0;
    }
    return Math.max(1, Math.min(Math.min(podsFor(stable, weight), stable), budgetPods));
  }

  /**
   * Watches what this router writes besides the pods, so a change by someone else is answered at
   * once. Called on every reconcile of a ModelDeployment using the router; does nothing after the
   * first time.
   */
  default void watch(Context<ModelDeployment> context) {}

  /**
   * Canary pods this router needs for {@code weight} percent beside {@code stable} pods, unbounded.
   */
  int podsFor(int stable, int weight);

  /** The canary's share of traffic now, and why it differs from the step's weight (or null). */
  Weight weightInEffect(Pods pods, int requested, int budgetPods);

  /**
   * What is wrong with this router's part of spec.rollout.traffic, naming the field; empty when
   * usable.
   */
  Optional<String> validate(TrafficSpec traffic);

  /**
   * Points the router's objects at the running revisions, the canary at {@code canaryWeight}
   * percent. Returns why traffic could not be weighted, or null; what serves keeps serving.
   */
  WorkloadProblem apply(
      ModelDeployment md, Target target, ObservedWorkloads observed, KubernetesClient client);

  /** Pods planned and ready on each arm. */
  record Pods(int stable, int canary, int stableReady, int canaryReady) {}

  /** The weight in effect and, when it is not the step's, a note for status saying why. */
  record Weight(int percent, String note) {}

  /** The revisions traffic goes to: the stable one, and the canary (or null) at its weight. */
  record Target(ModelVersion stable, ModelVersion canary, int canaryWeight) {

    public static Target stableOnly(ModelVersion stable) {
      return new Target(stable, null, 0);
    }
  }
}

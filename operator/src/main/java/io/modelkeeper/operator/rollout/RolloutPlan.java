package io.modelkeeper.operator.rollout;

import io.modelkeeper.operator.observe.ObservedWorkloads;
import io.modelkeeper.operator.workload.Arm;
import io.modelkeeper.operator.workload.ModelVersion;
import java.util.List;

/**
 * Which revisions run, on which arm and with how many pods. This class holds the rules without a
 * canary: the first version, and the serving one kept as it is. Any other file (a new version, or a
 * new uri or sha256 under the same version) is a canary: see {@link CanaryRollout}.
 *
 * @param stable the version that serves (null before any version was ready)
 * @param incoming the version starting beside it, or null
 * @param promoted true when {@code stable} became the serving version in this reconcile
 * @param workloads the Deployments that must exist; every other version's Deployment is drained
 * @param rollout the canary's record for status, or null to keep what status holds
 */
public record RolloutPlan(
    ModelVersion stable,
    ModelVersion incoming,
    boolean promoted,
    List<Workload> workloads,
    RolloutState rollout) {

  /** The serving file keeps serving at full size; nothing new runs beside it. */
  public static RolloutPlan keep(ModelVersion serving, int replicas, RolloutState state) {
    return new RolloutPlan(
        serving, null, false, List.of(new Workload(serving, Arm.STABLE, replicas)), state);
  }

  /** A canary runs beside the serving file with the given Deployments. */
  public static RolloutPlan canary(
      ModelVersion serving, ModelVersion canary, List<Workload> workloads, RolloutState state) {
    return new RolloutPlan(serving, canary, false, workloads, state);
  }

  /** The canary's file took over and now serves alone at full size. */
  public static RolloutPlan promote(ModelVersion promoted, int replicas, RolloutState state) {
    return new RolloutPlan(
        promoted, null, true, List.of(new Workload(promoted, Arm.STABLE, replicas)), state);
  }

  /** One revision's Deployment to keep. */
  public record Workload(ModelVersion model, Arm arm, int replicas) {}

  /**
   * Decides from the wanted file (spec), the serving one (status.stable) and whether the wanted
   * one's Deployment is ready, when no canary is involved: no version serves yet, or the spec asks
   * for exactly the serving file.
   */
  public static RolloutPlan decide(
      ModelVersion wanted, ModelVersion serving, int replicas, ObservedWorkloads observed) {
    if (serving == null) {
      if (observed.isReady(wanted, replicas)) {
        return promote(wanted, replicas, null);
      }
      // The first version starts; nothing serves until its pods are ready.
      return new RolloutPlan(
          null, wanted, false, List.of(new Workload(wanted, Arm.STABLE, replicas)), null);
    }
    if (!serving.equals(wanted)) {
      throw new IllegalArgumentException("a new version or file is a canary: use CanaryRollout");
    }
    return keep(serving, replicas, null);
  }

  /** The same plan with the rollout's record for status. */
  public RolloutPlan with(RolloutState state) {
    return new RolloutPlan(stable, incoming, promoted, workloads, state);
  }

  /** Keeps what runs untouched, used while the spec is invalid. */
  public static RolloutPlan hold(ModelVersion serving) {
    return new RolloutPlan(serving, null, false, List.of(), null);
  }
}

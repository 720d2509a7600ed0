package io.modelkeeper.operator;

import java.util.List;

/**
 * Which versions run, on which arm and with how many pods. This class holds the rules without a
 * canary: the first version, and a new file under the same version (rolled in place, as one
 * Deployment name serves one version). A new version is a canary: see {@link CanaryRollout}.
 *
 * @param stable the version that serves (null before any version was ready)
 * @param incoming the version starting beside it, or null
 * @param promoted true when {@code stable} became the serving version in this reconcile
 * @param workloads the Deployments that must exist; every other version's Deployment is drained
 * @param rollout the canary's record for status, or null to keep what status holds
 */
public record RolloutPlan(ModelVersion stable, ModelVersion incoming, boolean promoted, List<Workload> workloads,
        RolloutState rollout) {

    public RolloutPlan(ModelVersion stable, ModelVersion incoming, boolean promoted, List<Workload> workloads) {
        this(stable, incoming, promoted, workloads, null);
    }

    /** One versioned Deployment to keep. */
    public record Workload(ModelVersion model, Arm arm, int replicas) {
    }

    /**
     * Decides from the wanted version (spec), the serving one (status.stable) and whether the
     * wanted one's Deployment is ready, when no canary is involved: no version serves yet, or
     * the wanted one has the serving one's version.
     */
    public static RolloutPlan decide(ModelVersion wanted, ModelVersion serving, int replicas,
            ObservedWorkloads observed) {
        boolean wantedReady = observed.isReady(wanted.version(), replicas);
        if (serving == null) {
            return new RolloutPlan(wantedReady ? wanted : null, wantedReady ? null : wanted, wantedReady,
                    List.of(new Workload(wanted, Arm.STABLE, replicas)));
        }
        if (serving.equals(wanted)) {
            return new RolloutPlan(serving, null, false, List.of(new Workload(serving, Arm.STABLE, replicas)));
        }
        if (!serving.version().equals(wanted.version())) {
            throw new IllegalArgumentException("a new version is a canary: use CanaryRollout");
        }
        // Same version, new file: one Deployment name, so it is rolled in place; the
        // Deployment's surge-only strategy keeps the old pods until new ones are ready.
        return new RolloutPlan(wantedReady ? wanted : serving, wantedReady ? null : wanted, wantedReady,
                List.of(new Workload(wanted, Arm.STABLE, replicas)));
    }

    /** The same plan with the rollout's record for status. */
    public RolloutPlan with(RolloutState state) {
        return new RolloutPlan(stable, incoming, promoted, workloads, state);
    }

    /** Keeps what runs untouched, used while the spec is invalid. */
    public static RolloutPlan hold(ModelVersion serving) {
        return new RolloutPlan(serving, null, false, List.of());
    }
}

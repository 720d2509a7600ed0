package io.modelkeeper.operator;

import java.util.List;

/**
 * Which versions run, on which arm and with how many pods. The minimal rule until canary steps
 * arrive: a new version starts full-size beside the serving one, and the serving one is removed
 * only once the new one is ready, so a bad version never takes the serving one down.
 *
 * @param stable the version that serves (null before any version was ready)
 * @param incoming the version starting beside it, or null
 * @param promoted true when {@code stable} became the serving version in this reconcile
 * @param workloads the Deployments that must exist; every other version's Deployment goes
 */
public record RolloutPlan(ModelVersion stable, ModelVersion incoming, boolean promoted, List<Workload> workloads) {

    /** One versioned Deployment to keep. */
    public record Workload(ModelVersion model, Arm arm, int replicas) {
    }

    /**
     * Decides from the wanted version (spec), the serving one (status.stable) and whether the
     * wanted one's Deployment is ready.
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
        if (wantedReady && !serving.version().equals(wanted.version())) {
            return new RolloutPlan(wanted, null, true, List.of(new Workload(wanted, Arm.STABLE, replicas)));
        }
        if (serving.version().equals(wanted.version())) {
            // Same version, new file: one Deployment name, so it is rolled in place; the
            // Deployment's surge-only strategy keeps the old pods until new ones are ready.
            return new RolloutPlan(wantedReady ? wanted : serving, wantedReady ? null : wanted, wantedReady,
                    List.of(new Workload(wanted, Arm.STABLE, replicas)));
        }
        return new RolloutPlan(serving, wanted, false, List.of(
                new Workload(serving, Arm.STABLE, replicas),
                new Workload(wanted, Arm.CANARY, replicas)));
    }

    /** Keeps what runs untouched, used while the spec is invalid. */
    public static RolloutPlan hold(ModelVersion serving) {
        return new RolloutPlan(serving, null, false, List.of());
    }
}

package io.modelkeeper.operator.canary;

import io.modelkeeper.api.v1alpha1.TrafficRouter;

/** Weight arithmetic: how many canary pods a weight needs, and what weight pods give. */
public final class TrafficWeights {

    private TrafficWeights() {
    }

    /**
     * Canary pods for {@code weight} percent beside {@code stable} stable pods. The replicas router
     * splits traffic by pod count, so the canary's share is c/(stable+c); the gateway-api router
     * splits by route weight, so the canary needs a matching share of capacity. Never fewer than
     * one pod, never more than the stable version runs, and never more than the GPU budget allows.
     */
    public static int canaryReplicas(TrafficRouter router, int stable, int weight, int budgetPods) {
        if (stable <= 0) {
            return 0;
        }
        int wanted;
        if (router == TrafficRouter.GATEWAY_API) {
            wanted = (int) Math.ceil(stable * weight / 100.0);
        } else {
            wanted = weight >= 100 ? stable : (int) Math.round(stable * weight / (100.0 - weight));
        }
        return Math.max(1, Math.min(Math.min(wanted, stable), budgetPods));
    }

    /** Percent of traffic {@code canary} of {@code canary + stable} pods get over one Service. */
    public static int replicaWeight(int stable, int canary) {
        return stable + canary == 0 ? 0 : Math.round(100f * canary / (stable + canary));
    }

    /** Pods the GPU budget lets the canary hold on top of the stable ones; unlimited without a budget. */
    public static int budgetPods(int gpusPerPod, Integer maxExtraGpus) {
        if (gpusPerPod <= 0 || maxExtraGpus == null) {
            return Integer.MAX_VALUE;
        }
        return maxExtraGpus / gpusPerPod;
    }
}

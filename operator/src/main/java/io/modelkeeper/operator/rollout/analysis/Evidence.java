package io.modelkeeper.operator.rollout.analysis;

/**
 * Everything the judge looks at besides spec and status.
 *
 * @param stable the serving version's figures
 * @param canary the canary's figures
 * @param canaryProblem what keeps the canary's pods from serving (crash loop, fetch failure), or
 *     null
 * @param canaryReady true when the canary's pods for the current step are ready
 */
public record Evidence(
    ArmEvidence stable, ArmEvidence canary, String canaryProblem, boolean canaryReady) {}

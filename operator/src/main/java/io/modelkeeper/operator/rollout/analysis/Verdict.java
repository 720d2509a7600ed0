package io.modelkeeper.operator.rollout.analysis;

import io.modelkeeper.api.v1alpha1.RolloutResult;

/**
 * One judgement of a canary.
 *
 * @param decision what to do
 * @param reason why, in words, with the figures it rests on
 * @param failedChecks consecutive failed checks after this one
 * @param result for RollBack: RolledBack (gates failed, or aborted) or Failed (the rollout could
 *     not be judged in time); null otherwise
 */
public record Verdict(Decision decision, String reason, int failedChecks, RolloutResult result) {

  static Verdict waiting(String reason, int failedChecks) {
    return new Verdict(Decision.Wait, reason, failedChecks, null);
  }

  static Verdict rollBack(String reason, int failedChecks) {
    return new Verdict(Decision.RollBack, reason, failedChecks, RolloutResult.RolledBack);
  }

  static Verdict fail(String reason, int failedChecks) {
    return new Verdict(Decision.RollBack, reason, failedChecks, RolloutResult.Failed);
  }
}

package io.modelkeeper.operator.rollout;

import io.modelkeeper.api.v1alpha1.AnalysisStatus;
import io.modelkeeper.api.v1alpha1.ArmStatus;
import io.modelkeeper.api.v1alpha1.CanaryStatus;
import io.modelkeeper.api.v1alpha1.HistoryEntry;
import io.modelkeeper.api.v1alpha1.ManualAction;
import io.modelkeeper.operator.rollout.analysis.Verdict;
import java.util.List;

/**
 * The rollout's record for status after this reconcile.
 *
 * @param canary the canary as it stands (step, weight, analysis), or null when none runs
 * @param outcomes rollouts that ended in this reconcile, for status.history
 * @param rejected the version rolled back or failed, kept until spec.model changes; or null
 * @param manualActions annotations seen and acted on
 * @param verdict the judgement made in this reconcile, or null when no check was due
 * @param checked the figures that judgement rested on, or null
 */
public record RolloutState(
    CanaryStatus canary,
    List<HistoryEntry> outcomes,
    ArmStatus rejected,
    List<ManualAction> manualActions,
    Verdict verdict,
    AnalysisStatus checked) {

  /** No canary runs (or one just ended by going back to the serving file). */
  public static RolloutState noCanary(List<HistoryEntry> outcomes, List<ManualAction> seen) {
    return new RolloutState(null, outcomes, null, seen, null, null);
  }

  /** The spec still names a file that was rolled back: it stays rejected and is not started. */
  public static RolloutState stillRejected(
      ArmStatus rejected, List<HistoryEntry> outcomes, List<ManualAction> seen) {
    return new RolloutState(null, outcomes, rejected, seen, null, null);
  }

  /** The canary was rolled back in this reconcile; {@code rejected} is remembered. */
  public static RolloutState rolledBack(
      ArmStatus rejected,
      List<HistoryEntry> outcomes,
      List<ManualAction> seen,
      Verdict verdict,
      AnalysisStatus checked) {
    return new RolloutState(null, outcomes, rejected, seen, verdict, checked);
  }

  /** The canary took over in this reconcile. */
  public static RolloutState promoted(
      List<HistoryEntry> outcomes,
      List<ManualAction> seen,
      Verdict verdict,
      AnalysisStatus checked) {
    return new RolloutState(null, outcomes, null, seen, verdict, checked);
  }

  /** The canary runs on; {@code verdict} is null when no check was due. */
  public static RolloutState running(
      CanaryStatus canary,
      List<HistoryEntry> outcomes,
      List<ManualAction> seen,
      Verdict verdict,
      AnalysisStatus checked) {
    return new RolloutState(canary, outcomes, null, seen, verdict, checked);
  }
}

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
    AnalysisStatus checked) {}

package io.modelkeeper.operator;

import io.fabric8.kubernetes.api.model.Condition;
import io.modelkeeper.api.v1alpha1.Conditions;
import io.modelkeeper.api.v1alpha1.HistoryEntry;
import io.modelkeeper.api.v1alpha1.ModelDeploymentStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Which Events a change of status calls for: one per transition, none when nothing changed. */
public final class StatusTransitions {

    /** One Event to record. */
    public record Transition(EventReason reason, String message) {
    }

    private StatusTransitions() {
    }

    /** The transitions from {@code before} (null for a new resource) to {@code after}. */
    public static List<Transition> between(ModelDeploymentStatus before, ModelDeploymentStatus after) {
        List<Transition> transitions = new ArrayList<>();
        Condition degradedBefore = StatusAggregator.find(before, Conditions.DEGRADED);
        Condition degradedAfter = StatusAggregator.find(after, Conditions.DEGRADED);
        boolean wasDegraded = isTrue(degradedBefore);
        if (isTrue(degradedAfter)
                && (!wasDegraded || !Objects.equals(degradedBefore.getReason(), degradedAfter.getReason()))) {
            transitions.add(new Transition(EventReason.forProblem(degradedAfter.getReason()),
                    degradedAfter.getMessage()));
        }
        if (wasDegraded && !isTrue(degradedAfter)) {
            transitions.add(new Transition(EventReason.RECOVERED,
                    "Recovered from " + degradedBefore.getReason()));
        }
        Condition readyAfter = StatusAggregator.find(after, Conditions.READY);
        if (isTrue(readyAfter) && !isTrue(StatusAggregator.find(before, Conditions.READY))) {
            transitions.add(new Transition(EventReason.VERSION_READY, readyAfter.getMessage()));
        }
        int historyBefore = before == null || before.getHistory() == null ? 0 : before.getHistory().size();
        List<HistoryEntry> historyAfter = after.getHistory() == null ? List.of() : after.getHistory();
        if (historyAfter.size() > historyBefore || (historyAfter.size() == StatusAggregator.HISTORY_LIMIT
                && !historyAfter.isEmpty() && !lastEquals(before, historyAfter))) {
            HistoryEntry last = historyAfter.get(historyAfter.size() - 1);
            transitions.add(new Transition(EventReason.PROMOTED,
                    "Version " + last.getVersion() + " promoted: " + last.getReason()));
        }
        return transitions;
    }

    private static boolean lastEquals(ModelDeploymentStatus before, List<HistoryEntry> after) {
        if (before == null || before.getHistory() == null || before.getHistory().isEmpty()) {
            return false;
        }
        HistoryEntry a = before.getHistory().get(before.getHistory().size() - 1);
        HistoryEntry b = after.get(after.size() - 1);
        return Objects.equals(a.getVersion(), b.getVersion()) && Objects.equals(a.getAt(), b.getAt());
    }

    private static boolean isTrue(Condition condition) {
        return condition != null && "True".equals(condition.getStatus());
    }
}

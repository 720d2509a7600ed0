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
        HistoryEntry newest = newest(after);
        if (newest != null && !sameEntry(newest, newest(before))) {
            transitions.add(new Transition(EventReason.PROMOTED,
                    "Version " + newest.getVersion() + " promoted: " + newest.getReason()));
        }
        return transitions;
    }

    private static HistoryEntry newest(ModelDeploymentStatus status) {
        if (status == null || status.getHistory() == null || status.getHistory().isEmpty()) {
            return null;
        }
        return status.getHistory().get(status.getHistory().size() - 1);
    }

    private static boolean sameEntry(HistoryEntry a, HistoryEntry b) {
        return b != null && Objects.equals(a.getVersion(), b.getVersion()) && Objects.equals(a.getAt(), b.getAt());
    }

    private static boolean isTrue(Condition condition) {
        return condition != null && "True".equals(condition.getStatus());
    }
}

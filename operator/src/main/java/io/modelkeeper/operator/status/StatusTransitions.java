package io.modelkeeper.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.modelkeeper.api.v1alpha1.CanaryStatus;
import io.modelkeeper.api.v1alpha1.Conditions;
import io.modelkeeper.api.v1alpha1.HistoryEntry;
import io.modelkeeper.api.v1alpha1.ModelDeploymentStatus;
import io.modelkeeper.operator.telemetry.EventReason;
import io.modelkeeper.operator.workload.ModelVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Which Events a change of status calls for: one per transition, none when nothing changed. */
public final class StatusTransitions {

  /** One Event to record. */
  public record Transition(EventReason reason, String message) {}

  private StatusTransitions() {}

  /** The transitions from {@code before} (null for a new resource) to {@code after}. */
  public static List<Transition> between(
      ModelDeploymentStatus before, ModelDeploymentStatus after) {
    List<Transition> transitions = new ArrayList<>();
    Condition degradedBefore = StatusAggregator.find(before, Conditions.DEGRADED);
    Condition degradedAfter = StatusAggregator.find(after, Conditions.DEGRADED);
    boolean wasDegraded = isTrue(degradedBefore);
    if (isTrue(degradedAfter)
        && (!wasDegraded
            || !Objects.equals(degradedBefore.getReason(), degradedAfter.getReason()))) {
      transitions.add(
          new Transition(
              EventReason.forProblem(degradedAfter.getReason()), degradedAfter.getMessage()));
    }
    if (wasDegraded && !isTrue(degradedAfter)) {
      transitions.add(
          new Transition(EventReason.RECOVERED, "Recovered from " + degradedBefore.getReason()));
    }
    Condition readyAfter = StatusAggregator.find(after, Conditions.READY);
    if (isTrue(readyAfter) && !isTrue(StatusAggregator.find(before, Conditions.READY))) {
      transitions.add(new Transition(EventReason.VERSION_READY, readyAfter.getMessage()));
    }
    for (HistoryEntry entry : newEntries(before, after)) {
      EventReason reason =
          switch (entry.getResult()) {
            case Promoted -> EventReason.PROMOTED;
            case RolledBack -> EventReason.ROLLED_BACK;
            case Failed -> EventReason.ROLLOUT_FAILED;
          };
      String verb =
          switch (entry.getResult()) {
            case Promoted -> " promoted: ";
            case RolledBack -> " rolled back: ";
            case Failed -> " failed its rollout: ";
          };
      String revision =
          entry.getRevision() == null ? "" : " (revision " + entry.getRevision() + ")";
      transitions.add(
          new Transition(
              reason, "Version " + entry.getVersion() + revision + verb + entry.getReason()));
    }
    CanaryStatus canaryBefore = before == null ? null : before.getCanary();
    CanaryStatus canaryAfter = after.getCanary();
    ModelVersion stable = ModelVersion.of(after.getStable());
    if (canaryAfter != null
        && (canaryBefore == null
            || !Objects.equals(ModelVersion.of(canaryBefore), ModelVersion.of(canaryAfter)))) {
      transitions.add(
          new Transition(
              EventReason.CANARY_STARTED,
              "Canary version "
                  + ModelVersion.of(canaryAfter).describe()
                  + " started beside version "
                  + (stable == null ? "none" : stable.describe())));
    } else if (canaryAfter != null
        && canaryAfter.getStep() != null
        && canaryBefore.getStep() != null
        && canaryAfter.getStep() > canaryBefore.getStep()) {
      transitions.add(
          new Transition(
              EventReason.CANARY_ADVANCED,
              "Canary version "
                  + ModelVersion.of(canaryAfter).describe()
                  + " advanced to step "
                  + (canaryAfter.getStep() + 1)
                  + " ("
                  + canaryAfter.getRequestedWeight()
                  + "%): "
                  + canaryAfter.getAnalysis().getReason()));
    }
    List<String> unknown = after.getUnknownFields();
    if (unknown != null
        && !unknown.isEmpty()
        && !unknown.equals(before == null ? null : before.getUnknownFields())) {
      transitions.add(
          new Transition(
              EventReason.UNKNOWN_FIELDS,
              "Ignored fields this operator does not know: "
                  + String.join(", ", unknown)
                  + ". A typo applied without validation, or a field of a newer CRD than the"
                  + " operator; fix the spec or upgrade the operator."));
    }
    return transitions;
  }

  /** History entries in {@code after} that {@code before} did not hold. */
  private static List<HistoryEntry> newEntries(
      ModelDeploymentStatus before, ModelDeploymentStatus after) {
    List<HistoryEntry> old =
        before == null || before.getHistory() == null ? List.of() : before.getHistory();
    List<HistoryEntry> fresh = new ArrayList<>();
    for (HistoryEntry entry :
        after.getHistory() == null ? List.<HistoryEntry>of() : after.getHistory()) {
      boolean known =
          old.stream()
              .anyMatch(
                  o ->
                      Objects.equals(o.getVersion(), entry.getVersion())
                          && Objects.equals(o.getRevision(), entry.getRevision())
                          && Objects.equals(o.getAt(), entry.getAt())
                          && o.getResult() == entry.getResult());
      if (!known) {
        fresh.add(entry);
      }
    }
    return fresh;
  }

  private static boolean isTrue(Condition condition) {
    return condition != null && "True".equals(condition.getStatus());
  }
}

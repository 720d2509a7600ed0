package io.modelkeeper.operator.retraining;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.modelkeeper.api.v1alpha1.Conditions;
import io.modelkeeper.api.v1alpha1.RunPhase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The conditions of a ModelRetraining (Ready, Stalled) and of a RetrainingRun (Succeeded), each
 * keeping its lastTransitionTime while its status does not change.
 */
public final class RetrainingConditions {

  private RetrainingConditions() {}

  /** Ready and Stalled of a ModelRetraining. */
  public static List<Condition> retraining(
      List<Condition> previous,
      long generation,
      String problemReason,
      String problem,
      boolean stalled,
      String stalledMessage,
      Instant now) {
    List<Condition> next = new ArrayList<>();
    next.add(
        problem == null
            ? condition(
                previous,
                Conditions.READY,
                "True",
                Conditions.REASON_WATCHING,
                "watching the triggers",
                generation,
                now)
            : condition(
                previous, Conditions.READY, "False", problemReason, problem, generation, now));
    next.add(
        stalled
            ? condition(
                previous,
                Conditions.STALLED,
                "True",
                Conditions.REASON_CONSECUTIVE_FAILURES,
                stalledMessage,
                generation,
                now)
            : condition(
                previous,
                Conditions.STALLED,
                "False",
                Conditions.REASON_WATCHING,
                "runs start when triggered",
                generation,
                now));
    return next;
  }

  /** Succeeded of a RetrainingRun: Unknown while it runs, True once blessed, False otherwise. */
  public static List<Condition> run(
      List<Condition> previous, RunPhase phase, String message, Instant now) {
    String status =
        switch (phase) {
          case Pending, Training, Evaluating -> "Unknown";
          case RollingOut, Promoted -> "True";
          default -> "False";
        };
    String reason =
        switch (phase) {
          case RollingOut -> "Blessed";
          case Failed -> failureReason(message);
          default -> phase.name();
        };
    return List.of(
        condition(
            previous,
            Conditions.SUCCEEDED,
            status,
            reason,
            Objects.requireNonNullElse(message, ""),
            null,
            now));
  }

  /** The reason word at the front of a failed run's message ("TrainingFailed: ..."). */
  static String failureReason(String message) {
    if (message == null) {
      return "Failed";
    }
    int colon = message.indexOf(':');
    String word = colon > 0 ? message.substring(0, colon) : "";
    return word.matches("[A-Z][A-Za-z]*") ? word : "Failed";
  }

  private static Condition condition(
      List<Condition> previous,
      String type,
      String status,
      String reason,
      String message,
      Long generation,
      Instant now) {
    Condition before =
        previous == null
            ? null
            : previous.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    String since =
        before != null
                && status.equals(before.getStatus())
                && before.getLastTransitionTime() != null
            ? before.getLastTransitionTime()
            : now.toString();
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(generation)
        .withLastTransitionTime(since)
        .build();
  }
}

package io.modelkeeper.operator.retraining;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.util.List;
import java.util.Objects;

/** Where a Job is, read from its conditions: running, succeeded, or failed with the reason. */
public record JobOutcome(State state, String reason, String message) {

  /** The Job controller's reason when activeDeadlineSeconds passed. */
  public static final String DEADLINE_EXCEEDED = "DeadlineExceeded";

  public enum State {
    RUNNING,
    SUCCEEDED,
    FAILED
  }

  /** Reads a Job; a Job not found yet is running (it is being made). */
  public static JobOutcome of(Job job) {
    List<JobCondition> conditions =
        job == null || job.getStatus() == null
            ? List.of()
            : Objects.requireNonNullElse(job.getStatus().getConditions(), List.of());
    for (JobCondition condition : conditions) {
      if (!"True".equals(condition.getStatus())) {
        continue;
      }
      // FailureTarget comes before Failed on newer clusters, while pods are still stopping.
      if ("Failed".equals(condition.getType()) || "FailureTarget".equals(condition.getType())) {
        return new JobOutcome(
            State.FAILED,
            Objects.requireNonNullElse(condition.getReason(), "Failed"),
            Objects.requireNonNullElse(condition.getMessage(), ""));
      }
    }
    for (JobCondition condition : conditions) {
      if ("Complete".equals(condition.getType()) && "True".equals(condition.getStatus())) {
        return new JobOutcome(State.SUCCEEDED, "Complete", "");
      }
    }
    return new JobOutcome(State.RUNNING, "", "");
  }

  public boolean deadlineExceeded() {
    return state == State.FAILED && DEADLINE_EXCEEDED.equals(reason);
  }
}

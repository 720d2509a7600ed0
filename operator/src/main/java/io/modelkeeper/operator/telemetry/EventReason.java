package io.modelkeeper.operator.telemetry;

import io.modelkeeper.api.v1alpha1.Conditions;

/** Every reason the operator records a Kubernetes Event with; Warnings mark something to fix. */
public enum EventReason {
  CREATED("Created", false),
  VERSION_READY("VersionReady", false),
  PROMOTED("Promoted", false),
  CANARY_STARTED("CanaryStarted", false),
  CANARY_ADVANCED("CanaryAdvanced", false),
  ROLLED_BACK(Conditions.REASON_ROLLED_BACK, true),
  ROLLOUT_FAILED(Conditions.REASON_ROLLOUT_FAILED, true),
  RECOVERED("Recovered", false),
  MODEL_FETCH_FAILED(Conditions.REASON_MODEL_FETCH_FAILED, true),
  IMAGE_PULL_FAILED(Conditions.REASON_IMAGE_PULL_FAILED, true),
  CRASH_LOOPING(Conditions.REASON_CRASH_LOOPING, true),
  GPU_UNSCHEDULABLE(Conditions.REASON_GPU_UNSCHEDULABLE, true),
  UNSCHEDULABLE(Conditions.REASON_UNSCHEDULABLE, true),
  CONTAINER_CONFIG_ERROR(Conditions.REASON_CONTAINER_CONFIG_ERROR, true),
  VOLUME_MOUNT_FAILED(Conditions.REASON_VOLUME_MOUNT_FAILED, true),
  UNKNOWN_FIELDS("UnknownFields", true),
  INVALID_SPEC(Conditions.REASON_INVALID_SPEC, true),
  RECONCILE_FAILED(Conditions.REASON_RECONCILE_FAILED, true),
  ACCURACY_BELOW_SLO(Conditions.REASON_ACCURACY_BELOW_SLO, true),
  DRIFT_ABOVE_SLO(Conditions.REASON_DRIFT_ABOVE_SLO, true),
  LATENCY_ABOVE_SLO(Conditions.REASON_LATENCY_ABOVE_SLO, true),
  ERROR_RATE_ABOVE_SLO(Conditions.REASON_ERROR_RATE_ABOVE_SLO, true),
  HTTP_ROUTE_NOT_FOUND(Conditions.REASON_HTTP_ROUTE_NOT_FOUND, true),
  HTTP_ROUTE_WITHOUT_MODEL(Conditions.REASON_HTTP_ROUTE_WITHOUT_MODEL, true),
  RUN_CREATED("RunCreated", false),
  RUN_STARTED("RunStarted", false),
  RUN_HELD("RunHeld", false),
  RUN_FAILED("RunFailed", true),
  BLESSED("Blessed", false),
  NOT_BLESSED("NotBlessed", true),
  CANDIDATE_APPROVED("CandidateApproved", false),
  CANDIDATE_PROMOTED("CandidatePromoted", false),
  CANDIDATE_ROLLED_BACK("CandidateRolledBack", true),
  CANDIDATE_SUPERSEDED("CandidateSuperseded", false),
  NEW_BEST_TRIAL("NewBestTrial", false),
  BEST_TRIAL("BestTrial", false),
  RETRAINING_STALLED(Conditions.REASON_CONSECUTIVE_FAILURES, true),
  HTTP_ROUTE_OF_ANOTHER_OWNER(Conditions.REASON_HTTP_ROUTE_OF_ANOTHER_OWNER, true);

  private final String reason;
  private final boolean warning;

  EventReason(String reason, boolean warning) {
    this.reason = reason;
    this.warning = warning;
  }

  /** The Event's reason field. */
  public String reason() {
    return reason;
  }

  /** Event type: Warning or Normal. */
  public String type() {
    return warning ? "Warning" : "Normal";
  }

  public boolean isWarning() {
    return warning;
  }

  /** The reason recorded for a condition reason, if the condition reports a problem. */
  public static EventReason forProblem(String conditionReason) {
    for (EventReason candidate : values()) {
      if (candidate.warning && candidate.reason.equals(conditionReason)) {
        return candidate;
      }
    }
    return RECONCILE_FAILED;
  }
}

package io.modelkeeper.api.v1alpha1;

/**
 * Condition types and reasons the statuses of ModelDeployment, ModelRetraining and RetrainingRun
 * carry, for users and tools that read them.
 */
public final class Conditions {

  public static final String READY = "Ready";
  public static final String PROGRESSING = "Progressing";
  public static final String DEGRADED = "Degraded";

  /**
   * kstatus' condition (Flux, kpt): True while the operator brings the model to what the spec asks
   * (the first version starting, a canary running); mirrors Progressing.
   */
  public static final String RECONCILING = "Reconciling";

  /**
   * kstatus' condition: True when the spec cannot be reached without a change by a person: it names
   * a model that was rolled back or failed (not retried), the spec is invalid, or the workload
   * cannot start for a reason the spec must fix (a model that cannot be fetched, for one).
   */
  public static final String STALLED = "Stalled";

  /** Reasons, each naming what happened in the user's words. */
  public static final String REASON_AVAILABLE = "Available";

  public static final String REASON_WAITING_FOR_PODS = "WaitingForPods";
  public static final String REASON_SCALED_TO_ZERO = "ScaledToZero";
  public static final String REASON_ROLLING_OUT = "RollingOut";
  public static final String REASON_UP_TO_DATE = "UpToDate";
  public static final String REASON_HEALTHY = "Healthy";
  public static final String REASON_MODEL_FETCH_FAILED = "ModelFetchFailed";
  public static final String REASON_IMAGE_PULL_FAILED = "ImagePullFailed";
  public static final String REASON_CRASH_LOOPING = "CrashLooping";
  public static final String REASON_GPU_UNSCHEDULABLE = "GpuUnschedulable";
  public static final String REASON_UNSCHEDULABLE = "Unschedulable";
  public static final String REASON_CONTAINER_CONFIG_ERROR = "ContainerConfigError";
  public static final String REASON_VOLUME_MOUNT_FAILED = "VolumeMountFailed";
  public static final String REASON_INVALID_SPEC = "InvalidSpec";
  public static final String REASON_RECONCILE_FAILED = "ReconcileFailed";
  public static final String REASON_ROLLED_BACK = "RolledBack";
  public static final String REASON_ROLLOUT_FAILED = "RolloutFailed";
  public static final String REASON_ACCURACY_BELOW_SLO = "AccuracyBelowSlo";
  public static final String REASON_DRIFT_ABOVE_SLO = "DriftAboveSlo";
  public static final String REASON_LATENCY_ABOVE_SLO = "LatencyAboveSlo";
  public static final String REASON_ERROR_RATE_ABOVE_SLO = "ErrorRateAboveSlo";
  public static final String REASON_SLO_MET = "SloMet";

  /** An objective is crossed, but not yet for spec.monitoring.slo.for: not degraded yet. */
  public static final String REASON_SLO_PENDING = "SloPending";

  public static final String REASON_HTTP_ROUTE_NOT_FOUND = "HttpRouteNotFound";
  public static final String REASON_HTTP_ROUTE_WITHOUT_MODEL = "HttpRouteWithoutModel";

  /**
   * A RetrainingRun's condition: True once it succeeded, False once it failed or was not blessed.
   */
  public static final String SUCCEEDED = "Succeeded";

  /** A ModelRetraining watches its triggers. */
  public static final String REASON_WATCHING = "Watching";

  /** A ModelRetraining stopped starting runs after spec.guards.maxConsecutiveFailures failures. */
  public static final String REASON_CONSECUTIVE_FAILURES = "ConsecutiveFailures";

  /** A ModelRetraining's spec.modelDeploymentRef names no ModelDeployment. */
  public static final String REASON_MODEL_DEPLOYMENT_NOT_FOUND = "ModelDeploymentNotFound";

  /** The named HTTPRoute also sends traffic to a Service another owner controls: not written. */
  public static final String REASON_HTTP_ROUTE_OF_ANOTHER_OWNER = "HttpRouteOfAnotherOwner";

  private Conditions() {}
}

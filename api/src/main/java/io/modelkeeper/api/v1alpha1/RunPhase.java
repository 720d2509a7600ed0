package io.modelkeeper.api.v1alpha1;

/** Where a RetrainingRun is, shown in its PHASE column. */
public enum RunPhase {
  Pending,
  Training,
  Evaluating,
  NotBlessed,
  RollingOut,
  Promoted,
  RolledBack,
  /** Blessed, but the ModelDeployment's spec.model changed, or a newer run was blessed, first. */
  Superseded,
  Failed;

  /** Whether the run is training or evaluating: it holds the next run back. */
  public boolean inFlight() {
    return this == Pending || this == Training || this == Evaluating;
  }

  /** Whether the run is over: nothing more happens to it. */
  public boolean finished() {
    return this == NotBlessed
        || this == Promoted
        || this == RolledBack
        || this == Superseded
        || this == Failed;
  }
}

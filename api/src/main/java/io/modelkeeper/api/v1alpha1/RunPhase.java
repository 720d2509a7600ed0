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
  Failed;

  /** Whether the run is over: nothing more happens to it. */
  public boolean finished() {
    return this == NotBlessed || this == Promoted || this == RolledBack || this == Failed;
  }
}

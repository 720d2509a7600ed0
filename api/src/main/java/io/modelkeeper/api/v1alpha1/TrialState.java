package io.modelkeeper.api.v1alpha1;

/** Where one trial of a tuning run is. */
public enum TrialState {
  Running,
  Succeeded,
  /** Ended by median stopping: its objective is the best value it reached. */
  StoppedEarly,
  Failed;

  public boolean finished() {
    return this != Running;
  }
}

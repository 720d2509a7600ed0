package io.modelkeeper.operator.tuning;

/** Where a trial stands; PENDING is running or about to run. */
public enum TrialState {
  PENDING,
  SUCCEEDED,
  STOPPED,
  FAILED
}

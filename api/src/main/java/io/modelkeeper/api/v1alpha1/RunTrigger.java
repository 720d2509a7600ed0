package io.modelkeeper.api.v1alpha1;

/** What started a RetrainingRun. */
public enum RunTrigger {
  Manual,
  Schedule,
  Degraded,
  NewRows
}

package io.modelkeeper.api.v1alpha1;

/** How a rollout of a version ended. */
public enum RolloutResult {
  Promoted,
  RolledBack,
  Failed
}

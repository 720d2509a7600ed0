package io.modelkeeper.api.v1alpha1;

/** One-word summary of a ModelDeployment's state, shown in the PHASE column. */
public enum Phase {
  Pending,
  Ready,
  Progressing,
  Promoting,
  RollingBack,
  Degraded,
  Failed
}

package io.modelkeeper.operator.workload;

/** Which side of a rollout a version's workload is on. */
public enum Arm {
  STABLE,
  CANARY;

  /** Value of the modelkeeper.io/arm label. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}

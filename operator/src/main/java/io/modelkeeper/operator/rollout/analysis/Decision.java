package io.modelkeeper.operator.rollout.analysis;

/** What the judge tells the operator to do with a canary after one check. */
public enum Decision {
  /** Go to the next step's weight. */
  Advance,
  /** Make the canary the stable version. */
  Promote,
  /** Remove the canary; the stable version keeps serving. */
  RollBack,
  /** Stay at the current step and check again after the interval. */
  Wait
}

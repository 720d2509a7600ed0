package io.modelkeeper.operator.tuning;

/** Whether a search looks for the smallest or the largest objective value. */
public enum Direction {
  MINIMIZE,
  MAXIMIZE;

  /** Whether {@code a} is strictly better than {@code b}. */
  public boolean better(double a, double b) {
    return this == MINIMIZE ? a < b : a > b;
  }

  /** {@code value} turned into a loss: smaller is better whatever the direction. */
  double loss(double value) {
    return this == MINIMIZE ? value : -value;
  }
}

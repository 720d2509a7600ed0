package io.modelkeeper.operator.tuning;

/** Argument checks the strategies share. */
final class Checks {

  /** More suggestions than this in one call is a caller's mistake, not a plan. */
  static final int MAX_COUNT = 1_000;

  private Checks() {}

  static void count(int count) {
    if (count < 0 || count > MAX_COUNT) {
      throw new IllegalArgumentException(
          "count of suggestions must be within [0, " + MAX_COUNT + "], got " + count);
    }
  }
}

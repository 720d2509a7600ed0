package io.modelkeeper.server.explain;

/**
 * Keeps live importance to a share of one core: after an explanation that took {@code t}, the next
 * may start only {@code t × (1 − share) / share} later. Times are {@link System#nanoTime()} values;
 * two threads finishing at once may each set the rest, and the later one wins.
 */
final class LiveBudget {

  private final double share;
  private volatile long resumeNanos;

  /** {@code share} of one core; 1 or more never rests. */
  LiveBudget(double share, long nowNanos) {
    if (!(share > 0)) {
      throw new IllegalArgumentException(
          "MODELKEEPER_EXPLAIN_LIVE_CPU must be above 0 (set MODELKEEPER_EXPLAIN_LIVE_RATE=0 to"
              + " turn live importance off)");
    }
    this.share = Math.min(1, share);
    this.resumeNanos = nowNanos;
  }

  /** Whether no live explanation may start at {@code nowNanos}. */
  boolean resting(long nowNanos) {
    return nowNanos - resumeNanos < 0;
  }

  /** An explanation ran from {@code startNanos} to {@code endNanos}. */
  void spent(long startNanos, long endNanos) {
    resumeNanos = endNanos + (long) ((endNanos - startNanos) * (1 - share) / share);
  }
}

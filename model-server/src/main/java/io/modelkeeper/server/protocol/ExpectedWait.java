package io.modelkeeper.server.protocol;

import java.time.Duration;

/**
 * How many inference requests may be in flight so that, on average, they are answered within the
 * queue timeout. By Little's law, {@code n} requests in flight, answered at rate {@code λ}, spend
 * {@code n/λ} each in the server; so when the average time from arrival to answer exceeds the
 * timeout, fewer should be let in, and when it stays under, more may be. About once per round of
 * the requests in flight the limit is scaled by {@code timeout / average time} (at most halved or
 * doubled; in the spirit of Netflix concurrency-limits' gradient), and kept between the number of
 * inference threads and MODELKEEPER_MAX_IN_FLIGHT. At saturation this lands on {@code λ·timeout},
 * with {@code λ} what the server actually achieves, HTTP work, hand-offs and a shared core
 * included; below it, the limit grows to the maximum and does not bind.
 *
 * <p>Refusing the rest on arrival, before their bodies are read, costs the server almost nothing,
 * where admitting them would cost parsing and a late refusal when their wait ran out. Reads and
 * writes are plain volatile ones: two threads recording at once may lose a sample.
 */
final class ExpectedWait {

  /** Weight of a new sample in the average time: 1/16. */
  private static final int SMOOTHING_SHIFT = 4;

  /** Samples between two updates of the limit: about the requests in flight, within these. */
  private static final int MIN_ROUND = 8;

  private static final int MAX_ROUND = 32;

  private final int floor;
  private final int ceiling;
  private final long timeoutNanos;
  private volatile long meanNanos;
  private volatile int samples;
  private volatile int limit;

  /**
   * At least {@code threads} and at most {@code maxInFlight} requests in flight, answered within
   * {@code timeout} on average. With a zero timeout, or {@code enabled} false, nothing is limited.
   */
  ExpectedWait(int threads, int maxInFlight, Duration timeout, boolean enabled) {
    this.ceiling = Math.max(1, maxInFlight);
    this.floor = Math.min(Math.max(1, threads), ceiling);
    this.timeoutNanos = enabled ? timeout.toNanos() : 0;
    this.limit = timeoutNanos > 0 ? ceiling : Integer.MAX_VALUE;
  }

  /** An admitted request was answered (or refused late) {@code nanos} after it arrived. */
  void answered(long nanos) {
    if (timeoutNanos <= 0) {
      return;
    }
    long mean = meanNanos;
    mean = mean == 0 ? Math.max(1, nanos) : Math.max(1, mean + ((nanos - mean) >> SMOOTHING_SHIFT));
    meanNanos = mean;
    int current = limit;
    int seen = samples + 1;
    if (seen < Math.min(MAX_ROUND, Math.max(MIN_ROUND, current))) {
      samples = seen;
      return;
    }
    samples = 0;
    double ratio = Math.max(0.5, Math.min(2.0, (double) timeoutNanos / mean));
    long next = Math.round(current * ratio);
    if (ratio > 1 && next == current) {
      // Growth by a ratio just over 1 would round back to the same small limit.
      next = current + 1;
    }
    limit = (int) Math.max(floor, Math.min(ceiling, next));
  }

  /** Most requests that should be in flight now; {@link Integer#MAX_VALUE} when not limited. */
  int limit() {
    return limit;
  }

  /** The average time from arrival to answer, in nanoseconds; 0 before the first answer. */
  long meanNanos() {
    return meanNanos;
  }
}

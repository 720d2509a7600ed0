package io.modelkeeper.server.batching;

import java.time.Duration;

/**
 * How many inference requests may be in flight so that they are answered within the queue timeout,
 * from the pace the inference threads actually keep. By Little's law, {@code n} requests in flight,
 * finished at {@code threads / s} a second ({@code s} the run time per request, averaged over
 * recent batches), take {@code n·s/threads} each on average; so at most {@code timeout·threads/s}
 * are admitted. Refusing the rest on arrival, before their bodies are read, costs the server
 * nothing, where admitting them would cost parsing and a late refusal when their wait ran out.
 *
 * <p>The pace is measured in wall time on the inference threads: when they share cores with the
 * event loops or with each other, it slows, and fewer requests are admitted. Reads and writes are
 * plain volatile ones: two threads recording at once may lose one sample of an average.
 */
public final class ExpectedWait {

  /** Weight of a new sample in the average: 1/16, about the last few dozen batches. */
  private static final int SMOOTHING_SHIFT = 4;

  private final int threads;
  private final long timeoutNanos;
  private volatile long nanosPerRequest;
  private volatile int limit = Integer.MAX_VALUE;

  /**
   * {@code threads} inference threads; requests should be answered within {@code timeout}. With a
   * zero timeout, or {@code enabled} false, nothing is limited.
   */
  ExpectedWait(int threads, Duration timeout, boolean enabled) {
    this.threads = Math.max(1, threads);
    this.timeoutNanos = enabled ? timeout.toNanos() : 0;
  }

  /** A run of {@code requests} requests took {@code nanos}. */
  public void ran(int requests, long nanos) {
    if (timeoutNanos <= 0 || requests < 1) {
      return;
    }
    long sample = Math.max(1, nanos / requests);
    long current = nanosPerRequest;
    long next = current == 0 ? sample : current + ((sample - current) >> SMOOTHING_SHIFT);
    nanosPerRequest = Math.max(1, next);
    limit = limitFor(next);
  }

  private int limitFor(long nanos) {
    long fits = timeoutNanos * threads / Math.max(1, nanos);
    // Never fewer than the threads: a request that would run at once is always worth admitting.
    return (int) Math.max(threads, Math.min(Integer.MAX_VALUE, fits));
  }

  /**
   * Most requests that should be in flight now; {@link Integer#MAX_VALUE} before the first run or
   * when not limited.
   */
  public int limit() {
    return limit;
  }

  /** The average run time per request, in nanoseconds; 0 before the first run. */
  public long nanosPerRequest() {
    return nanosPerRequest;
  }
}

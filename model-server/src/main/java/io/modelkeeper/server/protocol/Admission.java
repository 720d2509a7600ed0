package io.modelkeeper.server.protocol;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds what inference requests hold at once: how many are in flight (from their first byte to
 * their answer), and the bytes of their bodies and decoded tensors. What does not fit is refused at
 * once, never waited for.
 */
final class Admission {

  private final int maxRequests;
  private final long maxBytes;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicLong bytes = new AtomicLong();

  Admission(int maxRequests, long maxBytes) {
    if (maxRequests < 1 || maxBytes < 1) {
      throw new IllegalArgumentException(
          "MODELKEEPER_MAX_IN_FLIGHT and MODELKEEPER_MAX_IN_FLIGHT_BYTES must be 1 or more");
    }
    this.maxRequests = maxRequests;
    this.maxBytes = maxBytes;
  }

  /** What became of a request on arrival. */
  enum Entry {
    ADMITTED,
    /** MODELKEEPER_MAX_IN_FLIGHT requests are in flight. */
    AT_MAX_IN_FLIGHT,
    /** Fewer, but as many as the inference threads can answer within the queue timeout. */
    AT_EXPECTED_WAIT
  }

  /**
   * Admits one more request, unless as many as allowed are in flight: at most the configured
   * maximum, and at most {@code expectedWaitLimit}. One atomic add and a compare, on the event
   * loop.
   */
  Entry enter(int expectedWaitLimit) {
    int inFlight = requests.incrementAndGet();
    if (inFlight <= maxRequests && inFlight <= expectedWaitLimit) {
      return Entry.ADMITTED;
    }
    requests.decrementAndGet();
    return expectedWaitLimit < maxRequests ? Entry.AT_EXPECTED_WAIT : Entry.AT_MAX_IN_FLIGHT;
  }

  void leave() {
    requests.decrementAndGet();
  }

  /** What became of a request's claim on the byte budget. */
  enum Claim {
    TAKEN,
    /** Other requests hold the budget now: refuse with 503, the caller may retry. */
    BUSY,
    /** This request alone needs more than the whole budget: refuse with 413. */
    TOO_LARGE
  }

  /**
   * The bytes one request holds. Closed when the request ends, from then on it takes nothing: a
   * worker thread still checking the request of a caller who hung up cannot leak budget.
   */
  static final class Held {
    private long bytes;
    private boolean closed;
  }

  /** Takes {@code n} more bytes for a request, unless that would pass the budget. */
  Claim claim(Held held, long n) {
    synchronized (held) {
      if (held.closed) {
        return Claim.BUSY;
      }
      if (held.bytes + n > maxBytes) {
        return Claim.TOO_LARGE;
      }
      while (true) {
        long taken = bytes.get();
        if (taken + n > maxBytes) {
          return Claim.BUSY;
        }
        if (bytes.compareAndSet(taken, taken + n)) {
          held.bytes += n;
          return Claim.TAKEN;
        }
      }
    }
  }

  /** Gives back {@code n} of the bytes a request holds. */
  void giveBack(Held held, long n) {
    synchronized (held) {
      if (!held.closed) {
        held.bytes -= n;
        bytes.addAndGet(-n);
      }
    }
  }

  /** Gives back all a request holds, for good: it has ended. */
  void close(Held held) {
    synchronized (held) {
      if (!held.closed) {
        held.closed = true;
        bytes.addAndGet(-held.bytes);
        held.bytes = 0;
      }
    }
  }

  long maxBytes() {
    return maxBytes;
  }

  /** Why a request was refused for its claim, naming the setting. */
  String refusal(Claim claim) {
    return claim == Claim.BUSY
        ? "the server holds as many request bytes as it may now (MODELKEEPER_MAX_IN_FLIGHT_BYTES)"
        : "the request needs more memory than all requests in flight may hold ("
            + maxBytes
            + " bytes, MODELKEEPER_MAX_IN_FLIGHT_BYTES)";
  }
}

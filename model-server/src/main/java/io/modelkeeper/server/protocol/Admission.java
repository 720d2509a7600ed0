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

  /** Admits one more request, unless as many as allowed are in flight. */
  boolean enter() {
    if (requests.incrementAndGet() > maxRequests) {
      requests.decrementAndGet();
      return false;
    }
    return true;
  }

  void leave() {
    requests.decrementAndGet();
  }

  /** Takes {@code n} bytes of the budget, unless that would pass it. */
  boolean reserve(long n) {
    while (true) {
      long held = bytes.get();
      if (held + n > maxBytes) {
        return false;
      }
      if (bytes.compareAndSet(held, held + n)) {
        return true;
      }
    }
  }

  void release(long n) {
    bytes.addAndGet(-n);
  }

  int requests() {
    return requests.get();
  }

  long bytes() {
    return bytes.get();
  }
}

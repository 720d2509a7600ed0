package io.modelkeeper.server.protocol;

import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How far behind the event loops run: a task scheduled on each loop every {@value #PERIOD_MILLIS}
 * ms records how late it ran. A request waits about that long in the loop's backlog before its
 * handler starts, a wait the handler cannot see; when the loops are swamped (by refusals too), the
 * admission has to know it.
 */
final class EventLoopLag {

  private static final long PERIOD_MILLIS = 2;
  private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS);

  private final AtomicLongArray lateNanos;

  /** Starts measuring every event loop of {@code vertx}. */
  EventLoopLag(Vertx vertx) {
    List<EventExecutor> loops = new ArrayList<>();
    ((VertxInternal) vertx).getEventLoopGroup().forEach(loops::add);
    lateNanos = new AtomicLongArray(loops.size());
    for (int i = 0; i < loops.size(); i++) {
      int slot = i;
      long[] last = {System.nanoTime()};
      loops
          .get(i)
          .scheduleWithFixedDelay(
              () -> {
                long now = System.nanoTime();
                long late = Math.max(0, now - last[0] - PERIOD_NANOS);
                // A stall is remembered for a few periods, a quarter less each, so that answers
                // sent just after it still see it.
                long remembered = lateNanos.get(slot);
                lateNanos.set(slot, Math.max(late, remembered - remembered / 4));
                last[0] = now;
              },
              PERIOD_MILLIS,
              PERIOD_MILLIS,
              TimeUnit.MILLISECONDS);
    }
  }

  /** How late the most behind loop ran lately, in nanoseconds. */
  long nanos() {
    long most = 0;
    for (int i = 0; i < lateNanos.length(); i++) {
      most = Math.max(most, lateNanos.get(i));
    }
    return most;
  }
}

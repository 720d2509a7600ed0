package io.modelkeeper.server.explain;

import io.modelkeeper.server.batching.DynamicBatcher;
import java.util.concurrent.CancellationException;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The threads explanations run on: a few of the lowest priority, apart from inference, taking
 * explanation requests before live explanations, each kind up to its own bound. Each ONNX Runtime
 * call of an explanation waits its {@link #turn} while inference requests are queued.
 */
final class ExplanationPool {

  /** Longest an explanation chunk holds back for queued inference before it runs anyway. */
  static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final ThreadPoolExecutor executor;
  private final Semaphore requests;
  private final Semaphore live;
  private final Supplier<DynamicBatcher> batcher;
  private final AtomicLong sequence = new AtomicLong();

  ExplanationPool(int threads, int queue, int liveQueue, Supplier<DynamicBatcher> batcher) {
    AtomicInteger count = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.MILLISECONDS,
            new PriorityBlockingQueue<>(),
            task -> {
              Thread thread = new Thread(task, "explain-" + count.incrementAndGet());
              thread.setDaemon(true);
              thread.setPriority(Thread.MIN_PRIORITY);
              return thread;
            });
    this.requests = new Semaphore(threads + queue);
    this.live = new Semaphore(liveQueue);
    this.batcher = batcher;
  }

  /** Runs an explanation request; false when as many are running and waiting as allowed. */
  boolean request(Runnable work) {
    return submit(requests, 0, work);
  }

  /** Runs a live explanation; false (drop it) when as many are waiting as allowed. */
  boolean live(Runnable work) {
    return submit(live, 1, work);
  }

  private boolean submit(Semaphore permits, int priority, Runnable work) {
    if (!permits.tryAcquire()) {
      return false;
    }
    Runnable released =
        () -> {
          try {
            work.run();
          } finally {
            permits.release();
          }
        };
    try {
      executor.execute(new Task(priority, sequence.incrementAndGet(), released));
      return true;
    } catch (RejectedExecutionException e) {
      permits.release();
      return false;
    }
  }

  /**
   * Waits while inference requests are queued (at most {@link #MAX_PAUSE_NANOS}); then stops the
   * explanation if its caller has gone.
   */
  ModelRows.Turn turn(AtomicBoolean gone) {
    return () -> {
      DynamicBatcher current = batcher.get();
      long deadline = System.nanoTime() + MAX_PAUSE_NANOS;
      while (current != null && current.queued() > 0 && System.nanoTime() < deadline) {
        LockSupport.parkNanos(200_000);
      }
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      if (gone.get()) {
        throw new CancellationException("the caller hung up");
      }
    };
  }

  void shutdown() {
    executor.shutdownNow();
  }

  /** A runnable that explanation requests (priority 0) pass live explanations (1) with. */
  private record Task(int priority, long order, Runnable work)
      implements Runnable, Comparable<Task> {
    @Override
    public void run() {
      work.run();
    }

    @Override
    public int compareTo(Task other) {
      int byPriority = Integer.compare(priority, other.priority);
      return byPriority != 0 ? byPriority : Long.compare(order, other.order);
    }
  }
}

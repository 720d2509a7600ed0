package io.modelkeeper.server.batching;

import io.modelkeeper.server.metrics.ServingMetrics;
import io.modelkeeper.server.onnx.ModelRunner;
import io.modelkeeper.server.onnx.Tensor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Queues inference requests and runs them on a few ONNX Runtime threads. For batchable models it
 * coalesces queued requests, up to {@code maxRows} rows or until the oldest has waited {@code
 * maxDelay}, into one run and splits the outputs back so each caller gets exactly its own rows. A
 * batch is only formed when a run thread is free, so under load batches grow by themselves; and it
 * stops waiting early when no other request is arriving, so light load pays no delay. For a light
 * model (a run shorter than the inline limit) a request that would run alone anyway runs on the
 * caller's thread, sparing two thread hand-offs that cost more than the run itself.
 */
public final class DynamicBatcher implements AutoCloseable {

  private final ModelRunner runner;
  private final ServingMetrics metrics;
  private final int maxRows;
  private final long maxDelayNanos;
  private final boolean coalesce;
  private final boolean inline;
  private static final long POLL_SLICE_NANOS = 200_000;

  private final LinkedBlockingQueue<PendingInference> queue = new LinkedBlockingQueue<>();
  private final AtomicInteger arriving;
  private final Semaphore freeRunThreads;
  private final ExecutorService runThreads;
  private final Thread dispatcher;
  private volatile boolean closed;
  private volatile PendingInference carried;

  /**
   * {@code arriving} counts requests the HTTP layer has received but not yet submitted (their
   * bodies are still being read or checked); a batch waits for them, and only for them.
   */
  public DynamicBatcher(
      ModelRunner runner,
      ServingMetrics metrics,
      int maxRows,
      Duration maxDelay,
      int threads,
      AtomicInteger arriving,
      boolean inlineLoneRequests) {
    this.runner = runner;
    this.arriving = arriving;
    this.metrics = metrics;
    this.maxRows = Math.max(1, maxRows);
    this.maxDelayNanos = maxDelay.toNanos();
    this.coalesce = this.maxRows > 1 && runner.signature().batchable();
    this.inline = inlineLoneRequests;
    this.freeRunThreads = new Semaphore(threads);
    AtomicInteger count = new AtomicInteger();
    this.runThreads =
        Executors.newFixedThreadPool(
            threads,
            task -> {
              Thread thread = new Thread(task, "inference-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    this.dispatcher = new Thread(this::dispatch, "batch-dispatcher");
    dispatcher.setDaemon(true);
    dispatcher.start();
  }

  public boolean coalesces() {
    return coalesce;
  }

  /** Queues one caller's inputs ({@code rows} rows each); completes with that caller's outputs. */
  public CompletableFuture<Map<String, Tensor>> submit(Map<String, Tensor> inputs, int rows) {
    PendingInference pending = new PendingInference(inputs, rows);
    if (closed) {
      pending.result.completeExceptionally(
          new IllegalStateException("the server is shutting down"));
    } else if (inline && queue.isEmpty() && carried == null && arriving.get() == 0) {
      // Nothing to join and nobody coming: the dispatcher would run it alone right away.
      metrics.queued(0);
      runAlone(pending, System.nanoTime());
    } else {
      queue.add(pending);
    }
    return pending.result;
  }

  private void dispatch() {
    while (!closed) {
      try {
        freeRunThreads.acquire();
        PendingInference first = carried != null ? carried : queue.take();
        carried = null;
        List<PendingInference> batch = collect(first);
        runThreads.execute(
            () -> {
              try {
                run(batch);
              } finally {
                freeRunThreads.release();
              }
            });
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private List<PendingInference> collect(PendingInference first) throws InterruptedException {
    List<PendingInference> batch = new ArrayList<>();
    batch.add(first);
    if (!coalesce) {
      return batch;
    }
    int rows = first.rows;
    long deadline = first.enqueuedNanos + maxDelayNanos;
    while (rows < maxRows) {
      long wait = deadline - System.nanoTime();
      PendingInference next;
      if (wait <= 0 || arriving.get() == 0) {
        // Past the deadline, or nobody else on the way: take only what is already queued.
        next = queue.poll();
        if (next == null) {
          break;
        }
      } else {
        next = queue.poll(Math.min(wait, POLL_SLICE_NANOS), TimeUnit.NANOSECONDS);
        if (next == null) {
          continue;
        }
      }
      if (rows + next.rows > maxRows || !first.stacksWith(next)) {
        carried = next;
        break;
      }
      batch.add(next);
      rows += next.rows;
    }
    return batch;
  }

  private void run(List<PendingInference> batch) {
    long start = System.nanoTime();
    for (PendingInference pending : batch) {
      metrics.queued(start - pending.enqueuedNanos);
    }
    if (batch.size() == 1) {
      runAlone(batch.get(0), start);
      return;
    }
    Map<String, Tensor> outputs;
    int rows = 0;
    try {
      Map<String, Tensor> inputs = new LinkedHashMap<>();
      for (String name : batch.get(0).inputs.keySet()) {
        List<Tensor> parts = new ArrayList<>(batch.size());
        for (PendingInference pending : batch) {
          parts.add(pending.inputs.get(name));
        }
        inputs.put(name, Tensor.concatRows(parts));
      }
      for (PendingInference pending : batch) {
        rows += pending.rows;
      }
      outputs = runner.run(inputs);
      metrics.batchRan(rows, System.nanoTime() - start);
    } catch (Exception e) {
      // One caller's bad rows must not fail the others: retry each on its own.
      for (PendingInference pending : batch) {
        runAlone(pending, System.nanoTime());
      }
      return;
    }
    int offset = 0;
    for (PendingInference pending : batch) {
      Map<String, Tensor> own = new LinkedHashMap<>();
      for (Tensor output : outputs.values()) {
        own.put(output.name(), output.sliceRows(offset, offset + pending.rows));
      }
      offset += pending.rows;
      pending.result.complete(own);
    }
  }

  private void runAlone(PendingInference pending, long start) {
    try {
      Map<String, Tensor> outputs = runner.run(pending.inputs);
      metrics.batchRan(pending.rows, System.nanoTime() - start);
      pending.result.complete(outputs);
    } catch (Exception | LinkageError e) {
      pending.result.completeExceptionally(e);
    }
  }

  @Override
  public void close() {
    closed = true;
    dispatcher.interrupt();
    runThreads.shutdown();
    PendingInference pending;
    while ((pending = queue.poll()) != null) {
      pending.result.completeExceptionally(
          new IllegalStateException("the server is shutting down"));
    }
  }
}

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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Queues inference requests and runs them on a few ONNX Runtime threads. For batchable models it
 * coalesces queued requests, up to {@code maxRows} rows or until the oldest has waited {@code
 * maxDelay}, into one run and splits the outputs back so each caller gets exactly its own rows. A
 * batch is only formed when a run thread is free, so under load batches grow by themselves; and it
 * stops waiting early when no other request is arriving, so light load pays no delay. A light model
 * (a run shorter than the inline limit) is not batched: each request of at most {@link
 * #INLINE_MAX_ROWS} rows runs on the caller's thread (the event loop), sparing two thread hand-offs
 * that cost more than the run itself and than what batching would save. Larger requests still go to
 * the run threads, so no request holds an event loop (and the health probes behind it) for longer
 * than a small run.
 */
public final class DynamicBatcher implements AutoCloseable {

  private final ModelRunner runner;
  private final ServingMetrics metrics;
  private final int maxRows;
  private final long maxDelayNanos;
  private final boolean coalesce;
  private final boolean batchable;

  /** Most rows one ONNX Runtime call gets; a request with more runs in slices of this many. */
  private final int rowsPerRun;

  private static final int MIN_ROWS_PER_RUN = 1024;

  /** Most rows a light model's request may have to run on the event loop. */
  public static final int INLINE_MAX_ROWS = 64;

  private final boolean inline;
  private static final long POLL_SLICE_NANOS = 200_000;

  private final LinkedBlockingQueue<PendingInference> queue;
  private final int maxQueueSize;
  private final long queueTimeoutNanos;

  // Refusals are answered with one shared exception each (no stack trace): they cost nothing that
  // grows with the load.
  private final OverloadedException queueFull;
  private final OverloadedException late;
  private final AtomicInteger arriving;
  private final List<Thread> runThreads = new ArrayList<>();

  /** Held by the one run thread that is forming the next batch; the others run or wait. */
  private final ReentrantLock collecting = new ReentrantLock();

  private volatile boolean closed;

  /** A request taken from the queue that did not fit the last batch; written under collecting. */
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
    this(
        runner,
        metrics,
        maxRows,
        maxDelay,
        threads,
        arriving,
        inlineLoneRequests,
        new QueuePolicy(Integer.MAX_VALUE, Duration.ZERO));
  }

  /**
   * How long the queue may grow, Triton-style: at most {@code maxSize} requests wait, each at most
   * {@code timeout} (zero: no limit); the excess and the late are refused with {@link
   * OverloadedException}. A batch waits for more requests at most half the timeout.
   */
  public record QueuePolicy(int maxSize, Duration timeout) {}

  public DynamicBatcher(
      ModelRunner runner,
      ServingMetrics metrics,
      int maxRows,
      Duration maxDelay,
      int threads,
      AtomicInteger arriving,
      boolean inlineLoneRequests,
      QueuePolicy policy) {
    if (policy.maxSize() < 1) {
      throw new IllegalArgumentException("MODELKEEPER_MAX_QUEUE_SIZE must be 1 or more");
    }
    this.queue = new LinkedBlockingQueue<>(policy.maxSize());
    this.maxQueueSize = policy.maxSize();
    this.queueTimeoutNanos = policy.timeout().toNanos();
    this.queueFull =
        new OverloadedException("the batch queue is full (MODELKEEPER_MAX_QUEUE_SIZE)");
    this.late =
        new OverloadedException(
            "the request waited in the batch queue longer than "
                + policy.timeout().toMillis()
                + " ms (MODELKEEPER_QUEUE_TIMEOUT)");
    this.runner = runner;
    this.arriving = arriving;
    this.metrics = metrics;
    this.maxRows = Math.max(1, maxRows);
    // Waiting for others to join a batch must not use up the wait a request is allowed in all.
    this.maxDelayNanos =
        policy.timeout().isZero()
            ? maxDelay.toNanos()
            : Math.min(maxDelay.toNanos(), policy.timeout().toNanos() / 2);
    this.batchable = runner.signature().batchable();
    this.coalesce = this.maxRows > 1 && batchable;
    this.rowsPerRun = Math.max(this.maxRows, MIN_ROWS_PER_RUN);
    this.inline = inlineLoneRequests;
    for (int i = 1; i <= Math.max(1, threads); i++) {
      Thread thread = new Thread(this::runBatches, "inference-" + i);
      thread.setDaemon(true);
      runThreads.add(thread);
    }
    runThreads.forEach(Thread::start);
  }

  public boolean coalesces() {
    return coalesce;
  }

  /**
   * Queues one caller's inputs ({@code rows} rows each); completes with that caller's outputs, or
   * with {@link OverloadedException} when the queue is full or the request waited past the queue
   * timeout. Cancelling the future before its turn takes the request out: it is never computed.
   */
  public CompletableFuture<Map<String, Tensor>> submit(Map<String, Tensor> inputs, int rows) {
    long now = System.nanoTime();
    PendingInference pending =
        new PendingInference(inputs, rows, queueTimeoutNanos > 0 ? now + queueTimeoutNanos : 0);
    if (closed) {
      pending.result.completeExceptionally(
          new IllegalStateException("the server is shutting down"));
    } else if (inline && rows <= INLINE_MAX_ROWS && queue.isEmpty() && carried == null) {
      // A light model's run costs less than the two thread hand-offs (and, on a busy core, the
      // waits for the scheduler) that batching it would take: it runs here, whoever else is on
      // the way. A larger request goes to the run threads: an event loop is held for a small run
      // at most.
      metrics.queued(0);
      runAlone(pending, System.nanoTime());
    } else if (!queue.offer(pending)) {
      pending.result.completeExceptionally(queueFull);
    }
    return pending.result;
  }

  /**
   * Whether the queue is full now, so that a request can be refused before its body is read rather
   * than after.
   */
  public boolean queueFull() {
    return queue.size() >= maxQueueSize;
  }

  /** Requests waiting in the queue now; explanations hold back while any are. */
  public int queued() {
    return queue.size();
  }

  /** Takes a request its caller gave up on out of the queue. */
  public void cancel(CompletableFuture<?> result) {
    if (result.cancel(false)) {
      queue.removeIf(pending -> pending.result == result);
    }
  }

  /**
   * Whether a request taken from the queue should still run: not when its caller gave up, nor when
   * it waited past its deadline (then it is refused).
   */
  private boolean stillWanted(PendingInference pending, long now) {
    if (pending.result.isDone()) {
      return false;
    }
    if (pending.deadlineNanos != 0 && now - pending.deadlineNanos > 0) {
      pending.result.completeExceptionally(late);
      return false;
    }
    return true;
  }

  /**
   * What each run thread does: once free, it forms the next batch itself (one thread at a time) and
   * runs it. A batch is thus only formed when a thread is free to run it, and no thread hands a
   * batch to another: each hand-off between threads is a wake-up that waits for the scheduler, and
   * on a busy core that wait is the tail.
   */
  private void runBatches() {
    while (!closed) {
      List<PendingInference> batch;
      try {
        collecting.lockInterruptibly();
        try {
          PendingInference first = carried != null ? carried : queue.take();
          carried = null;
          while (!stillWanted(first, System.nanoTime())) {
            first = queue.take();
          }
          batch = collect(first);
        } finally {
          collecting.unlock();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      run(batch);
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
      if (!stillWanted(next, System.nanoTime())) {
        continue;
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
      Map<String, Tensor> outputs =
          batchable && pending.rows > rowsPerRun
              ? runInSlices(pending.inputs, pending.rows)
              : runner.run(pending.inputs);
      metrics.batchRan(pending.rows, System.nanoTime() - start);
      pending.result.complete(outputs);
    } catch (Exception | LinkageError e) {
      pending.result.completeExceptionally(e);
    }
  }

  /**
   * Runs a request of many rows a slice at a time and joins the outputs: ONNX Runtime's native
   * memory for a run grows with its rows (every intermediate tensor has them), and the heap limit
   * does not see it, so no caller may make one run arbitrarily large.
   */
  private Map<String, Tensor> runInSlices(Map<String, Tensor> inputs, int rows) throws Exception {
    Map<String, List<Tensor>> parts = new LinkedHashMap<>();
    for (int from = 0; from < rows; from += rowsPerRun) {
      int to = Math.min(rows, from + rowsPerRun);
      Map<String, Tensor> slice = new LinkedHashMap<>();
      for (Tensor input : inputs.values()) {
        slice.put(input.name(), input.sliceRows(from, to));
      }
      for (Tensor output : runner.run(slice).values()) {
        parts.computeIfAbsent(output.name(), name -> new ArrayList<>()).add(output);
      }
    }
    Map<String, Tensor> outputs = new LinkedHashMap<>();
    parts.forEach((name, tensors) -> outputs.put(name, Tensor.concatRows(tensors)));
    return outputs;
  }

  @Override
  public void close() {
    closed = true;
    // Threads waiting for work stop now; one running a batch finishes it first.
    runThreads.forEach(Thread::interrupt);
    PendingInference pending;
    while ((pending = queue.poll()) != null) {
      pending.result.completeExceptionally(
          new IllegalStateException("the server is shutting down"));
    }
  }
}

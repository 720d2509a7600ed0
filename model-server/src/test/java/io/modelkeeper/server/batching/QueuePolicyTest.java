package io.modelkeeper.server.batching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelkeeper.server.metrics.ServingMetrics;
import io.modelkeeper.server.models.SampleModels;
import io.modelkeeper.server.onnx.DataType;
import io.modelkeeper.server.onnx.ModelRunner;
import io.modelkeeper.server.onnx.Tensor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The batch queue's policy: a full queue refuses at once, a request past its deadline is refused
 * when its turn comes, and one whose caller gave up is never computed. One run thread and the heavy
 * MLP keep the queue occupied: a first request of 1,024 rows holds the run thread for tens of
 * milliseconds (about 75 here), hundreds of times longer than the submissions that follow it take,
 * so what the queue holds while they arrive does not depend on how fast the machine runs the model.
 */
class QueuePolicyTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private ModelRunner runner;
  private DynamicBatcher batcher;

  @BeforeEach
  void open() throws Exception {
    runner = ModelRunner.open(SampleModels.heavyMlp().toOnnx("heavy", Map.of()), false, w -> {});
  }

  @AfterEach
  void close() throws Exception {
    batcher.close();
    runner.close();
  }

  private void batcher(int maxSize, Duration timeout) {
    batcher =
        new DynamicBatcher(
            runner,
            new ServingMetrics(registry),
            32,
            Duration.ZERO,
            1,
            new AtomicInteger(),
            false,
            new DynamicBatcher.QueuePolicy(maxSize, timeout));
  }

  private CompletableFuture<Map<String, Tensor>> submitFullBatch() {
    return submit(rows(32));
  }

  /** Occupies the single run thread long enough for everything submitted after it to queue. */
  private CompletableFuture<Map<String, Tensor>> submitLongRun() {
    return submit(rows(1024));
  }

  private Map<String, Tensor> rows(int rows) {
    String input = runner.signature().inputs().get(0).name();
    return Map.of(
        input, new Tensor(input, DataType.FP32, new long[] {rows, 512}, new float[rows * 512]));
  }

  private CompletableFuture<Map<String, Tensor>> submit(Map<String, Tensor> inputs) {
    return batcher.submit(inputs, (int) inputs.values().iterator().next().shape()[0]);
  }

  private static Throwable failure(CompletableFuture<?> future) {
    Throwable thrown = catchThrowable(() -> future.get(30, TimeUnit.SECONDS));
    return thrown instanceof ExecutionException ? thrown.getCause() : thrown;
  }

  @Test
  void aFullQueueRefusesAtOnce() throws Exception {
    batcher(2, Duration.ZERO);
    List<Map<String, Tensor>> requests = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      requests.add(rows(32));
    }
    List<CompletableFuture<Map<String, Tensor>>> futures = new ArrayList<>();
    futures.add(submitLongRun());
    requests.forEach(inputs -> futures.add(submit(inputs)));
    long refused =
        futures.stream()
            .filter(f -> f.isCompletedExceptionally() && failure(f) instanceof OverloadedException)
            .count();
    // One running, at most one more taken from the queue, two waiting: the rest refused at once.
    assertThat(refused).isGreaterThanOrEqualTo(8);
    assertThat(failure(futures.get(11))).hasMessageContaining("MODELKEEPER_MAX_QUEUE_SIZE");
    for (CompletableFuture<Map<String, Tensor>> future : futures) {
      Throwable thrown = failure(future);
      assertThat(thrown == null || thrown instanceof OverloadedException).isTrue();
    }
  }

  @Test
  void aRequestPastItsDeadlineIsRefusedNotRun() throws Exception {
    batcher(100, Duration.ofNanos(1));
    List<CompletableFuture<Map<String, Tensor>>> futures = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      futures.add(submitFullBatch());
    }
    long late = futures.stream().filter(f -> failure(f) instanceof OverloadedException).count();
    assertThat(late).isGreaterThanOrEqualTo(1);
    assertThat(futures.stream().map(QueuePolicyTest::failure))
        .filteredOn(OverloadedException.class::isInstance)
        .allSatisfy(t -> assertThat(t).hasMessageContaining("MODELKEEPER_QUEUE_TIMEOUT"));
    assertThat(registry.get("modelkeeper.batch.size").summary().count()).isEqualTo(6 - late);
  }

  @Test
  void aBatchWaitsForMoreRequestsAtMostHalfTheQueueTimeout() throws Exception {
    // Someone is always on the way, and batches may wait a second for them; the timeout is 40 ms.
    batcher =
        new DynamicBatcher(
            runner,
            new ServingMetrics(registry),
            32,
            Duration.ofSeconds(1),
            1,
            new AtomicInteger(1),
            false,
            new DynamicBatcher.QueuePolicy(100, Duration.ofMillis(40)));
    String input = runner.signature().inputs().get(0).name();
    Tensor row = new Tensor(input, DataType.FP32, new long[] {1, 512}, new float[512]);

    long start = System.nanoTime();
    batcher.submit(Map.of(input, row), 1).get(30, TimeUnit.SECONDS);

    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(500);
  }

  @Test
  void aRequestWhoseCallerGaveUpIsNeverComputed() throws Exception {
    batcher(100, Duration.ZERO);
    CompletableFuture<Map<String, Tensor>> running = submitLongRun();
    List<CompletableFuture<Map<String, Tensor>>> abandoned = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      abandoned.add(submitFullBatch());
    }
    abandoned.forEach(batcher::cancel);
    CompletableFuture<Map<String, Tensor>> last = submitFullBatch();

    running.get(30, TimeUnit.SECONDS);
    last.get(30, TimeUnit.SECONDS);
    long cancelled = abandoned.stream().filter(CompletableFuture::isCancelled).count();
    // Those already handed to the run thread before the cancel ran; the others never did.
    assertThat(cancelled).isGreaterThanOrEqualTo(4);
    assertThat(registry.get("modelkeeper.batch.size").summary().count())
        .isEqualTo(2 + (5 - cancelled));
  }
}

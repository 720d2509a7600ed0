package io.modelkeeper.server.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelkeeper.server.batching.DynamicBatcher;
import io.modelkeeper.server.metrics.ServingMetrics;
import io.modelkeeper.server.models.SampleModels;
import io.modelkeeper.server.onnx.DataType;
import io.modelkeeper.server.onnx.ModelRunner;
import io.modelkeeper.server.onnx.Tensor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ExplanationPoolTest {

  @Test
  void boundsEachKind_andRunsWaitingRequestsBeforeLiveExplanations() throws Exception {
    ExplanationPool pool = new ExplanationPool(1, 1, 1, () -> null);
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(3);
    List<String> order = new CopyOnWriteArrayList<>();
    try {
      assertThat(
              pool.request(
                  () -> {
                    running.countDown();
                    await(release);
                    order.add("request 1");
                    done.countDown();
                  }))
          .isTrue();
      assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

      boolean live = pool.live(() -> ran(order, "live", done));
      boolean waiting = pool.request(() -> ran(order, "request 2", done));
      boolean overRequests = pool.request(() -> ran(order, "request 3", done));
      boolean overLive = pool.live(() -> ran(order, "live 2", done));
      release.countDown();

      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(live).isTrue();
      assertThat(waiting).isTrue();
      assertThat(overRequests).as("threads + queue = 2 requests at most").isFalse();
      assertThat(overLive).as("one live explanation waiting at most").isFalse();
      assertThat(order).containsExactly("request 1", "request 2", "live");
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void turn_stopsTheExplanationOfACallerWhoHungUp() throws Exception {
    ExplanationPool pool = new ExplanationPool(1, 0, 1, () -> null);
    AtomicBoolean gone = new AtomicBoolean();
    ModelRows.Turn turn = pool.turn(gone);

    turn.await();
    gone.set(true);

    assertThatThrownBy(turn::await).isInstanceOf(CancellationException.class);
    pool.shutdown();
  }

  /**
   * An explanation's chunk holds back while inference requests are queued, for at most {@link
   * ExplanationPool#MAX_PAUSE_NANOS}, and not at all once the queue is empty. A first request of
   * 16,384 rows of the heavy MLP (sixteen runs of 1,024 rows, about 170 GFLOP, a second or more
   * here) holds the batcher's single run thread far longer than the pause even on a machine several
   * times faster, so two requests stay queued throughout it.
   */
  @Test
  void turn_holdsBackWhileInferenceIsQueued_atMostThePause() throws Exception {
    try (ModelRunner runner =
            ModelRunner.open(SampleModels.heavyMlp().toOnnx("heavy", Map.of()), false, w -> {});
        DynamicBatcher batcher =
            new DynamicBatcher(
                runner,
                new ServingMetrics(new SimpleMeterRegistry()),
                32,
                Duration.ZERO,
                1,
                new AtomicInteger(),
                false)) {
      ExplanationPool pool = new ExplanationPool(1, 0, 1, () -> batcher);
      ModelRows.Turn turn = pool.turn(new AtomicBoolean());
      String input = runner.signature().inputs().get(0).name();
      List<CompletableFuture<?>> inference = new ArrayList<>();
      for (int rows : new int[] {16384, 32, 32}) {
        Tensor tensor =
            new Tensor(input, DataType.FP32, new long[] {rows, 512}, new float[rows * 512]);
        inference.add(batcher.submit(Map.of(input, tensor), rows));
      }

      long start = System.nanoTime();
      turn.await();
      long held = System.nanoTime() - start;
      int queuedAfter = batcher.queued();

      assertThat(held)
          .as("held back for the whole pause while requests were queued")
          .isGreaterThanOrEqualTo(ExplanationPool.MAX_PAUSE_NANOS);
      assertThat(queuedAfter).as("and then ran anyway: the pause is bounded").isPositive();

      for (CompletableFuture<?> request : inference) {
        request.get(60, TimeUnit.SECONDS);
      }
      assertThat(batcher.queued()).isZero();
      start = System.nanoTime();
      turn.await();
      assertThat(System.nanoTime() - start)
          .as("nothing queued: no pause")
          .isLessThan(ExplanationPool.MAX_PAUSE_NANOS);
      pool.shutdown();
    }
  }

  private static void ran(List<String> order, String name, CountDownLatch done) {
    order.add(name);
    done.countDown();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package io.modelkeeper.server.batching;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelkeeper.server.metrics.ServingMetrics;
import io.modelkeeper.server.models.DenseNetwork;
import io.modelkeeper.server.models.SampleModels;
import io.modelkeeper.server.onnx.DataType;
import io.modelkeeper.server.onnx.ModelRunner;
import io.modelkeeper.server.onnx.Tensor;
import io.modelkeeper.server.support.ForwardPass;
import io.modelkeeper.server.support.TestModels;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DynamicBatcherTest {

  private static final DenseNetwork MLP = SampleModels.mlp();

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicInteger arriving = new AtomicInteger();
  private ModelRunner runner;
  private DynamicBatcher batcher;

  @BeforeEach
  void open() throws Exception {
    runner = ModelRunner.open(MLP.toOnnx("mlp", Map.of()), false, w -> {});
    batcher =
        new DynamicBatcher(
            runner, new ServingMetrics(registry), 32, Duration.ofSeconds(2), 1, arriving, false);
  }

  @AfterEach
  void close() throws Exception {
    batcher.close();
    runner.close();
  }

  private static Map<String, Tensor> rows(float[] values, int count) {
    return Map.of("input", new Tensor("input", DataType.FP32, new long[] {count, 16}, values));
  }

  @Test
  void aLoneRequestDoesNotWaitForTheQueueDelayWhenNothingElseIsArriving() throws Exception {
    long start = System.nanoTime();
    batcher.submit(rows(new float[16], 1), 1).get(5, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1000));
  }

  @Test
  void requestsStillArrivingAreWaitedForAndShareOneRunWithTheirOwnRowsBack() throws Exception {
    float[] first = TestModels.randomRows(new Random(1), 2, 16);
    float[] second = TestModels.randomRows(new Random(2), 3, 16);
    arriving.set(2);
    arriving.decrementAndGet();
    CompletableFuture<Map<String, Tensor>> a = batcher.submit(rows(first, 2), 2);
    Thread.sleep(100);
    arriving.decrementAndGet();
    CompletableFuture<Map<String, Tensor>> b = batcher.submit(rows(second, 3), 3);
    float[] servedA = (float[]) a.get(5, TimeUnit.SECONDS).get("probabilities").data();
    float[] servedB = (float[]) b.get(5, TimeUnit.SECONDS).get("probabilities").data();
    assertThat(servedA)
        .containsExactly(
            ForwardPass.rows(MLP, first, 2), org.assertj.core.data.Offset.offset(1e-5f));
    assertThat(servedB)
        .containsExactly(
            ForwardPass.rows(MLP, second, 3), org.assertj.core.data.Offset.offset(1e-5f));
    assertThat(registry.get("modelkeeper.batch.size").summary().count()).isEqualTo(1);
    assertThat(registry.get("modelkeeper.batch.size").summary().max()).isEqualTo(5);
  }

  @Test
  void aLightModelRunsALoneRequestOnTheCallersThread() throws Exception {
    float[] values = TestModels.randomRows(new Random(3), 1, 16);
    try (DynamicBatcher inline =
        new DynamicBatcher(
            runner,
            new ServingMetrics(new SimpleMeterRegistry()),
            32,
            Duration.ofSeconds(2),
            1,
            new AtomicInteger(),
            true)) {
      CompletableFuture<Map<String, Tensor>> result = inline.submit(rows(values, 1), 1);
      assertThat(result).isDone();
      assertThat((float[]) result.get().get("probabilities").data())
          .containsExactly(
              ForwardPass.rows(MLP, values, 1), org.assertj.core.data.Offset.offset(1e-5f));
    }
  }

  @Test
  void aLightModelRunsOnTheCallersThreadWhileOthersAreArriving() throws Exception {
    AtomicInteger others = new AtomicInteger(5);
    try (DynamicBatcher inline =
        new DynamicBatcher(
            runner,
            new ServingMetrics(new SimpleMeterRegistry()),
            32,
            Duration.ofSeconds(2),
            1,
            others,
            true)) {
      // Queued, it would wait for the five on their way (up to 2 s): done at once means it ran
      // here.
      CompletableFuture<Map<String, Tensor>> one =
          inline.submit(rows(TestModels.randomRows(new Random(4), 1, 16), 1), 1);
      assertThat(one).isDone();
      CompletableFuture<Map<String, Tensor>> largest =
          inline.submit(
              rows(
                  TestModels.randomRows(new Random(6), DynamicBatcher.INLINE_MAX_ROWS, 16),
                  DynamicBatcher.INLINE_MAX_ROWS),
              DynamicBatcher.INLINE_MAX_ROWS);
      assertThat(largest).as("the largest request that runs on the caller's thread").isDone();

      // More rows than may run on an event loop: handed to the run threads (which start on it at
      // once, a
      // full batch), and answered all the same.
      float[] values = TestModels.randomRows(new Random(5), 1025, 16);
      float[] served =
          (float[])
              inline
                  .submit(rows(values, 1025), 1025)
                  .get(30, TimeUnit.SECONDS)
                  .get("probabilities")
                  .data();
      assertThat(served)
          .containsExactly(
              ForwardPass.rows(MLP, values, 1025), org.assertj.core.data.Offset.offset(1e-5f));
    }
  }

  @Test
  void aRequestOfManyRowsRunsInSlicesAndGetsExactlyItsOwnRowsBack() throws Exception {
    float[] values = TestModels.randomRows(new Random(3), 3000, 16);
    float[] served =
        (float[])
            batcher
                .submit(rows(values, 3000), 3000)
                .get(30, TimeUnit.SECONDS)
                .get("probabilities")
                .data();
    assertThat(served)
        .containsExactly(
            ForwardPass.rows(MLP, values, 3000), org.assertj.core.data.Offset.offset(1e-5f));
  }
}

package io.modelkeeper.server.quality;

import static io.modelkeeper.server.quality.PredictionReaderTest.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelkeeper.server.capture.DatasetFiles;
import io.modelkeeper.server.capture.DatasetWriter;
import io.modelkeeper.server.drift.DriftMonitor;
import io.modelkeeper.server.quality.PredictionReader.Output;
import io.modelkeeper.server.quality.PredictionReader.ScoreKind;
import io.modelkeeper.server.quality.PredictionReader.Settings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelQualityTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final InputLayout ONE_INPUT = new InputLayout(List.of("x"), new int[] {2});

  @TempDir Path directory;

  private static ModelQuality binary(int storeSize, DriftMonitor drift, DatasetWriter capture) {
    PredictionReader reader =
        PredictionReader.detect(
            Task.BINARY_CLASSIFICATION,
            List.of(new Output("probability", true, 1)),
            new Settings(Optional.empty(), Optional.empty(), ScoreKind.AUTO, List.of("no", "yes")));
    PredictionStore store =
        new PredictionStore(storeSize, Duration.ofMinutes(10), System::currentTimeMillis);
    return new ModelQuality(
        Task.BINARY_CLASSIFICATION,
        reader,
        ONE_INPUT,
        store,
        1000,
        drift,
        capture,
        Clock.systemUTC());
  }

  private static void infer(ModelQuality quality, String id, float x, float probability) {
    quality.inferred(
        id, 1, Map.of("x", values(x, -x))::get, Map.of("probability", values(probability))::get);
  }

  private static JsonNode item(String id, Object label) {
    ObjectNode item = JSON.createObjectNode().put("id", id);
    item.set("label", JSON.valueToTree(label));
    return item;
  }

  @Test
  void modelRightNineTimesInTen_accuracyPointNine() {
    ModelQuality quality = binary(1000, null, null);
    List<JsonNode> labels = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      infer(quality, "r" + i, i, 0.9f);
      labels.add(item("r" + i, i % 10 == 0 ? "no" : "yes"));
    }

    List<FeedbackResult> results = quality.feedback(labels);

    assertThat(results).allMatch(r -> r.status() == FeedbackStatus.OK);
    assertThat(quality.quality().metric("accuracy")).isCloseTo(0.9, within(1e-12));
    assertThat(quality.labelledTotal()).isEqualTo(100);
  }

  @Test
  void everyBadItem_getsItsOwnStatusAndIsCounted() throws Exception {
    ModelQuality quality = binary(2, null, null);
    infer(quality, "gone", 0, 0.1f);
    infer(quality, "a", 0, 0.1f);
    infer(quality, "b", 0, 0.1f);
    infer(quality, "c", 0, 0.1f);
    List<JsonNode> items =
        List.of(
            item("b", 1),
            item("b", 0),
            item("nobody", 0),
            item("gone", 0),
            item("c", "maybe"),
            item("c", 2.5),
            JSON.readTree("{\"label\": 1}"),
            JSON.readTree("[1]"),
            JSON.readTree("{\"id\": \"c\"}"));

    List<FeedbackResult> results = quality.feedback(items);

    assertThat(results)
        .extracting(FeedbackResult::status)
        .containsExactly(
            FeedbackStatus.OK,
            FeedbackStatus.DUPLICATE_LABEL,
            FeedbackStatus.UNKNOWN_ID,
            FeedbackStatus.EXPIRED,
            FeedbackStatus.OUT_OF_RANGE,
            FeedbackStatus.WRONG_TYPE,
            FeedbackStatus.INVALID,
            FeedbackStatus.INVALID,
            FeedbackStatus.INVALID);
    assertThat(results.get(6).message())
        .isEqualTo("item 6: id is required, the inference id as a string");
    assertThat(quality.feedbackTotal(FeedbackStatus.INVALID)).isEqualTo(3);
    assertThat(quality.feedbackTotal(FeedbackStatus.OK)).isEqualTo(1);
    // "c" is still waiting for a correct label after two refused ones.
    assertThat(quality.feedback(List.of(item("c", true))).get(0).status())
        .isEqualTo(FeedbackStatus.OK);
  }

  @Test
  void concurrentInferenceAndFeedback_totalsAddUpExactly() throws Exception {
    int threads = 8;
    int perThread = 2000;
    ModelQuality quality =
        binary(
            5000,
            DriftMonitor.capturing(
                ONE_INPUT.defaultFeatures(8),
                true,
                new DriftMonitor.Settings(500, 100, 0.05, Duration.ZERO)),
            null);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<long[]>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      futures.add(
          pool.submit(
              () -> {
                long[] counts = new long[FeedbackStatus.values().length];
                for (int i = 0; i < perThread; i++) {
                  String id = thread + "-" + i;
                  infer(quality, id, i, (i % 3) / 2f);
                  // Every item is labelled once; every third twice; every fifth also sends a
                  // stranger.
                  List<JsonNode> items = new ArrayList<>(List.of(item(id, i % 2)));
                  if (i % 3 == 0) {
                    items.add(item(id, 1));
                  }
                  if (i % 5 == 0) {
                    items.add(item("x" + id, 1));
                  }
                  for (FeedbackResult result : quality.feedback(items)) {
                    counts[result.status().ordinal()]++;
                  }
                  if (i % 7 == 0) {
                    quality.quality();
                    quality.drift();
                  }
                }
                return counts;
              }));
    }
    long[] totals = new long[FeedbackStatus.values().length];
    for (Future<long[]> future : futures) {
      long[] counts = future.get();
      for (int s = 0; s < totals.length; s++) {
        totals[s] += counts[s];
      }
    }
    pool.shutdown();

    long predictions = (long) threads * perThread;
    assertThat(totals[FeedbackStatus.OK.ordinal()]).isEqualTo(predictions);
    assertThat(totals[FeedbackStatus.DUPLICATE_LABEL.ordinal()])
        .isEqualTo(threads * ((perThread + 2) / 3));
    assertThat(totals[FeedbackStatus.UNKNOWN_ID.ordinal()])
        .isEqualTo(threads * ((perThread + 4) / 5));
    for (FeedbackStatus status : FeedbackStatus.values()) {
      assertThat(quality.feedbackTotal(status)).isEqualTo(totals[status.ordinal()]);
    }
    assertThat(quality.labelledTotal()).isEqualTo(predictions);
    assertThat(quality.store().rememberedTotal()).isEqualTo(predictions);
    assertThat(quality.store().size()).isZero();
    assertThat(quality.store().unlabelledTotal()).isZero();
    assertThat(quality.quality().windowSize()).isEqualTo(1000);
    assertThat(quality.drift().windowRows()).isEqualTo(500);
  }

  @Test
  void multiRowRequest_takesOneLabelPerRow() {
    ModelQuality quality = binary(10, null, null);
    quality.inferred(
        "batch",
        3,
        Map.of("x", values(1, 1, 2, 2, 3, 3))::get,
        Map.of("probability", values(0.9f, 0.2f, 0.6f))::get);

    FeedbackResult scalar = quality.feedback(List.of(item("batch", 1))).get(0);
    FeedbackResult labels = quality.feedback(List.of(item("batch", List.of(1, 0, 0)))).get(0);

    assertThat(scalar.status()).isEqualTo(FeedbackStatus.WRONG_TYPE);
    assertThat(labels.status()).isEqualTo(FeedbackStatus.OK);
    assertThat(quality.labelledTotal()).isEqualTo(3);
    assertThat(quality.quality().metric("accuracy")).isCloseTo(2 / 3.0, within(1e-12));
  }

  @Test
  void labelledRowsAreCaptured() throws Exception {
    DatasetWriter writer =
        new DatasetWriter(
            directory,
            "fraud",
            "7",
            "pod-a",
            new DatasetWriter.Limits(1 << 20, Duration.ofHours(1), Duration.ofMillis(10), 100, 100),
            Clock.systemUTC());
    ModelQuality quality = binary(10, null, writer);
    infer(quality, "r1", 3, 0.8f);
    infer(quality, "r2", 4, 0.1f);

    quality.feedback(List.of(item("r1", 0)));
    writer.close();

    List<JsonNode> rows = DatasetFiles.readAll(directory);
    assertThat(rows)
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row.get("id").asText()).isEqualTo("r1");
              assertThat(row.get("features").get("x").toString()).isEqualTo("[3.0,-3.0]");
              assertThat(row.get("label").asInt()).isZero();
              assertThat(row.get("prediction").asInt()).isEqualTo(1);
              assertThat(row.get("score").asDouble()).isCloseTo(0.8, within(1e-6));
            });
  }
}

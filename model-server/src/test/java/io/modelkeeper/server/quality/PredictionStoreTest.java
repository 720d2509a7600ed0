package io.modelkeeper.server.quality;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.modelkeeper.server.quality.PredictionStore.LabelCheck;
import io.modelkeeper.server.quality.PredictionStore.Taken;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PredictionStoreTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final LabelReader labels =
      new LabelReader(Task.MULTICLASS_CLASSIFICATION, List.of("a", "b", "c"));
  private final PredictionStore store = new PredictionStore(3, Duration.ofSeconds(60), now::get);

  private static StoredPrediction oneRow(int predictedClass) {
    return new StoredPrediction(1, new int[] {predictedClass}, null, null, null);
  }

  private LabelCheck label(Object value) {
    var node = value instanceof Integer i ? IntNode.valueOf(i) : TextNode.valueOf((String) value);
    return prediction -> labels.read(node, prediction.rows());
  }

  @Test
  void labelJoinsItsPrediction_onceOnly() {
    store.remember("r1", oneRow(2));

    Taken first = store.take("r1", label(2));
    Taken second = store.take("r1", label(2));

    assertThat(first.status()).isEqualTo(FeedbackStatus.OK);
    assertThat(first.prediction().classes()).containsExactly(2);
    assertThat(second.status()).isEqualTo(FeedbackStatus.DUPLICATE_LABEL);
    assertThat(second.message()).contains("'r1' already has a label");
    assertThat(store.size()).isZero();
  }

  @Test
  void idsThatNameTheirPodAreKeptAsCompactlyAsPlainUuids() {
    PredictionStore plain = new PredictionStore(100, Duration.ofSeconds(60), now::get);
    PredictionStore named = new PredictionStore(100, Duration.ofSeconds(60), now::get);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      String uuid = UUID.randomUUID().toString();
      ids.add(uuid + ".4be1c07d2f90");
      plain.remember(uuid, oneRow(1));
      named.remember(uuid + ".4be1c07d2f90", oneRow(1));
    }

    assertThat(named.estimatedBytes()).isEqualTo(plain.estimatedBytes());
    assertThat(named.take(ids.get(7), label(1)).status()).isEqualTo(FeedbackStatus.OK);
    assertThat(named.take(ids.get(7), label(1)).status()).isEqualTo(FeedbackStatus.DUPLICATE_LABEL);
  }

  @Test
  void unknownId() {
    Taken taken = store.take("never-seen", label(0));

    assertThat(taken.status()).isEqualTo(FeedbackStatus.UNKNOWN_ID);
    assertThat(taken.status().httpStatus()).isEqualTo(404);
  }

  @Test
  void predictionOlderThanMaxAge_expires() {
    store.remember("old", oneRow(0));
    now.addAndGet(60_001);

    Taken taken = store.take("old", label(0));

    assertThat(taken.status()).isEqualTo(FeedbackStatus.EXPIRED);
    assertThat(taken.status().httpStatus()).isEqualTo(410);
    assertThat(store.unlabelledTotal()).isEqualTo(1);
  }

  @Test
  void oldestPredictionIsPushedOutWhenFull() {
    for (String id : List.of("p1", "p2", "p3", "p4")) {
      store.remember(id, oneRow(0));
    }

    assertThat(store.size()).isEqualTo(3);
    assertThat(store.take("p1", label(0)).status()).isEqualTo(FeedbackStatus.EXPIRED);
    assertThat(store.take("p4", label(0)).status()).isEqualTo(FeedbackStatus.OK);
  }

  @Test
  void wrongTypeAndOutOfRange_leaveThePredictionWaitingForACorrectLabel() {
    store.remember("r1", oneRow(1));

    Taken wrongType =
        store.take(
            "r1",
            p ->
                labels.read(com.fasterxml.jackson.databind.node.DoubleNode.valueOf(1.5), p.rows()));
    Taken outOfRange = store.take("r1", label(3));
    Taken unknownName = store.take("r1", label("d"));
    Taken fixed = store.take("r1", label("b"));

    assertThat(wrongType.status()).isEqualTo(FeedbackStatus.WRONG_TYPE);
    assertThat(wrongType.message()).contains("label must be a class index");
    assertThat(outOfRange.status()).isEqualTo(FeedbackStatus.OUT_OF_RANGE);
    assertThat(outOfRange.message()).contains("class 3 is outside 0..2");
    assertThat(unknownName.status()).isEqualTo(FeedbackStatus.OUT_OF_RANGE);
    assertThat(unknownName.message()).contains("'d' is not a class");
    assertThat(fixed.status()).isEqualTo(FeedbackStatus.OK);
  }

  @Test
  void memoryEstimate_growsWithPredictionsAndShrinksWhenTheyLeave() {
    PredictionStore big = new PredictionStore(1000, Duration.ofMinutes(1), now::get);
    long empty = big.estimatedBytes();
    big.remember("a", new StoredPrediction(2, new int[2], null, new float[6], new float[200]));
    long one = big.estimatedBytes();
    big.remember(UUID.randomUUID().toString(), oneRow(0));
    long two = big.estimatedBytes();

    assertThat(empty).isZero();
    // Slots are reserved as the store first fills; each prediction adds its payload: 200
    // features + 6 probabilities (4 bytes each) + 2 classes, plus headers.
    assertThat(one).isGreaterThan(4 * 208);
    // A UUID id, as the server generates, and a one-row prediction fit the reserved slots.
    assertThat(two).isEqualTo(one);

    now.addAndGet(61_000);
    big.expire();

    // Only the bare ids are still remembered, to answer a late label with "expired".
    assertThat(one - big.estimatedBytes()).isGreaterThanOrEqualTo(4 * 208);
    assertThat(big.size()).isZero();
    assertThat(big.take("a", label(0)).status()).isEqualTo(FeedbackStatus.EXPIRED);
  }

  @Test
  void reusedId_replacesTheWaitingPredictionAndCountsItUnlabelled() {
    store.remember("r1", oneRow(0));
    store.take("r1", label(0));
    store.remember("r1", oneRow(1));
    store.remember("r1", oneRow(2));

    Taken taken = store.take("r1", label(2));

    assertThat(taken.status()).isEqualTo(FeedbackStatus.OK);
    assertThat(taken.prediction().classes()).containsExactly(2);
    assertThat(store.unlabelledTotal()).isEqualTo(1);
    assertThat(store.rememberedTotal()).isEqualTo(3);
  }

  @Test
  void uuidIdsAndOtherSpellings_areDifferentIds() {
    String id = UUID.randomUUID().toString();
    store.remember(id, oneRow(1));
    store.remember(id.toUpperCase(Locale.ROOT), oneRow(2));

    assertThat(store.take(id, label(1)).prediction().classes()).containsExactly(1);
    assertThat(store.take(id.toUpperCase(Locale.ROOT), label(2)).prediction().classes())
        .containsExactly(2);
    assertThat(store.take(id.replace('-', '_'), label(1)).status())
        .isEqualTo(FeedbackStatus.UNKNOWN_ID);
  }

  @Test
  void manyPredictions_keepTheNewestWaitingAndRememberTwiceAsManyIds() {
    PredictionStore small = new PredictionStore(100, Duration.ofMinutes(1), now::get);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      String id = i % 2 == 0 ? UUID.randomUUID().toString() : "request-" + i;
      ids.add(id);
      small.remember(id, oneRow(i % 3));
    }

    assertThat(small.size()).isEqualTo(100);
    assertThat(small.unlabelledTotal()).isEqualTo(900);
    for (int i = 900; i < 1000; i++) {
      Taken taken = small.take(ids.get(i), label(i % 3));
      assertThat(taken.status()).isEqualTo(FeedbackStatus.OK);
      assertThat(taken.prediction().classes()).containsExactly(i % 3);
    }
    // The 200 settled before them are still known; older ids are forgotten.
    assertThat(small.take(ids.get(899), label(0)).status()).isEqualTo(FeedbackStatus.EXPIRED);
    assertThat(small.take(ids.get(999), label(0)).status())
        .isEqualTo(FeedbackStatus.DUPLICATE_LABEL);
    assertThat(small.take(ids.get(0), label(0)).status()).isEqualTo(FeedbackStatus.UNKNOWN_ID);
    assertThat(small.size()).isZero();
  }

  @Test
  void labelledIdsInTheMiddle_leaveTheOthersWaitingInOrder() {
    PredictionStore small = new PredictionStore(10, Duration.ofMinutes(1), now::get);
    for (int i = 0; i < 10; i++) {
      small.remember("r" + i, oneRow(0));
    }
    for (int i = 0; i < 10; i += 2) {
      assertThat(small.take("r" + i, label(0)).status()).isEqualTo(FeedbackStatus.OK);
    }
    for (int i = 10; i < 15; i++) {
      small.remember("r" + i, oneRow(0));
    }

    assertThat(small.size()).isEqualTo(10);
    assertThat(small.take("r1", label(0)).status()).isEqualTo(FeedbackStatus.OK);
    small.remember("r15", oneRow(0));
    small.remember("r16", oneRow(0));
    // Ten waited (r3..r16 less the labelled): r3 is now the oldest and is pushed out first.
    assertThat(small.take("r3", label(0)).status()).isEqualTo(FeedbackStatus.EXPIRED);
    assertThat(small.take("r5", label(0)).status()).isEqualTo(FeedbackStatus.OK);
    assertThat(small.take("r2", label(0)).status()).isEqualTo(FeedbackStatus.DUPLICATE_LABEL);
  }

  @Test
  void oneRowAndLargerPredictions_comeBackAsStored() {
    store.remember(
        "p", new StoredPrediction(1, new int[] {1}, null, new float[] {0.25f, 0.75f}, null));
    store.remember(
        "three",
        new StoredPrediction(1, new int[] {0}, null, new float[] {0.5f, 0.3f, 0.2f}, null));
    store.remember("rows", new StoredPrediction(2, new int[] {0, 1}, null, null, null));

    StoredPrediction p = store.take("p", label(1)).prediction();
    StoredPrediction three = store.take("three", label(0)).prediction();
    StoredPrediction rows = store.take("rows", prediction -> {}).prediction();

    assertThat(p.rows()).isEqualTo(1);
    assertThat(p.classes()).containsExactly(1);
    assertThat(p.values()).isNull();
    assertThat(p.probabilities()).containsExactly(0.25f, 0.75f);
    assertThat(three.probabilities()).containsExactly(0.5f, 0.3f, 0.2f);
    assertThat(rows.classes()).containsExactly(0, 1);
  }

  @Test
  void regressionValues_comeBackAsStored() {
    PredictionStore values = new PredictionStore(3, Duration.ofSeconds(60), now::get);
    values.remember("v", new StoredPrediction(1, null, new double[] {2.5}, null, null));

    StoredPrediction v = values.take("v", prediction -> {}).prediction();

    assertThat(v.classes()).isNull();
    assertThat(v.values()).containsExactly(2.5);
    assertThat(v.probabilities()).isNull();
  }

  @Test
  void concurrentCallers_leaveTheStoreConsistent() throws InterruptedException {
    PredictionStore shared = new PredictionStore(1000, Duration.ofMinutes(1), now::get);
    List<List<String>> idsByThread = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    AtomicLong labelled = new AtomicLong();
    for (int t = 0; t < 4; t++) {
      List<String> ids = new ArrayList<>();
      idsByThread.add(ids);
      threads.add(
          new Thread(
              () -> {
                for (int i = 0; i < 5000; i++) {
                  String id = UUID.randomUUID().toString();
                  ids.add(id);
                  shared.remember(id, oneRow(i % 3));
                  if (i % 2 == 0 && shared.take(id, label(i % 3)).status() == FeedbackStatus.OK) {
                    labelled.incrementAndGet();
                  }
                }
              }));
    }
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join();
    }

    assertThat(shared.rememberedTotal()).isEqualTo(20_000);
    assertThat(shared.size()).isLessThanOrEqualTo(1000);
    // Each prediction was labelled, left unlabelled, or is still waiting.
    assertThat(labelled.get() + shared.unlabelledTotal() + shared.size()).isEqualTo(20_000);
    // Every waiting prediction is found under its own id, with its own class.
    int waiting = shared.size();
    int found = 0;
    for (List<String> ids : idsByThread) {
      for (int i = 0; i < ids.size(); i++) {
        Taken taken = shared.take(ids.get(i), label(i % 3));
        if (taken.status() == FeedbackStatus.OK) {
          found++;
          assertThat(i % 2).isOne();
          assertThat(taken.prediction().classes()).containsExactly(i % 3);
        }
      }
    }
    assertThat(found).isEqualTo(waiting).isPositive();
  }

  private static StoredPrediction rows(int count, int features) {
    return new StoredPrediction(count, new int[count], null, null, new float[count * features]);
  }

  @Test
  void byteBudget_isKept_oldestWaitingLeaveFirst() {
    PredictionStore bounded = new PredictionStore(1000, Duration.ofSeconds(60), 200_000, now::get);
    for (int i = 0; i < 200; i++) {
      // Each about 4 KB, so the budget holds a few dozen of them beside the ring.
      bounded.remember("big-" + i, rows(8, 120));
      assertThat(bounded.estimatedBytes()).isLessThanOrEqualTo(200_000);
    }
    assertThat(bounded.size()).isBetween(1, 50);
    assertThat(bounded.take("big-199", prediction -> {}).status()).isEqualTo(FeedbackStatus.OK);
    assertThat(bounded.take("big-0", prediction -> {}).status()).isNotEqualTo(FeedbackStatus.OK);
    assertThat(bounded.unlabelledTotal()).isGreaterThan(0);
  }

  @Test
  void predictionLargerThanAQuarterOfTheBudget_isNotKept() {
    PredictionStore bounded = new PredictionStore(1000, Duration.ofSeconds(60), 40_000, now::get);

    bounded.remember("huge", rows(100, 100));

    assertThat(bounded.size()).isZero();
    assertThat(bounded.unlabelledTotal()).isEqualTo(100);
    assertThat(bounded.take("huge", prediction -> {}).status())
        .isEqualTo(FeedbackStatus.UNKNOWN_ID);
  }
}

package io.modelkeeper.server.quality;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.modelkeeper.server.quality.PredictionStore.LabelCheck;
import io.modelkeeper.server.quality.PredictionStore.Taken;
import java.time.Duration;
import java.util.List;
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

    Taken wrongType = store.take("r1", p -> labels.read(
        com.fasterxml.jackson.databind.node.DoubleNode.valueOf(1.5), p.rows()));
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

    assertThat(empty).isZero();
    // 200 features + 6 probabilities (4 bytes each) + 2 classes, plus headers.
    assertThat(one).isGreaterThan(4 * 208).isLessThan(4 * 208 + 300);

    now.addAndGet(61_000);
    big.expire();

    // Only the bare id is still remembered, to answer a late label with "expired".
    assertThat(big.estimatedBytes()).isLessThan(200);
    assertThat(big.size()).isZero();
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
}

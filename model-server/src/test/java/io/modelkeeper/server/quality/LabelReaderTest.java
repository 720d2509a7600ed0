package io.modelkeeper.server.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelkeeper.server.quality.PredictionStore.RejectedLabel;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabelReaderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final LabelReader binary =
      new LabelReader(Task.BINARY_CLASSIFICATION, List.of("legit", "fraud"));
  private final LabelReader regression = new LabelReader(Task.REGRESSION, List.of());

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  @Test
  void classificationLabels_byIndexNameOrBoolean() throws Exception {
    assertThat(binary.read(json("1"), 1)).containsExactly(1);
    assertThat(binary.read(json("1.0"), 1)).containsExactly(1);
    assertThat(binary.read(json("\"legit\""), 1)).containsExactly(0);
    assertThat(binary.read(json("true"), 1)).containsExactly(1);
    assertThat(binary.read(json("[0, \"fraud\", false]"), 3)).containsExactly(0, 1, 0);
  }

  @Test
  void classificationLabels_badTypesAndRanges() {
    assertRejected(binary, "1.5", 1, FeedbackStatus.WRONG_TYPE, "must be a class index");
    assertRejected(binary, "{\"x\":1}", 1, FeedbackStatus.WRONG_TYPE, "got object");
    assertRejected(binary, "null", 1, FeedbackStatus.WRONG_TYPE, "got null");
    assertRejected(binary, "2", 1, FeedbackStatus.OUT_OF_RANGE, "class 2 is outside 0..1");
    assertRejected(binary, "-1", 1, FeedbackStatus.OUT_OF_RANGE, "outside 0..1");
    assertRejected(binary, "\"spam\"", 1, FeedbackStatus.OUT_OF_RANGE, "'spam' is not a class");
    assertRejected(binary, "[1, 7]", 2, FeedbackStatus.OUT_OF_RANGE, "label[1]: class 7");
  }

  @Test
  void rowsAndLabelsMustMatch() {
    assertRejected(binary, "1", 2, FeedbackStatus.WRONG_TYPE, "must be an array of 2");
    assertRejected(binary, "[1, 0]", 3, FeedbackStatus.WRONG_TYPE, "the label array has 2");
  }

  @Test
  void regressionLabels() throws Exception {
    assertThat(regression.read(json("2.5"), 1)).containsExactly(2.5);
    assertThat(regression.read(json("[1, -3e2]"), 2)).containsExactly(1, -300);
    assertRejected(regression, "\"2.5\"", 1, FeedbackStatus.WRONG_TYPE, "must be a number");
    assertRejected(regression, "true", 1, FeedbackStatus.WRONG_TYPE, "must be a number");
    assertRejected(regression, "1e400", 1, FeedbackStatus.OUT_OF_RANGE, "must be finite");
  }

  private static void assertRejected(
      LabelReader reader, String label, int rows, FeedbackStatus status, String message) {
    assertThatThrownBy(() -> reader.read(json(label), rows))
        .isInstanceOf(RejectedLabel.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((RejectedLabel) e).status()).isEqualTo(status));
  }
}

package io.modelkeeper.server.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.modelkeeper.server.quality.PredictionReader.Output;
import io.modelkeeper.server.quality.PredictionReader.ScoreKind;
import io.modelkeeper.server.quality.PredictionReader.Settings;
import io.modelkeeper.server.quality.PredictionReader.TensorRows;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PredictionReaderTest {
  private static final Settings DETECT =
      new Settings(Optional.empty(), Optional.empty(), ScoreKind.AUTO, List.of());

  static TensorRows values(float... values) {
    return index -> values[index];
  }

  @Test
  void binaryProbabilityColumn() {
    PredictionReader reader =
        PredictionReader.detect(
            Task.BINARY_CLASSIFICATION, List.of(new Output("probability", true, 1)), DETECT);

    StoredPrediction p = reader.read(3, Map.of("probability", values(0.2f, 0.7f, 0.5f))::get);

    assertThat(reader.classNames()).containsExactly("0", "1");
    assertThat(p.classes()).containsExactly(0, 1, 0);
    assertThat(p.rowProbabilities(1)).containsExactly(0.3f, 0.7f);
  }

  @Test
  void multiclassLogitsBySoftmax_andTheLabelOutputWins() {
    PredictionReader reader =
        PredictionReader.detect(
            Task.MULTICLASS_CLASSIFICATION,
            List.of(new Output("label", false, 1), new Output("logits", true, 3)),
            DETECT);

    StoredPrediction p =
        reader.read(1, Map.of("logits", values(1f, 2f, 3f), "label", values(1f))::get);

    double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    assertThat(p.rowProbabilities(0)[2]).isCloseTo((float) (Math.exp(3) / z), within(1e-6f));
    assertThat(p.classes()).containsExactly(1);
    assertThat(reader.describe())
        .isEqualTo("scores from output logits as logits, class from output label");
  }

  @Test
  void autoScores_probabilityRowsKeptOtherRowsSoftmaxed() {
    PredictionReader reader =
        PredictionReader.detect(
            Task.MULTICLASS_CLASSIFICATION, List.of(new Output("out", true, 2)), DETECT);

    StoredPrediction p = reader.read(2, Map.of("out", values(0.25f, 0.75f, 0f, 0f))::get);

    assertThat(p.rowProbabilities(0)).containsExactly(0.25f, 0.75f);
    assertThat(p.rowProbabilities(1)).containsExactly(0.5f, 0.5f);
  }

  @Test
  void configuredNamesAndClassNames() {
    Settings settings =
        new Settings(
            Optional.empty(),
            Optional.of("b"),
            ScoreKind.PROBABILITIES,
            List.of("cat", "dog", "bird"));
    PredictionReader reader =
        PredictionReader.detect(
            Task.MULTICLASS_CLASSIFICATION,
            List.of(new Output("a", true, 3), new Output("b", true, 3)),
            settings);

    assertThat(reader.classNames()).containsExactly("cat", "dog", "bird");
    assertThat(reader.describe()).startsWith("scores from output b");
  }

  @Test
  void regressionValue() {
    PredictionReader reader =
        PredictionReader.detect(Task.REGRESSION, List.of(new Output("price", true, 1)), DETECT);

    StoredPrediction p = reader.read(2, Map.of("price", values(3.5f, -1f))::get);

    assertThat(p.values()).containsExactly(3.5, -1.0);
    assertThat(p.classes()).isNull();
  }

  @Test
  void misconfigurations_sayWhichSettingToGive() {
    assertThatThrownBy(
            () ->
                PredictionReader.detect(
                    Task.MULTICLASS_CLASSIFICATION, List.of(new Output("label", false, 1)), DETECT))
        .hasMessageContaining("set MODELKEEPER_CLASS_NAMES");
    assertThatThrownBy(
            () ->
                PredictionReader.detect(
                    Task.BINARY_CLASSIFICATION,
                    List.of(new Output("probabilities", true, 3)),
                    DETECT))
        .hasMessageContaining("needs 2 classes, the model has 3");
    assertThatThrownBy(
            () ->
                PredictionReader.detect(
                    Task.REGRESSION, List.of(new Output("embedding", true, 8)), DETECT))
        .hasMessageContaining("MODELKEEPER_PREDICTION_OUTPUT")
        .hasMessageContaining("embedding (float x8)");
    assertThatThrownBy(
            () ->
                PredictionReader.detect(
                    Task.BINARY_CLASSIFICATION,
                    List.of(new Output("p", true, 1)),
                    new Settings(Optional.empty(), Optional.of("q"), ScoreKind.AUTO, List.of())))
        .hasMessageContaining("no output 'q'");
  }

  @Test
  void labelOutsideTheClasses_isUnreadable() {
    PredictionReader reader =
        PredictionReader.detect(
            Task.BINARY_CLASSIFICATION, List.of(new Output("label", false, 1)), DETECT);

    assertThatThrownBy(() -> reader.read(1, Map.of("label", values(4f))::get))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("gave class 4.0");
  }
}

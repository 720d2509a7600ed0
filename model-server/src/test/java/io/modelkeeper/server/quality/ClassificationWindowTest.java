package io.modelkeeper.server.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassificationWindowTest {
  private static final List<String> BINARY = List.of("legit", "fraud");

  private static ClassificationWindow binary(int capacity) {
    return new ClassificationWindow(Task.BINARY_CLASSIFICATION, capacity, BINARY);
  }

  private static float[] positive(double p) {
    return new float[] {(float) (1 - p), (float) p};
  }

  @Test
  void binaryFigures_matchHandComputedFixtureWithTiedScores() {
    ClassificationWindow window = binary(10);
    int[] actual = {1, 1, 1, 0, 0, 0};
    double[] score = {0.9, 0.5, 0.5, 0.5, 0.2, 0.9};
    for (int i = 0; i < actual.length; i++) {
      window.record(score[i] >= 0.5 ? 1 : 0, actual[i], positive(score[i]));
    }

    QualityReport report = window.report();

    // TP=3 FP=2 FN=0 TN=1.
    assertThat(report.metric("accuracy")).isCloseTo(4 / 6.0, within(1e-12));
    assertThat(report.metric("precision")).isCloseTo(0.6, within(1e-12));
    assertThat(report.metric("recall")).isCloseTo(1.0, within(1e-12));
    assertThat(report.metric("f1")).isCloseTo(0.75, within(1e-12));
    // Pairs (positive, negative): 0.9 beats 0.5 and 0.2, ties 0.9 (2.5); each 0.5 ties 0.5,
    // beats 0.2, loses to 0.9 (1.5 each): 5.5 of 9 pairs.
    assertThat(report.metric("auc_roc")).isCloseTo(5.5 / 9, within(1e-6));
    // -(ln .9 + 3 ln .5 + ln .8 + ln .1) / 6, with float probabilities.
    assertThat(report.metric("log_loss")).isCloseTo(0.7850885, within(1e-6));
    assertThat(report.confusionMatrix()).isDeepEqualTo(new long[][] {{1, 2}, {0, 3}});
  }

  @Test
  void positiveClassNeverPredicted_precisionUndefinedAndF1Zero() {
    ClassificationWindow window = binary(10);
    window.record(0, 1, null);
    window.record(0, 0, null);
    window.record(0, 0, null);

    QualityReport report = window.report();

    assertThat(report.metric("accuracy")).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(report.metric("precision")).isNaN();
    assertThat(report.metric("recall")).isEqualTo(0.0);
    assertThat(report.metric("f1")).isEqualTo(0.0);
    // No probabilities were recorded: no AUC, no log loss.
    assertThat(report.metric("auc_roc")).isNaN();
    assertThat(report.metric("log_loss")).isNaN();
  }

  @Test
  void emptyWindow_everyFigureIsNaNNotZero() {
    QualityReport report = binary(5).report();

    assertThat(report.windowSize()).isZero();
    assertThat(report.metrics()).containsOnlyKeys(QualityReport.CLASSIFICATION_METRICS);
    assertThat(report.metrics().values()).allMatch(v -> v.isNaN());
    assertThat(report.classes()).allMatch(c -> Double.isNaN(c.precision()));
  }

  @Test
  void onlyOneLabelledClass_aucUndefined() {
    ClassificationWindow window = binary(5);
    window.record(1, 1, positive(0.8));
    window.record(0, 1, positive(0.3));

    assertThat(window.report().metric("auc_roc")).isNaN();
    assertThat(window.report().metric("accuracy")).isEqualTo(0.5);
  }

  @Test
  void window_keepsOnlyTheLastN() {
    ClassificationWindow window = binary(3);
    window.record(1, 0, null);
    window.record(1, 0, null);
    window.record(1, 1, null);
    window.record(0, 0, null);
    window.record(1, 1, null);

    assertThat(window.report().metric("accuracy")).isEqualTo(1.0);
    assertThat(window.report().windowSize()).isEqualTo(3);

    window.record(1, 0, null);

    assertThat(window.report().metric("accuracy")).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(window.report().confusionMatrix()).isDeepEqualTo(new long[][] {{1, 1}, {0, 1}});
    assertThat(window.labelledTotal()).isEqualTo(6);
  }

  @Test
  void multiclass_macroAveragesCountANeverPredictedClassAsZero() {
    ClassificationWindow window =
        new ClassificationWindow(Task.MULTICLASS_CLASSIFICATION, 10, List.of("a", "b", "c"));
    int[] actual = {0, 0, 1, 1, 2, 2};
    int[] predicted = {0, 1, 1, 1, 0, 1};
    for (int i = 0; i < actual.length; i++) {
      window.record(predicted[i], actual[i], null);
    }

    QualityReport report = window.report();

    // a: P=1/2 R=1/2 F1=1/2; b: P=2/4 R=1 F1=2/3; c: never predicted, P undefined, R=0, F1=0.
    assertThat(report.classes().get(2).precision()).isNaN();
    assertThat(report.classes().get(2).recall()).isEqualTo(0.0);
    assertThat(report.metric("accuracy")).isEqualTo(0.5);
    assertThat(report.metric("precision")).isCloseTo(1 / 3.0, within(1e-12));
    assertThat(report.metric("recall")).isCloseTo(0.5, within(1e-12));
    assertThat(report.metric("f1")).isCloseTo((0.5 + 2 / 3.0) / 3, within(1e-12));
    assertThat(report.confusionMatrix())
        .isDeepEqualTo(new long[][] {{1, 1, 0}, {0, 2, 0}, {1, 1, 0}});
  }

  @Test
  void multiclass_macroOneVsRestAucAndLogLoss() {
    ClassificationWindow window =
        new ClassificationWindow(Task.MULTICLASS_CLASSIFICATION, 10, List.of("a", "b", "c"));
    window.record(0, 0, new float[] {0.7f, 0.2f, 0.1f});
    window.record(1, 1, new float[] {0.3f, 0.4f, 0.3f});
    window.record(2, 2, new float[] {0.2f, 0.3f, 0.5f});
    window.record(0, 2, new float[] {0.6f, 0.1f, 0.3f});

    QualityReport report = window.report();

    // a: 1, b: 1, c: positives {0.5, 0.3} vs negatives {0.1, 0.3}: 3.5 of 4 pairs.
    assertThat(report.classes().get(2).aucRoc()).isCloseTo(0.875, within(1e-12));
    assertThat(report.metric("auc_roc")).isCloseTo((1 + 1 + 0.875) / 3, within(1e-12));
    // -(ln .7 + ln .4 + ln .5 + ln .3) / 4
    assertThat(report.metric("log_loss")).isCloseTo(0.7925214, within(1e-6));
  }

  @Test
  void rejectsClassesOutsideTheModel() {
    ClassificationWindow window = binary(3);

    assertThatThrownBy(() -> window.record(2, 0, null)).hasMessageContaining("outside 0..1");
    assertThatThrownBy(() -> window.record(0, 0, new float[3]))
        .hasMessageContaining("expected 2 class probabilities");
    assertThatThrownBy(
            () -> new ClassificationWindow(Task.BINARY_CLASSIFICATION, 3, List.of("a", "b", "c")))
        .hasMessageContaining("exactly 2");
  }
}

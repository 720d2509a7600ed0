package io.modelkeeper.trainer.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class VerdictTest {

  @Test
  void aCandidateThatBeatsTheServingModelByTheMarginIsBlessed() {
    Verdict verdict =
        Verdict.decide(
            "accuracy", Optional.empty(), 0.91, Optional.of(0.85), Optional.of(0.8), 0.05);
    assertThat(verdict.passed()).isTrue();
    assertThat(verdict.delta()).isCloseTo(0.06, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(verdict.reason()).startsWith("blessed");
  }

  @Test
  void aCandidateShortOfTheMarginIsNot() {
    Verdict verdict =
        Verdict.decide(
            "accuracy", Optional.empty(), 0.88, Optional.of(0.85), Optional.empty(), 0.05);
    assertThat(verdict.passed()).isFalse();
    assertThat(verdict.reason()).startsWith("not better than the serving model");
  }

  @Test
  void lowerIsBetterFiguresCountServingMinusCandidate() {
    Verdict better =
        Verdict.decide("rmse", Optional.empty(), 1.5, Optional.of(2.0), Optional.of(1.8), 0.0);
    assertThat(better.passed()).isTrue();
    assertThat(better.delta()).isEqualTo(0.5);
    Verdict worse =
        Verdict.decide("log_loss", Optional.empty(), 0.5, Optional.of(0.4), Optional.empty(), 0.0);
    assertThat(worse.passed()).isFalse();
    assertThat(worse.delta()).isCloseTo(-0.1, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void minValueIsABoundInTheFiguresDirection() {
    assertThat(
            Verdict.decide(
                    "accuracy", Optional.empty(), 0.79, Optional.empty(), Optional.of(0.8), 0)
                .reason())
        .contains("is below minValue 0.8000");
    assertThat(
            Verdict.decide("mae", Optional.empty(), 3.0, Optional.empty(), Optional.of(2.5), 0)
                .passed())
        .isFalse();
    assertThat(
            Verdict.decide("mae", Optional.empty(), 2.0, Optional.empty(), Optional.of(2.5), 0)
                .passed())
        .isTrue();
  }

  @Test
  void withoutAServingModelOnlyMinValueApplies() {
    Verdict verdict =
        Verdict.decide("auc_roc", Optional.empty(), 0.9, Optional.empty(), Optional.of(0.8), 0.1);
    assertThat(verdict.passed()).isTrue();
    assertThat(verdict.delta()).isNaN();
    assertThat(verdict.reason()).startsWith("no baseline: only minValue applies");
  }

  @Test
  void aChangedSignatureIsNeverBlessed() {
    Verdict verdict =
        Verdict.decide(
            "accuracy",
            Optional.of("output 'p' is FP32 [-1,1] in the serving model and FP32 [-1,2]"),
            0.99,
            Optional.of(0.5),
            Optional.empty(),
            0);
    assertThat(verdict.passed()).isFalse();
    assertThat(verdict.reason()).startsWith("signature differs");
  }

  @Test
  void anUndefinedFigureIsNotBlessed() {
    assertThat(
            Verdict.decide(
                    "auc_roc", Optional.empty(), Double.NaN, Optional.of(0.7), Optional.empty(), 0)
                .passed())
        .isFalse();
    assertThat(
            Verdict.decide(
                    "auc_roc", Optional.empty(), 0.8, Optional.of(Double.NaN), Optional.empty(), 0)
                .reason())
        .contains("serving model's auc_roc is undefined");
  }
}

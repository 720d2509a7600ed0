package io.modelkeeper.operator.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.api.v1alpha1.MetricsStatus;
import io.modelkeeper.api.v1alpha1.SloSpec;
import io.modelkeeper.operator.validation.CheckedSpec;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Table of figures against objectives: which reason, crossed or not, and what the message says. */
class SloCheckTest {

  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

  static Stream<Arguments> cases() {
    return Stream.of(
        // name, accuracy, drift, p99, errorRate, expected reason (null: no verdict), crossed,
        // message part
        Arguments.of(
            "accuracy below",
            0.62,
            0.05,
            0.01,
            0.0,
            "AccuracyBelowSlo",
            true,
            "accuracy 0.62 is below spec.monitoring.slo.minAccuracy 0.8"),
        Arguments.of(
            "accuracy at the limit is met",
            0.8,
            0.05,
            0.01,
            0.0,
            "SloMet",
            false,
            "accuracy 0.8 within spec.monitoring.slo.minAccuracy 0.8"),
        Arguments.of(
            "drift above",
            0.9,
            1.7,
            0.01,
            0.0,
            "DriftAboveSlo",
            true,
            "drift score 1.7 is above spec.monitoring.slo.maxDrift 0.2"),
        Arguments.of(
            "latency above",
            0.9,
            0.05,
            0.12,
            0.0,
            "LatencyAboveSlo",
            true,
            "p99 latency (s) 0.12 is above spec.monitoring.slo.maxLatencyP99 0.05"),
        Arguments.of(
            "error rate above",
            0.9,
            0.05,
            0.01,
            0.03,
            "ErrorRateAboveSlo",
            true,
            "error rate 0.03 is above spec.monitoring.slo.maxErrorRate 0.01"),
        Arguments.of(
            "accuracy named first, drift also listed",
            0.5,
            0.9,
            0.01,
            0.0,
            "AccuracyBelowSlo",
            true,
            "; drift score 0.9 is above spec.monitoring.slo.maxDrift 0.2"),
        Arguments.of(
            "no labels yet: accuracy absent crosses nothing",
            null,
            0.05,
            0.01,
            0.0,
            "SloMet",
            false,
            "drift score 0.05"),
        Arguments.of("nothing measured: no verdict", null, null, null, null, null, false, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void holdsFiguresAgainstObjectives(
      String name,
      Double accuracy,
      Double drift,
      Double p99,
      Double errorRate,
      String reason,
      boolean crossed,
      String message) {
    MetricsStatus figures = new MetricsStatus();
    figures.setAccuracy(accuracy);
    figures.setDrift(drift);
    figures.setLatencyP99Seconds(p99);
    figures.setErrorRate(errorRate);

    Optional<SloCheck.Verdict> verdict =
        SloCheck.check(CheckedSpec.Slo.of(slo()), figures, List.of(), T0);

    if (reason == null) {
      assertThat(verdict).isEmpty();
      return;
    }
    assertThat(verdict)
        .hasValueSatisfying(
            v -> {
              assertThat(v.reason()).isEqualTo(reason);
              assertThat(v.degraded())
                  .as("with for 0s a crossed objective degrades at once")
                  .isEqualTo(crossed);
              assertThat(v.message()).contains(message);
            });
  }

  @Test
  void withoutObjectivesNothingIsChecked() {
    MetricsStatus figures = new MetricsStatus();
    figures.setAccuracy(0.1);
    figures.setDrift(9.0);
    assertThat(SloCheck.check(null, figures, List.of(), T0)).isEmpty();
    assertThat(SloCheck.check(CheckedSpec.Slo.of(new SloSpec()), figures, List.of(), T0)).isEmpty();
  }

  private static SloSpec slo() {
    SloSpec slo = new SloSpec();
    slo.setMinAccuracy(0.8);
    slo.setMaxDrift(0.2);
    slo.setMaxLatencyP99("50ms");
    slo.setMaxErrorRate(0.01);
    slo.setHoldFor("0s");
    return slo;
  }
}

package io.modelkeeper.operator.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.api.v1alpha1.MetricsStatus;
import io.modelkeeper.api.v1alpha1.SloCrossing;
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

/**
 * Table of reading sequences against spec.monitoring.slo.for: when Degraded turns True, when the
 * clock restarts, and that it runs on the crossings kept in status.
 */
class SloClockTest {

  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

  static Stream<Arguments> sequences() {
    // name, for, readings "seconds after T0:accuracy:drift" ("-" = not measured),
    // expected after the last reading: degraded, reason, seconds after T0 of each crossing's since
    return Stream.of(
        Arguments.of(
            "the first crossed reading only starts the clock",
            "5m",
            "0:0.9:0.7",
            false,
            "SloPending",
            "maxDrift@0"),
        Arguments.of(
            "crossed for less than for: still pending",
            "5m",
            "0:0.9:0.7 150:0.9:0.7 299:0.9:0.7",
            false,
            "SloPending",
            "maxDrift@0"),
        Arguments.of(
            "crossed for exactly for: degraded",
            "5m",
            "0:0.9:0.7 150:0.9:0.7 300:0.9:0.7",
            true,
            "DriftAboveSlo",
            "maxDrift@0"),
        Arguments.of(
            "a reading within the objective restarts the clock",
            "5m",
            "0:0.9:0.7 150:0.9:0.1 200:0.9:0.7 400:0.9:0.7",
            false,
            "SloPending",
            "maxDrift@200"),
        Arguments.of(
            "and the hold is then counted from the restart",
            "5m",
            "0:0.9:0.7 150:0.9:0.1 200:0.9:0.7 500:0.9:0.7",
            true,
            "DriftAboveSlo",
            "maxDrift@200"),
        Arguments.of(
            "recovery clears Degraded on the first good reading",
            "5m",
            "0:0.9:0.7 300:0.9:0.7 330:0.9:0.1",
            false,
            "SloMet",
            ""),
        Arguments.of(
            "an unmeasured figure is no evidence of crossing: the clock stops",
            "5m",
            "0:0.9:0.7 100:0.9:- 200:0.9:0.7 400:0.9:0.7",
            false,
            "SloPending",
            "maxDrift@200"),
        Arguments.of(
            "nothing measured at all stops every clock",
            "5m",
            "0:0.9:0.7 100:-:- 200:0.9:0.7 400:0.9:0.7",
            false,
            "SloPending",
            "maxDrift@200"),
        Arguments.of(
            "0s degrades on the first crossed reading",
            "0s",
            "0:0.9:0.7",
            true,
            "DriftAboveSlo",
            "maxDrift@0"),
        Arguments.of(
            "the reason is the held objective's, though accuracy is checked first",
            "5m",
            "0:0.9:0.7 200:0.5:0.7 300:0.5:0.7",
            true,
            "DriftAboveSlo",
            "minAccuracy@200 maxDrift@0"),
        Arguments.of(
            "each objective has its own clock",
            "5m",
            "0:0.5:0.1 200:0.5:0.7 300:0.5:0.7",
            true,
            "AccuracyBelowSlo",
            "minAccuracy@0 maxDrift@200"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sequences")
  void degradedOnlyOnceAnObjectiveStayedCrossedForTheHold(
      String name,
      String holdFor,
      String readings,
      boolean degraded,
      String reason,
      String crossings) {
    SloSpec slo = slo(holdFor);
    List<SloCrossing> kept = List.of();
    SloCheck.Verdict last = null;
    for (String reading : readings.split(" ")) {
      String[] parts = reading.split(":");
      Instant at = T0.plusSeconds(Long.parseLong(parts[0]));
      Optional<SloCheck.Verdict> verdict =
          SloCheck.check(CheckedSpec.Slo.of(slo), figures(parts[1], parts[2]), kept, at);
      kept = verdict.map(SloCheck.Verdict::crossings).orElse(List.of());
      last = verdict.orElse(null);
    }
    assertThat(last).isNotNull();
    assertThat(last.degraded()).isEqualTo(degraded);
    assertThat(last.reason()).isEqualTo(reason);
    assertThat(describe(last.crossings())).isEqualTo(crossings);
  }

  @Test
  void aPendingCrossingSaysWhenItWouldDegrade() {
    SloCheck.Verdict verdict =
        SloCheck.check(CheckedSpec.Slo.of(slo("5m")), figures("0.9", "0.7"), List.of(), T0)
            .orElseThrow();
    assertThat(verdict.message())
        .isEqualTo(
            "drift score 0.7 is above spec.monitoring.slo.maxDrift 0.2 since"
                + " 2026-01-01T10:00:00Z; Degraded if still so at 2026-01-01T10:05:00Z (spec.monitoring.slo.for 5m)");
  }

  @Test
  void aRestartedOperatorResumesTheClockFromStatus() {
    // The crossing began before the restart; the first reading after it completes the hold.
    List<SloCrossing> fromStatus = List.of(new SloCrossing("maxDrift", "2026-01-01T09:55:00Z"));
    SloCheck.Verdict verdict =
        SloCheck.check(CheckedSpec.Slo.of(slo("5m")), figures("0.9", "0.7"), fromStatus, T0)
            .orElseThrow();
    assertThat(verdict.degraded()).isTrue();
    assertThat(verdict.message()).contains("since 2026-01-01T09:55:00Z");
    assertThat(verdict.crossings())
        .singleElement()
        .satisfies(c -> assertThat(c.getSince()).isEqualTo("2026-01-01T09:55:00Z"));
  }

  @Test
  void aSinceThatDoesNotParseRestartsTheClock() {
    List<SloCrossing> edited = List.of(new SloCrossing("maxDrift", "yesterday"));
    SloCheck.Verdict verdict =
        SloCheck.check(CheckedSpec.Slo.of(slo("5m")), figures("0.9", "0.7"), edited, T0)
            .orElseThrow();
    assertThat(verdict.degraded()).isFalse();
    assertThat(describe(verdict.crossings())).isEqualTo("maxDrift@0");
  }

  private static String describe(List<SloCrossing> crossings) {
    return String.join(
        " ",
        crossings.stream()
            .map(
                c ->
                    c.getObjective()
                        + "@"
                        + (Instant.parse(c.getSince()).getEpochSecond() - T0.getEpochSecond()))
            .toList());
  }

  private static MetricsStatus figures(String accuracy, String drift) {
    MetricsStatus figures = new MetricsStatus();
    figures.setAccuracy(accuracy.equals("-") ? null : Double.valueOf(accuracy));
    figures.setDrift(drift.equals("-") ? null : Double.valueOf(drift));
    return figures;
  }

  private static SloSpec slo(String holdFor) {
    SloSpec slo = new SloSpec();
    slo.setMinAccuracy(0.8);
    slo.setMaxDrift(0.2);
    slo.setHoldFor(holdFor);
    return slo;
  }
}

package io.modelkeeper.e2e.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SeriesAgreementTest {

  private static final Map<String, String> A = Map.of("__name__", "x_total", "pod", "a");
  private static final Map<String, String> B = Map.of("__name__", "x_total", "pod", "b");

  @Test
  void aSeriesThatDidNotMoveMustHaveItsValueAndOneThatMovedAValueBetween() {
    assertThat(
            SeriesAgreement.disagreements(
                Map.of(A, 5.0, B, 10.0), Map.of(A, 5.0, B, 12.0), Map.of(A, 5.0, B, 14.0)))
        .isEmpty();
    assertThat(SeriesAgreement.disagreements(Map.of(A, 5.0), Map.of(A, 6.0), Map.of(A, 5.0)))
        .singleElement()
        .asString()
        .contains("exporter 5.0 then 5.0, Prometheus 6.0");
    assertThat(SeriesAgreement.disagreements(Map.of(B, 10.0), Map.of(B, 15.0), Map.of(B, 14.0)))
        .hasSize(1);
  }

  @Test
  void aSeriesTheExporterDoesNotHaveDisagreesAndNaNAgreesWithNaN() {
    assertThat(SeriesAgreement.disagreements(Map.of(), Map.of(A, 1.0), Map.of())).hasSize(1);
    assertThat(
            SeriesAgreement.disagreements(
                Map.of(A, Double.NaN), Map.of(A, Double.NaN), Map.of(A, Double.NaN)))
        .isEmpty();
  }

  @Test
  void samplesAreKeyedByNameAndLabelsWithTheTargetsLabelsWhereMissing() {
    String exposition =
        "# TYPE modelkeeper_canary_weight gauge\n"
            + "modelkeeper_canary_weight{namespace=\"default\",modeldeployment=\"m\"} 20\n"
            + "modelkeeper_reconciles_total 3\n"
            + "other_metric 1\n";
    var samples =
        SeriesAgreement.samples(
            exposition, Pattern.compile("modelkeeper_.+"), Map.of("namespace", "system"));
    assertThat(samples)
        .containsEntry(
            Map.of(
                "__name__", "modelkeeper_canary_weight",
                "namespace", "default",
                "modeldeployment", "m"),
            20.0)
        .containsEntry(
            Map.of("__name__", "modelkeeper_reconciles_total", "namespace", "system"), 3.0)
        .hasSize(2);
  }
}

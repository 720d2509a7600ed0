package io.modelkeeper.e2e.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AlertThresholdTest {

  @Test
  void splitsAHelmThresholdFromAMultiLineRatio() {
    AlertThreshold alert =
        AlertThreshold.of(
            "sum by (model) (rate(x{outcome!=\"success\"}[5m]))\n"
                + "  / sum by (model) (rate(x[5m])) > {{ $r.maxErrorRate }}\n");
    assertThat(alert.measure())
        .isEqualTo(
            "sum by (model) (rate(x{outcome!=\"success\"}[5m]))\n  / sum by (model) (rate(x[5m]))");
    assertThat(alert.operator()).isEqualTo(">");
    assertThat(alert.threshold()).isEqualTo("{{ $r.maxErrorRate }}");
    assertThat(alert.withThreshold("0.01")).endsWith("sum by (model) (rate(x[5m])) > 0.01");
  }

  @Test
  void splitsNumbersAndEveryComparison() {
    assertThat(AlertThreshold.of("max by (r) (failures) >= 2"))
        .isEqualTo(new AlertThreshold("max by (r) (failures)", ">=", "2"));
    assertThat(AlertThreshold.of("max(degraded) == 1").operator()).isEqualTo("==");
    assertThat(AlertThreshold.of("min(accuracy) < 0.8").threshold()).isEqualTo("0.8");
    assertThat(AlertThreshold.of("min(accuracy) < 0.8").withThreshold("0.5"))
        .isEqualTo("min(accuracy) < 0.8");
  }

  @Test
  void refusesAnExpressionWithoutATrailingComparison() {
    assertThatThrownBy(() -> AlertThreshold.of("sum(rate(x[5m]))"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no threshold comparison");
    // The comparison is inside a call: what is left is not a whole expression.
    assertThatThrownBy(() -> AlertThreshold.of("count(x > 1)"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

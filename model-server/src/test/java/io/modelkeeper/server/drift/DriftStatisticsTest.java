package io.modelkeeper.server.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DriftStatisticsTest {

  @Test
  void psi_handComputed() {
    double[] reference = {0.25, 0.25, 0.5};
    double[] current = {0.5, 0.25, 0.25};

    // (0.25)·ln 2 + 0 + (−0.25)·ln 0.5 = 0.5·ln 2
    assertThat(DriftStatistics.psi(reference, current)).isCloseTo(0.5 * Math.log(2), within(1e-12));
    assertThat(DriftStatistics.psi(reference, reference)).isZero();
  }

  @Test
  void psi_emptyBinStaysFinite() {
    double psi = DriftStatistics.psi(new double[] {0.5, 0.5}, new double[] {1.0, 0.0});

    assertThat(psi).isFinite().isGreaterThan(1.0);
  }

  @Test
  void ks_statisticWithTies() {
    // ECDFs at 1: 2/3 vs 1/3; at 2: 1 vs 1.
    double ks = DriftStatistics.ksStatistic(new double[] {1, 1, 2}, new double[] {1, 2, 2});

    assertThat(ks).isCloseTo(1 / 3.0, within(1e-12));
  }

  @Test
  void ks_criticalValueAtFivePercent() {
    // c(0.05) = 1.358 for two samples of 1000: 1.358 · sqrt(2/1000)
    assertThat(DriftStatistics.ksCriticalValue(0.05, 1000, 1000))
        .isCloseTo(1.358 * Math.sqrt(0.002), within(1e-4));
    assertThat(DriftStatistics.ksPValue(0.0607, 1000, 1000)).isCloseTo(0.05, within(0.003));
  }

  @Test
  void featureBins_edgeValuesGoToTheUpperBin() {
    FeatureReference reference =
        new FeatureReference("x", null, 0, new double[] {0, 1}, new double[] {.2, .3, .5}, null);

    assertThat(reference.bin(-5)).isZero();
    assertThat(reference.bin(0)).isEqualTo(1);
    assertThat(reference.bin(0.99)).isEqualTo(1);
    assertThat(reference.bin(1)).isEqualTo(2);
    assertThat(reference.proportionsOf(new double[] {-1, 0.5, 2, 3}, 4))
        .containsExactly(0.25, 0.25, 0.5);
  }
}

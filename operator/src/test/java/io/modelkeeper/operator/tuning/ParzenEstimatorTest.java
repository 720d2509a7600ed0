package io.modelkeeper.operator.tuning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ParzenEstimatorTest {

  @Test
  void realDensityIntegratesToOneWithinTheBounds() {
    TruncatedNormalMixture density =
        new TruncatedNormalMixture(0, 10, 0, new double[] {0.1, 2, 2.5, 9.99});
    double integral = 0;
    int steps = 100_000;
    for (int i = 0; i < steps; i++) {
      integral += Math.exp(density.logDensity((i + 0.5) * 10.0 / steps)) * 10.0 / steps;
    }
    assertThat(integral).isCloseTo(1.0, within(1e-4));
  }

  @Test
  void integerMassesSumToOneAndSamplesAreWholeNumbersWithinBounds() {
    TruncatedNormalMixture mass = new TruncatedNormalMixture(1, 8, 1, new double[] {1, 3, 8});
    double sum = 0;
    for (int x = 1; x <= 8; x++) {
      sum += Math.exp(mass.logDensity(x));
    }
    assertThat(sum).isCloseTo(1.0, within(1e-9));
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < 2000; i++) {
      double x = mass.sample(random);
      assertThat(x).isBetween(1.0, 8.0);
      assertThat(x).isEqualTo(Math.rint(x));
    }
  }

  @Test
  void samplesStayWithinBoundsAndFollowTheObservations() {
    TruncatedNormalMixture density = new TruncatedNormalMixture(0, 10, 0, new double[] {9.9, 9.8});
    SplittableRandom random = new SplittableRandom(2);
    int high = 0;
    for (int i = 0; i < 3000; i++) {
      double x = density.sample(random);
      assertThat(x).isBetween(0.0, 10.0);
      high += x > 8 ? 1 : 0;
    }
    // Two of three components sit near 9.9 (bandwidths 4.8 and 2.5): over the prior's 20% above 8.
    assertThat(high).isGreaterThan(900);
  }

  @Test
  void categoricalMassesSumToOneAndFavourTheObserved() {
    CategoricalMixture mixture = new CategoricalMixture(3, new int[] {2, 2, 0});
    double sum = 0;
    for (int c = 0; c < 3; c++) {
      sum += Math.exp(mixture.logDensity(c));
    }
    assertThat(sum).isCloseTo(1.0, within(1e-12));
    assertThat(mixture.logDensity(2)).isGreaterThan(mixture.logDensity(0));
    assertThat(mixture.logDensity(0)).isGreaterThan(mixture.logDensity(1));
  }

  @Test
  void olderObservationsWeighLessBeyondTheLatest25() {
    assertThat(ParzenEstimator.observationWeights(3)).containsExactly(1, 1, 1);
    double[] weights = ParzenEstimator.observationWeights(30);
    assertThat(weights[0]).isCloseTo(1.0 / 30, within(1e-12));
    assertThat(weights[4]).isCloseTo(1.0, within(1e-12));
    assertThat(weights[2]).isBetween(weights[1], weights[3]);
    assertThat(weights[29]).isEqualTo(1.0);
  }

  @Test
  void truncatedNormalQuantilesStayInTheirInterval() {
    assertThat(TruncatedNormalMixture.truncatedStandardNormal(3, 40, 0.5)).isBetween(3.0, 40.0);
    assertThat(TruncatedNormalMixture.truncatedStandardNormal(-40, -3, 0.5)).isBetween(-40.0, -3.0);
    assertThat(TruncatedNormalMixture.truncatedStandardNormal(-1, 1, 0.5))
        .isCloseTo(0, within(1e-9));
    assertThat(TruncatedNormalMixture.mass(5, 6)).isCloseTo(2.8567e-7, within(1e-10));
  }
}

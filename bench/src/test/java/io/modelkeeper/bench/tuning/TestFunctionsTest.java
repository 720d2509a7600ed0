package io.modelkeeper.bench.tuning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.modelkeeper.operator.tuning.Assignment;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TestFunctionsTest {

  @Test
  void braninAndHartmannReachTheirKnownMinimaAtTheirKnownMinimisers() {
    assertThat(TestFunctions.branin(Math.PI, 2.275)).isCloseTo(0.397887, within(1e-6));
    assertThat(TestFunctions.branin(-Math.PI, 12.275)).isCloseTo(0.397887, within(1e-6));
    assertThat(TestFunctions.branin(9.42478, 2.475)).isCloseTo(0.397887, within(1e-6));
    assertThat(
            TestFunctions.hartmann6(
                new double[] {0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573}))
        .isCloseTo(-3.32237, within(1e-5));
    Assignment centre = new Assignment(Map.of("x1", "2.5", "x2", "7.5"));
    assertThat(TestFunctions.branin().objective().at(centre))
        .isEqualTo(TestFunctions.branin(2.5, 7.5))
        .isGreaterThan(0.397887);
  }

  @Test
  void learningCurvesFallToTheValueAtTheLastStep() {
    Assignment a = new Assignment(Map.of("x1", "1.0", "x2", "3.0"));
    double[] curve = LearningCurves.curve(a, 2.0, 0.4, 20);
    assertThat(curve).hasSize(20);
    assertThat(curve[19]).isCloseTo(2.0, within(1e-12));
    for (int t = 1; t < 20; t++) {
      assertThat(curve[t]).isLessThanOrEqualTo(curve[t - 1]);
    }
    assertThat(curve[0]).isGreaterThan(2.0 + 2.6 * 0.5);
    assertThat(LearningCurves.curve(a, 2.0, 0.4, 20)).containsExactly(curve);
  }
}

package io.modelkeeper.server.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RegressionWindowTest {

  @Test
  void scikitLearnDocumentationExample() {
    RegressionWindow window = new RegressionWindow(10);
    double[] actual = {3, -0.5, 2, 7};
    double[] predicted = {2.5, 0.0, 2, 8};
    for (int i = 0; i < actual.length; i++) {
      window.record(predicted[i], actual[i]);
    }

    QualityReport report = window.report();

    assertThat(report.metric("mae")).isCloseTo(0.5, within(1e-12));
    assertThat(report.metric("rmse")).isCloseTo(Math.sqrt(0.375), within(1e-12));
    assertThat(report.metric("r2")).isCloseTo(0.9486081, within(1e-6));
    assertThat(report.metric("accuracy")).isNaN();
  }

  @Test
  void emptyWindowAndConstantLabels_areUndefined() {
    RegressionWindow window = new RegressionWindow(3);

    assertThat(window.report().metrics().values()).allMatch(v -> v.isNaN());

    window.record(1, 2);
    window.record(3, 2);

    assertThat(window.report().metric("mae")).isEqualTo(1.0);
    assertThat(window.report().metric("r2")).isNaN();
  }

  @Test
  void window_slides() {
    RegressionWindow window = new RegressionWindow(2);
    window.record(100, 0);
    window.record(1, 0);
    window.record(3, 0);

    assertThat(window.report().metric("mae")).isEqualTo(2.0);
    assertThat(window.report().metric("rmse")).isCloseTo(Math.sqrt(5), within(1e-12));
    assertThat(window.labelledTotal()).isEqualTo(3);
  }
}

package io.modelkeeper.server.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DriftMonitorTest {
  private static final int FEATURES = 4;
  private static final int SHIFTED = 2;

  /** Standard normal features; the chosen one shifted by {@code shift} standard deviations. */
  private static float[] rows(Random random, int count, int shiftedFeature, double shift) {
    float[] rows = new float[count * FEATURES];
    for (int row = 0; row < count; row++) {
      for (int f = 0; f < FEATURES; f++) {
        rows[row * FEATURES + f] =
            (float) (random.nextGaussian() + (f == shiftedFeature ? shift : 0));
      }
    }
    return rows;
  }

  private static DriftMonitor.Settings settings(int windowRows, int referenceRows) {
    return new DriftMonitor.Settings(windowRows, referenceRows, 0.05, Duration.ZERO);
  }

  private static ReferenceStatistics shippedReference(Random random, int count) {
    float[] rows = rows(random, count, -1, 0);
    List<FeatureReference> features = new ArrayList<>();
    for (int f = 0; f < FEATURES; f++) {
      double[] values = new double[count];
      for (int row = 0; row < count; row++) {
        values[row] = rows[row * FEATURES + f];
      }
      features.add(FeatureReference.fromValues("f0" + f, null, f, values));
    }
    return new ReferenceStatistics(ReferenceStatistics.FORMAT, null, features, null);
  }

  @Test
  void sameDistribution_psiNearZeroAndKsNotSignificant() {
    DriftMonitor monitor =
        DriftMonitor.against(shippedReference(new Random(1), 2000), settings(1000, 0));
    monitor.record(rows(new Random(2), 1000, -1, 0), 1000, null);

    DriftReport report = monitor.report();

    assertThat(report.reference()).isEqualTo("shipped");
    assertThat(report.windowRows()).isEqualTo(1000);
    assertThat(report.features())
        .hasSize(FEATURES)
        .allSatisfy(
            feature -> {
              assertThat(feature.psi()).isBetween(0.0, 0.05);
              assertThat(feature.ksSignificant()).isFalse();
              assertThat(feature.ks()).isLessThan(feature.ksCriticalValue());
            });
    assertThat(report.score()).isLessThan(0.05);
  }

  @Test
  void shiftedFeature_isFlaggedAndNoOtherIs() {
    DriftMonitor monitor =
        DriftMonitor.against(shippedReference(new Random(1), 2000), settings(1000, 0));
    monitor.record(rows(new Random(3), 1000, SHIFTED, 1.0), 1000, null);

    DriftReport report = monitor.report();

    for (FeatureDrift feature : report.features()) {
      if (feature.name().equals("f0" + SHIFTED)) {
        assertThat(feature.psi()).isGreaterThan(0.25);
        assertThat(feature.ksSignificant()).isTrue();
        assertThat(feature.ksPValue()).isLessThan(1e-6);
        assertThat(report.score()).isEqualTo(feature.psi());
      } else {
        assertThat(feature.psi()).isLessThan(0.05);
        assertThat(feature.ksSignificant()).isFalse();
      }
    }
  }

  @Test
  void capturedReference_fromTheFirstRowsThenDriftOfLaterRows() {
    List<FeatureReference> columns = new ArrayList<>();
    for (int f = 0; f < FEATURES; f++) {
      columns.add(new FeatureReference("x[" + f + "]", "x", f, null, null, null));
    }
    DriftMonitor monitor = DriftMonitor.capturing(columns, true, settings(500, 1000));
    Random random = new Random(4);
    float[] predictions = new float[1000];
    for (int i = 0; i < predictions.length; i++) {
      predictions[i] = random.nextDouble() < 0.3 ? 1 : 0;
    }

    monitor.record(rows(random, 600, -1, 0), 600, predictions);
    DriftReport capturing = monitor.report();
    monitor.record(rows(random, 400, -1, 0), 400, predictions);
    monitor.record(rows(random, 500, 0, 2.0), 500, predictions);
    DriftReport report = monitor.report();

    assertThat(capturing.reference()).isEqualTo("capturing");
    assertThat(capturing.referenceRows()).isEqualTo(600);
    assertThat(capturing.score()).isNaN();
    assertThat(report.reference()).isEqualTo("captured");
    assertThat(report.windowRows()).isEqualTo(500);
    assertThat(report.features().get(0).psi()).isGreaterThan(1.0);
    assertThat(report.features().get(0).ksSignificant()).isTrue();
    assertThat(report.features().subList(1, FEATURES))
        .allSatisfy(f -> assertThat(f.ksSignificant()).isFalse());
    assertThat(report.prediction().psi()).isLessThan(0.05);
    assertThat(monitor.reference().prediction().edges()).containsExactly(0.0, 1.0);
  }

  @Test
  void tooFewRecentRows_noFigures() {
    DriftMonitor monitor =
        DriftMonitor.against(shippedReference(new Random(1), 500), settings(1000, 0));
    monitor.record(
        rows(new Random(2), DriftMonitor.MIN_WINDOW_ROWS - 1, -1, 0),
        DriftMonitor.MIN_WINDOW_ROWS - 1,
        null);

    assertThat(monitor.report().features()).allSatisfy(f -> assertThat(f.psi()).isNaN());
    assertThat(monitor.report().score()).isNaN();
  }

  @Test
  void predictionDrift_whenTheClassMixChanges() {
    List<FeatureReference> columns = List.of(new FeatureReference("x", null, 0, null, null, null));
    DriftMonitor monitor = DriftMonitor.capturing(columns, true, settings(200, 200));
    float[] features = new float[200];
    float[] mostlyZero = new float[200];
    float[] mostlyOne = new float[200];
    for (int i = 0; i < 200; i++) {
      mostlyZero[i] = i % 10 == 0 ? 1 : 0;
      mostlyOne[i] = i % 10 == 0 ? 0 : 1;
    }

    monitor.record(features, 200, mostlyZero);
    monitor.record(features, 200, mostlyOne);
    DriftReport report = monitor.report();

    assertThat(report.prediction().psi()).isGreaterThan(1.0);
    assertThat(report.prediction().ksSignificant()).isTrue();
    assertThat(report.features().get(0).psi()).isZero();
    assertThat(report.score()).isEqualTo(report.prediction().psi());
  }
}

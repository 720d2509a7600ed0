package io.modelkeeper.operator.metricsource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.groups.Tuple.tuple;

import io.modelkeeper.api.v1alpha1.FeatureDrift;
import io.modelkeeper.api.v1alpha1.MetricsStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Real /metrics text of the model server (its modelkeeper_ series, captured from a running server
 * for each task) read into pod snapshots, pooled over pods and written into status.metrics.
 */
class ServerScrapeTest {

  private static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");

  static PodSnapshot scrape(String fixture) {
    try (InputStream in =
        ServerScrapeTest.class.getResourceAsStream("/scrapes/" + fixture + ".prom")) {
      return PodSnapshot.of(
          PrometheusText.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static MetricsStatus status(PodSnapshot... pods) {
    ArmAggregate arm = new ArmAggregate();
    for (PodSnapshot pod : pods) {
      arm.addFirstSight(pod);
    }
    return ArmFigures.of(arm.result(), NOW);
  }

  @Test
  void binaryClassificationGivesThePositiveClassFiguresNotOneClassOfThem() {
    PodSnapshot pod = scrape("binary-classification");
    assertThat(pod.labelled()).isEqualTo(200);
    assertThat(pod.accuracy()).isEqualTo(0.75);
    // The class-labelled series of class 0 (precision 0.7522...) must not win over the window's.
    assertThat(pod.quality().get(QualityFigure.PRECISION)).isEqualTo(0.7472527472527473);
    assertThat(pod.quality().get(QualityFigure.RECALL)).isEqualTo(0.7157894736842105);
    assertThat(pod.quality().get(QualityFigure.F1)).isEqualTo(0.7311827956989247);
    assertThat(pod.quality().get(QualityFigure.AUC_ROC)).isEqualTo(0.7242105263157895);
    assertThat(pod.quality().get(QualityFigure.LOG_LOSS)).isEqualTo(0.8783240084859066);
    assertThat(pod.quality().get(QualityFigure.MAE))
        .as("no regression figures in classification")
        .isNaN();

    MetricsStatus status = status(pod);
    assertThat(status.getLabelled()).isEqualTo(200L);
    assertThat(status.getAccuracy()).isCloseTo(0.75, within(1e-12));
    assertThat(status.getPrecision()).isCloseTo(0.7472527472527473, within(1e-12));
    assertThat(status.getRecall()).isCloseTo(0.7157894736842105, within(1e-12));
    assertThat(status.getF1()).isCloseTo(0.7311827956989247, within(1e-12));
    assertThat(status.getAuc()).isCloseTo(0.7242105263157895, within(1e-12));
    assertThat(status.getLogLoss()).isCloseTo(0.8783240084859066, within(1e-12));
    assertThat(status.getDrift()).isCloseTo(0.36790288645859903, within(1e-12));
    assertThat(status.getMae()).isNull();
    assertThat(status.getRmse()).isNull();
    assertThat(status.getR2()).isNull();
  }

  @Test
  void eachFeaturesPsiIsReadAndTheFiveMostDriftedGoToStatus() {
    PodSnapshot pod = scrape("binary-classification");
    assertThat(pod.featureDrift())
        .as("modelkeeper_drift_psi only: not the KS series, nor the prediction's PSI")
        .hasSize(8)
        .containsEntry("input[6]", 0.36790288645859903)
        .containsEntry("input[0]", 0.10596166361265476);

    MetricsStatus status = status(pod);
    assertThat(status.getDriftedFeatures())
        .extracting(FeatureDrift::getFeature, FeatureDrift::getPsi)
        .containsExactly(
            tuple("input[6]", 0.36790288645859903),
            tuple("input[7]", 0.3285652390873961),
            tuple("input[1]", 0.186201891533947),
            tuple("input[2]", 0.16334507247361613),
            tuple("input[5]", 0.12297105280594739));
    assertThat(status.getDriftedFeatures().get(0).getPsi())
        .as("the overall score is the most drifted feature's PSI here")
        .isEqualTo(status.getDrift());
  }

  @Test
  void anArmHasDriftedAsFarAsItsMostDriftedPodPerFeature() {
    PodSnapshot scraped = scrape("binary-classification");
    Map<String, Double> quieter = new java.util.TreeMap<>(scraped.featureDrift());
    quieter.put("input[6]", 0.01);
    quieter.put("input[0]", 0.9);
    PodSnapshot other =
        new PodSnapshot(
            scraped.requests(),
            scraped.errors(),
            scraped.latencyBuckets(),
            scraped.labelled(),
            scraped.accuracy(),
            scraped.drift(),
            scraped.quality(),
            Map.of(),
            quieter);

    MetricsStatus status = status(scraped, other, scrape("no-labels-yet"));

    assertThat(status.getDriftedFeatures())
        .extracting(FeatureDrift::getFeature, FeatureDrift::getPsi)
        .startsWith(tuple("input[0]", 0.9), tuple("input[6]", 0.36790288645859903));
  }

  @Test
  void multiclassGivesTheMacroAverages() {
    MetricsStatus status = status(scrape("multiclass-classification"));
    assertThat(status.getLabelled()).isEqualTo(150L);
    assertThat(status.getAccuracy()).isCloseTo(0.8933333333333333, within(1e-12));
    assertThat(status.getPrecision()).isCloseTo(0.8948710990502035, within(1e-12));
    assertThat(status.getRecall()).isCloseTo(0.9031393898991396, within(1e-12));
    assertThat(status.getF1()).isCloseTo(0.8985891620329723, within(1e-12));
    assertThat(status.getAuc()).isCloseTo(0.9160540422672799, within(1e-12));
    assertThat(status.getLogLoss()).isCloseTo(0.6929009226066482, within(1e-12));
  }

  @Test
  void regressionGivesErrorFiguresAndItsSampleSizeWithoutAccuracy() {
    MetricsStatus status = status(scrape("regression"));
    assertThat(status.getLabelled()).as("a regression window is a sample too").isEqualTo(150L);
    assertThat(status.getMae()).isCloseTo(0.08042211038101615, within(1e-12));
    assertThat(status.getRmse()).isCloseTo(0.10269687853176274, within(1e-15));
    assertThat(status.getR2()).isCloseTo(0.9316659592329716, within(1e-12));
    assertThat(status.getAccuracy()).isNull();
    assertThat(status.getPrecision()).isNull();
    assertThat(status.getAuc()).isNull();
  }

  @Test
  void anEmptyWindowLeavesEveryQualityFigureAbsentNotZero() {
    PodSnapshot pod = scrape("no-labels-yet");
    assertThat(pod.quality().get(QualityFigure.PRECISION)).isNaN();
    MetricsStatus status = status(pod);
    assertThat(status.getLabelled()).isNull();
    assertThat(status.getAccuracy()).isNull();
    assertThat(status.getPrecision()).isNull();
    assertThat(status.getRecall()).isNull();
    assertThat(status.getF1()).isNull();
    assertThat(status.getAuc()).isNull();
    assertThat(status.getLogLoss()).isNull();
  }

  @Test
  void podsAreWeightedByTheirLabelledPredictions() {
    PodSnapshot many = scrape("binary-classification");
    PodSnapshot few =
        withQuality(
            many,
            50,
            new WindowQuality(
                Map.of(
                    QualityFigure.PRECISION, 0.5,
                    QualityFigure.RECALL, 0.4,
                    QualityFigure.F1, 0.3,
                    QualityFigure.AUC_ROC, 0.6,
                    QualityFigure.LOG_LOSS, 1.2)));
    MetricsStatus status = status(many, few, scrape("no-labels-yet"));
    assertThat(status.getLabelled()).isEqualTo(250L);
    assertThat(status.getPrecision())
        .isCloseTo((0.7472527472527473 * 200 + 0.5 * 50) / 250, within(1e-12));
    assertThat(status.getAuc())
        .isCloseTo((0.7242105263157895 * 200 + 0.6 * 50) / 250, within(1e-12));
  }

  @Test
  void rmseIsPooledThroughItsSquaresAndAPodWithoutAFigureIsLeftOut() {
    PodSnapshot first = scrape("regression");
    PodSnapshot second =
        withQuality(
            first, 50, new WindowQuality(Map.of(QualityFigure.MAE, 0.3, QualityFigure.RMSE, 0.5)));
    MetricsStatus status = status(first, second);
    double rmse = 0.10269687853176274;
    assertThat(status.getRmse())
        .isCloseTo(Math.sqrt((rmse * rmse * 150 + 0.25 * 50) / 200), within(1e-12));
    assertThat(status.getMae())
        .isCloseTo((0.08042211038101615 * 150 + 0.3 * 50) / 200, within(1e-12));
    assertThat(status.getR2())
        .as("only the first pod has R²")
        .isCloseTo(0.9316659592329716, within(1e-12));
  }

  private static PodSnapshot withQuality(PodSnapshot pod, double labelled, WindowQuality quality) {
    return new PodSnapshot(
        pod.requests(),
        pod.errors(),
        pod.latencyBuckets(),
        labelled,
        pod.accuracy(),
        pod.drift(),
        quality);
  }
}

package io.modelkeeper.operator.metricsource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The Prometheus text parser, interval deltas with counter resets, quantiles and per-arm sums. */
class PodMetricsTest {

  static String scrape(
      int success,
      int clientErrors,
      int serverErrors,
      int fast,
      int slow,
      double accuracy,
      int labelled) {
    int total = success + clientErrors + serverErrors;
    return """
                # HELP modelkeeper_requests_total Inference requests by outcome
                # TYPE modelkeeper_requests_total counter
                modelkeeper_requests_total{model="fraud",outcome="success",version="2"} %d.0
                modelkeeper_requests_total{model="fraud",outcome="client_error",version="2"} %d.0
                modelkeeper_requests_total{model="fraud",outcome="server_error",version="2"} %d.0
                # TYPE modelkeeper_request_duration_seconds histogram
                modelkeeper_request_duration_seconds_bucket{model="fraud",version="2",le="0.01"} %d.0
                modelkeeper_request_duration_seconds_bucket{model="fraud",version="2",le="0.1"} %d.0
                modelkeeper_request_duration_seconds_bucket{model="fraud",version="2",le="+Inf"} %d.0
                modelkeeper_request_duration_seconds_count{model="fraud",version="2"} %d.0
                modelkeeper_request_duration_seconds_sum{model="fraud",version="2"} 1.5
                modelkeeper_quality_accuracy{model="fraud",version="2"} %s
                modelkeeper_quality_window_predictions{model="fraud",version="2"} %d.0
                modelkeeper_drift_score{model="fraud",reference="shipped",version="2"} 0.05
                """
        .formatted(
            success,
            clientErrors,
            serverErrors,
            fast,
            fast + slow,
            total,
            total,
            Double.isNaN(accuracy) ? "NaN" : String.valueOf(accuracy),
            labelled);
  }

  static PodSnapshot snapshot(int success, int clientErrors, int serverErrors, int fast, int slow) {
    return PodSnapshot.of(
        PrometheusText.parse(scrape(success, clientErrors, serverErrors, fast, slow, 0.9, 200)));
  }

  @Test
  void parsesNamesLabelsAndSpecialValues() {
    var samples =
        PrometheusText.parse(
            """
                # comment
                up 1
                a_total{path="/x",msg="say \\"hi\\"\\n"} 3.5 1700000000000
                b{le="+Inf"} +Inf
                c NaN
                """);
    assertThat(samples).hasSize(4);
    assertThat(samples.get(1).labels())
        .containsEntry("path", "/x")
        .containsEntry("msg", "say \"hi\"\n");
    assertThat(samples.get(1).value()).isEqualTo(3.5);
    assertThat(samples.get(2).value()).isInfinite();
    assertThat(samples.get(3).value()).isNaN();
  }

  @Test
  void malformedLinesAreRejectedNamingTheLine() {
    assertThatThrownBy(() -> PrometheusText.parse("x{a=\"1\" 2"))
        .hasMessageContaining("x{a=\"1\" 2");
    assertThatThrownBy(() -> PrometheusText.parse("x abc"))
        .hasMessageContaining("'abc' is not a number");
    assertThatThrownBy(() -> PrometheusText.parse("lonely"))
        .hasMessageContaining("without a value");
  }

  @Test
  void snapshotCountsClientAndServerErrorsAndKeepsGauges() {
    PodSnapshot pod = snapshot(90, 6, 4, 80, 15);
    assertThat(pod.requests()).isEqualTo(100);
    assertThat(pod.errors()).isEqualTo(10);
    assertThat(pod.latencyBuckets())
        .containsEntry(0.01, 80.0)
        .containsEntry(Double.POSITIVE_INFINITY, 100.0);
    assertThat(pod.accuracy()).isEqualTo(0.9);
    assertThat(pod.labelled()).isEqualTo(200);
    assertThat(pod.drift()).isEqualTo(0.05);
  }

  @Test
  void intervalDeltaSubtractsTheBaseline() {
    PodSnapshot delta = snapshot(190, 6, 14, 170, 20).since(snapshot(90, 6, 4, 80, 15));
    assertThat(delta.requests()).isEqualTo(110);
    assertThat(delta.errors()).isEqualTo(10);
    assertThat(delta.latencyBuckets())
        .containsEntry(0.01, 90.0)
        .containsEntry(Double.POSITIVE_INFINITY, 110.0);
  }

  @Test
  void counterLowerThanBeforeMeansARestartAndCountsFromZero() {
    PodSnapshot before = snapshot(1000, 0, 10, 900, 100);
    PodSnapshot afterRestart = snapshot(30, 0, 2, 25, 5);
    PodSnapshot delta = afterRestart.since(before);
    assertThat(delta.requests()).isEqualTo(32);
    assertThat(delta.errors()).isEqualTo(2);
    assertThat(delta.latencyBuckets()).containsEntry(Double.POSITIVE_INFINITY, 32.0);
  }

  @Test
  void quantilesInterpolateInsideBucketsLikePrometheus() {
    TreeMap<Double, Double> buckets = new TreeMap<>();
    buckets.put(0.01, 50.0);
    buckets.put(0.1, 100.0);
    buckets.put(Double.POSITIVE_INFINITY, 100.0);
    assertThat(HistogramQuantile.of(0.5, buckets)).isCloseTo(0.01, within(1e-12));
    assertThat(HistogramQuantile.of(0.75, buckets)).isCloseTo(0.055, within(1e-12));
    assertThat(HistogramQuantile.of(0.99, buckets)).isCloseTo(0.0982, within(1e-12));
    buckets.put(Double.POSITIVE_INFINITY, 200.0);
    assertThat(HistogramQuantile.of(0.99, buckets))
        .as("rank in +Inf answers the highest bound")
        .isEqualTo(0.1);
    assertThat(HistogramQuantile.of(0.99, new TreeMap<>())).isNaN();
  }

  @Test
  void armSumsPodsWeighsAccuracyAndCountsMissedPodsApart() {
    ArmAggregate arm = new ArmAggregate();
    arm.addDelta(snapshot(100, 0, 0, 100, 0).since(snapshot(0, 0, 0, 0, 0)));
    arm.addDelta(PodSnapshot.of(PrometheusText.parse(scrape(80, 10, 10, 50, 50, 0.8, 100))));
    arm.addMissed();
    ArmMetrics result = arm.result();
    assertThat(result.requests()).isEqualTo(200);
    assertThat(result.errors()).isEqualTo(20);
    assertThat(result.errorRate()).isEqualTo(0.1);
    assertThat(result.labelled()).isEqualTo(300);
    assertThat(result.accuracy()).isCloseTo((0.9 * 200 + 0.8 * 100) / 300, within(1e-12));
    assertThat(result.podsRead()).isEqualTo(2);
    assertThat(result.podsMissed()).isEqualTo(1);
    assertThat(result.latencyP50Seconds()).isCloseTo(0.01 * 100 / 150, within(1e-9));
  }

  @Test
  void firstSightOfAPodGivesGaugesButNoCounts() {
    ArmAggregate arm = new ArmAggregate();
    arm.addFirstSight(snapshot(5000, 0, 500, 5000, 500));
    ArmMetrics result = arm.result();
    assertThat(result.requests()).isZero();
    assertThat(result.measured()).as("a baseline is not a sample").isFalse();
    assertThat(result.accuracy()).isEqualTo(0.9);
    assertThat(result.latencyP99Seconds()).isNaN();
  }

  @Test
  void nanAccuracyIsLeftOutNotCountedAsZero() {
    ArmAggregate arm = new ArmAggregate();
    arm.addFirstSight(PodSnapshot.of(PrometheusText.parse(scrape(10, 0, 0, 10, 0, Double.NaN, 0))));
    assertThat(arm.result().accuracy()).isNaN();
    assertThat(arm.result().labelled()).isZero();
    assertThat(ArmMetrics.NONE.errorRate()).isNaN();
  }
}

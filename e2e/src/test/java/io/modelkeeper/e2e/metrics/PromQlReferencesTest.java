package io.modelkeeper.e2e.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelkeeper.e2e.metrics.PromQlReferences.LabelValue;
import org.junit.jupiter.api.Test;

class PromQlReferencesTest {

  @Test
  void histogramQuantileOfARateWithGrafanaVariables() {
    PromQlReferences refs =
        PromQlReferences.of(
            "histogram_quantile(0.99, sum by (version, le) "
                + "(rate(modelkeeper_request_duration_seconds_bucket{model=~\"$model\", version=~\"${version}\"}"
                + "[$__rate_interval])))");

    assertThat(refs.metrics()).containsExactly("modelkeeper_request_duration_seconds_bucket");
    assertThat(refs.labels()).containsExactlyInAnyOrder("model", "version", "le");
    assertThat(refs.requiredValues()).isEmpty();
  }

  @Test
  void ratioOfTwoSelectorsWithAHelmThresholdAndAnEqualityMatcher() {
    PromQlReferences refs =
        PromQlReferences.of(
            """
        sum by (model, version) (rate(modelkeeper_requests_total{outcome="server_error"}[5m]))
          / sum by (model, version) (rate(modelkeeper_requests_total[5m])) > {{ $r.maxErrorRate }}
        """);

    assertThat(refs.metrics()).containsExactly("modelkeeper_requests_total");
    assertThat(refs.requiredValues())
        .containsExactly(new LabelValue("modelkeeper_requests_total", "outcome", "server_error"));
    assertThat(refs.labels()).containsExactlyInAnyOrder("model", "version", "outcome");
  }

  @Test
  void bareMetricsBesideKeywordsAndNumbers() {
    PromQlReferences refs =
        PromQlReferences.of(
            "max by (namespace, modeldeployment, reason) (modelkeeper_modeldeployment_degraded) == 1 "
                + "and on (namespace) up offset 5m unless absent(other_metric)");

    assertThat(refs.metrics())
        .containsExactly("modelkeeper_modeldeployment_degraded", "up", "other_metric");
    assertThat(refs.labels()).containsExactly("namespace", "modeldeployment", "reason");
  }

  @Test
  void infinityAndNotANumberAreKeywordsInAnyCase() {
    PromQlReferences refs =
        PromQlReferences.of(
            "avg by (version) (modelkeeper_quality_accuracy{model=~\"$model\"} > -Inf) or NaN");

    assertThat(refs.metrics()).containsExactly("modelkeeper_quality_accuracy");
  }

  @Test
  void grafanaLabelValuesQuery() {
    PromQlReferences refs =
        PromQlReferences.of("label_values(modelkeeper_requests_total{model=~\"$model\"}, version)");

    assertThat(refs.metrics()).containsExactly("modelkeeper_requests_total");
    assertThat(refs.labels()).containsExactly("version", "model");
  }

  @Test
  void refusesWhatItCannotRead() {
    assertThatThrownBy(() -> PromQlReferences.of("{__name__=~\"modelkeeper_.*\"}"))
        .hasMessageContaining("without a metric name");
    assertThatThrownBy(
            () -> PromQlReferences.of("label_replace(up, \"a\", \"$1\", \"b\", \"(.*)\")"))
        .hasMessageContaining("string outside a selector");
  }

  @Test
  void scrapedSeriesReadsNamesAndLabels() {
    ScrapedSeries scraped =
        new ScrapedSeries()
            .add(
                """
        # HELP modelkeeper_requests_total Requests answered.
        # TYPE modelkeeper_requests_total counter
        modelkeeper_requests_total{model="fraud",outcome="success",version="1"} 12.0
        modelkeeper_drift_score{model="fraud",version="1",reference="captured"} NaN
        process_uptime_seconds 3.5 1700000000000
        """);

    assertThat(scraped.names())
        .containsExactly(
            "modelkeeper_drift_score", "modelkeeper_requests_total", "process_uptime_seconds");
    assertThat(scraped.labelNames("modelkeeper_requests_total"))
        .containsExactly("model", "outcome", "version");
    assertThat(scraped.labelSets("absent")).isEmpty();
  }
}

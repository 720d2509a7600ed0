package io.modelkeeper.contract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServerMetricsTest {

  @Test
  void prometheusNamesFollowMicrometersConvention() {
    assertThat(ServerMetrics.counter(ServerMetrics.REQUESTS))
        .isEqualTo("modelkeeper_requests_total");
    assertThat(ServerMetrics.buckets(ServerMetrics.REQUEST_DURATION))
        .isEqualTo("modelkeeper_request_duration_seconds_bucket");
    assertThat(ServerMetrics.gauge(ServerMetrics.quality(ServerMetrics.AUC_ROC)))
        .isEqualTo("modelkeeper_quality_auc_roc");
    assertThat(ServerMetrics.gauge(ServerMetrics.QUALITY_WINDOW))
        .isEqualTo("modelkeeper_quality_window_predictions");
  }
}

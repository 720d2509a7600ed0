package io.modelkeeper.operator.metricsource.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.api.v1alpha1.MetricsProvider;
import io.modelkeeper.api.v1alpha1.MonitoringSpec;
import io.modelkeeper.operator.testing.TestModels;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A Prometheus URL in a spec is queried only when the operator's configuration allows it. */
class PrometheusUrlsTest {

  private final PrometheusUrls urls =
      new PrometheusUrls(
          TestModels.config(
              "http://prometheus.monitoring:9090", List.of("http://thanos.monitoring:10902")));

  @Test
  void theOperatorsOwnAndTheAllowedOnesMayBeNamed() {
    assertThat(urls.refusal(prometheus(null))).isEmpty();
    assertThat(urls.refusal(prometheus("http://prometheus.monitoring:9090"))).isEmpty();
    assertThat(urls.refusal(prometheus("http://thanos.monitoring:10902"))).isEmpty();
    assertThat(urls.refusal(prometheus("http://thanos.monitoring:10902/tenant-a"))).isEmpty();
  }

  @Test
  void anyOtherIsRefusedNamingTheField() {
    for (String url :
        List.of(
            "http://169.254.169.254/latest/meta-data",
            "http://thanos.monitoring:10902.evil.example",
            "http://kubernetes.default.svc:443")) {
      assertThat(urls.refusal(prometheus(url)))
          .as(url)
          .hasValueSatisfying(
              message ->
                  assertThat(message)
                      .startsWith("spec.monitoring.prometheusUrl '" + url + "' is not one")
                      .contains("modelkeeper.prometheus-allowed-urls"));
    }
  }

  @Test
  void podScrapingNamesNoUrl() {
    MonitoringSpec pods = prometheus("http://anything");
    pods.setProvider(MetricsProvider.PODS);
    assertThat(urls.refusal(pods)).isEmpty();
  }

  private static MonitoringSpec prometheus(String url) {
    MonitoringSpec monitoring = new MonitoringSpec();
    monitoring.setProvider(MetricsProvider.PROMETHEUS);
    monitoring.setPrometheusUrl(url);
    return monitoring;
  }
}

package io.modelkeeper.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chart's prometheus values reach the operator: its URL and allowed URLs as settings, the
 * credentials' Secret and the CA bundle as read-only files whose paths the settings name.
 */
class PrometheusConnectionChartTest {

  @Test
  void byDefaultNoPrometheusIsNamedAndNothingIsMounted() {
    List<HasMetadata> objects = Chart.objects(Map.of());
    assertThat(settings(objects))
        .containsEntry("MODELKEEPER_PROMETHEUS_MIN_RANGE", "60s")
        .doesNotContainKeys(
            "MODELKEEPER_PROMETHEUS_URL",
            "MODELKEEPER_PROMETHEUS_BEARER_TOKEN_FILE",
            "MODELKEEPER_PROMETHEUS_USERNAME",
            "MODELKEEPER_PROMETHEUS_CA_FILE",
            "MODELKEEPER_PROMETHEUS_INSECURE_SKIP_VERIFY");
    assertThat(pod(objects).getVolumes()).extracting(Volume::getName).containsExactly("tmp");
  }

  @Test
  void aBearerTokenFromASecretAndACaBundleFromAConfigMap() {
    List<HasMetadata> objects =
        Chart.objects(
            Chart.values(
                "prometheus.url", "https://prometheus.monitoring:9090",
                "prometheus.allowedUrls", List.of("https://thanos.monitoring/a", "https://b"),
                "prometheus.minRange", "2m",
                "prometheus.auth.secretName", "prometheus-token",
                "prometheus.auth.bearerTokenKey", "token",
                "prometheus.tls.caConfigMap", "monitoring-ca"));

    assertThat(settings(objects))
        .containsEntry("MODELKEEPER_PROMETHEUS_URL", "https://prometheus.monitoring:9090")
        .containsEntry(
            "MODELKEEPER_PROMETHEUS_ALLOWED_URLS", "https://thanos.monitoring/a,https://b")
        .containsEntry("MODELKEEPER_PROMETHEUS_MIN_RANGE", "2m")
        .containsEntry(
            "MODELKEEPER_PROMETHEUS_BEARER_TOKEN_FILE", "/etc/modelkeeper/prometheus-auth/token")
        .containsEntry("MODELKEEPER_PROMETHEUS_CA_FILE", "/etc/modelkeeper/prometheus-ca/ca.crt")
        .doesNotContainKey("MODELKEEPER_PROMETHEUS_USERNAME");
    PodSpec pod = pod(objects);
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals("prometheus-auth"))
        .singleElement()
        .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("prometheus-token"));
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals("prometheus-ca"))
        .singleElement()
        .satisfies(v -> assertThat(v.getConfigMap().getName()).isEqualTo("monitoring-ca"));
    assertThat(pod.getContainers().get(0).getVolumeMounts())
        .filteredOn(m -> m.getName().startsWith("prometheus-"))
        .extracting(VolumeMount::getMountPath, VolumeMount::getReadOnly)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("/etc/modelkeeper/prometheus-auth", true),
            org.assertj.core.groups.Tuple.tuple("/etc/modelkeeper/prometheus-ca", true));
    assertThat(pod.getContainers().get(0).getEnv())
        .as("the token is a file, never an environment variable")
        .noneMatch(
            env -> env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null);
  }

  @Test
  void basicAuthAndACaBundleFromASecret() {
    List<HasMetadata> objects =
        Chart.objects(
            Chart.values(
                "prometheus.url", "https://prometheus.monitoring:9090",
                "prometheus.auth.secretName", "prometheus-basic",
                "prometheus.auth.username", "modelkeeper",
                "prometheus.tls.caSecret", "monitoring-ca",
                "prometheus.tls.caKey", "bundle.pem"));
    assertThat(settings(objects))
        .containsEntry("MODELKEEPER_PROMETHEUS_USERNAME", "modelkeeper")
        .containsEntry(
            "MODELKEEPER_PROMETHEUS_PASSWORD_FILE", "/etc/modelkeeper/prometheus-auth/password")
        .containsEntry(
            "MODELKEEPER_PROMETHEUS_CA_FILE", "/etc/modelkeeper/prometheus-ca/bundle.pem")
        .doesNotContainKey("MODELKEEPER_PROMETHEUS_BEARER_TOKEN_FILE");
    assertThat(pod(objects).getVolumes())
        .filteredOn(v -> v.getName().equals("prometheus-ca"))
        .singleElement()
        .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("monitoring-ca"));
  }

  @Test
  void insecureSkipVerifyIsASettingOfItsOwn() {
    assertThat(
            settings(
                Chart.objects(
                    Chart.values(
                        "prometheus.url",
                        "https://prometheus.monitoring:9090",
                        "prometheus.tls.insecureSkipVerify",
                        true))))
        .containsEntry("MODELKEEPER_PROMETHEUS_INSECURE_SKIP_VERIFY", "true");
  }

  @Test
  void contradictoryOrIncompleteValuesAreRefusedSayingWhy() {
    assertThatThrownBy(
            () ->
                Chart.render(
                    Chart.values(
                        "prometheus.auth.secretName", "s",
                        "prometheus.auth.bearerTokenKey", "token",
                        "prometheus.auth.username", "u")))
        .hasMessageContaining("set bearerTokenKey or username (basic auth), not both");
    assertThatThrownBy(() -> Chart.render(Chart.values("prometheus.auth.bearerTokenKey", "token")))
        .hasMessageContaining("prometheus.auth.secretName");
    assertThatThrownBy(
            () ->
                Chart.render(
                    Chart.values(
                        "prometheus.tls.caConfigMap", "a", "prometheus.tls.caSecret", "b")))
        .hasMessageContaining("set caConfigMap or caSecret, not both");
    assertThatThrownBy(() -> Chart.render(Chart.values("prometheus.url", "prometheus:9090")))
        .as("values.schema.json wants a URL")
        .hasMessageContaining("/prometheus/url");
  }

  private static Map<String, String> settings(List<HasMetadata> objects) {
    return Chart.ofType(objects, ConfigMap.class).stream()
        .filter(cm -> cm.getMetadata().getName().endsWith("-config"))
        .findFirst()
        .orElseThrow()
        .getData();
  }

  private static PodSpec pod(List<HasMetadata> objects) {
    return Chart.ofType(objects, Deployment.class).get(0).getSpec().getTemplate().getSpec();
  }
}

package io.modelkeeper.operator.metricsource.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelkeeper.operator.config.OperatorConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator settings of its Prometheus connection, as its configuration maps them. */
class PrometheusAccessTest {

  @TempDir Path dir;

  private static OperatorConfig config(Map<String, String> settings) {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withMapping(OperatorConfig.class)
            // Quarkus's own reading of durations such as 60s, as the operator gets it.
            .withConverter(Duration.class, 200, new DurationConverter())
            .withSources(new MapBackedConfigSource("test", settings) {})
            .build();
    return config.getConfigMapping(OperatorConfig.class);
  }

  @Test
  void noSettingsSendNoCredentials() throws IOException {
    PrometheusAccess access = PrometheusAccess.from(config(Map.of()));
    assertThat(access.credentials().authorization()).isEmpty();
    assertThat(config(Map.of()).prometheusMinRange()).hasSeconds(60);
  }

  @Test
  void basicAuthReadsThePasswordFromItsFile() throws IOException {
    Path password = Files.writeString(dir.resolve("password"), "s3cret-8e2f\n");
    PrometheusAccess access =
        PrometheusAccess.from(
            config(
                Map.of(
                    "modelkeeper.prometheus-username",
                    "modelkeeper",
                    "modelkeeper.prometheus-password-file",
                    password.toString())));
    assertThat(access.credentials().authorization())
        .contains("Basic bW9kZWxrZWVwZXI6czNjcmV0LThlMmY=");
    assertThat(access.credentials().toString()).doesNotContain("s3cret");
  }

  @Test
  void theChartsEnvironmentVariablesReachTheSettings() throws IOException {
    Path token = Files.writeString(dir.resolve("token"), "tok-41d0");
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withMapping(OperatorConfig.class)
            .withConverter(Duration.class, 200, new DurationConverter())
            .withSources(
                new EnvConfigSource(
                    Map.of(
                        "MODELKEEPER_PROMETHEUS_URL", "https://prometheus.monitoring:9090",
                        "MODELKEEPER_PROMETHEUS_MIN_RANGE", "2m",
                        "MODELKEEPER_PROMETHEUS_BEARER_TOKEN_FILE", token.toString(),
                        "MODELKEEPER_PROMETHEUS_INSECURE_SKIP_VERIFY", "true"),
                    300))
            .build();
    OperatorConfig settings = config.getConfigMapping(OperatorConfig.class);
    assertThat(settings.prometheusUrl()).contains("https://prometheus.monitoring:9090");
    assertThat(settings.prometheusMinRange()).hasMinutes(2);
    assertThat(settings.prometheusInsecureSkipVerify()).isTrue();
    assertThat(PrometheusAccess.from(settings).credentials().authorization())
        .contains("Bearer tok-41d0");
  }

  @Test
  void aUsernameWithoutPasswordFileIsAnErrorNamingTheSetting() {
    assertThatThrownBy(
            () ->
                PrometheusAccess.from(
                    config(Map.of("modelkeeper.prometheus-username", "modelkeeper"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("modelkeeper.prometheus-password-file");
  }

  @Test
  void aTokenAndBasicAuthTogetherAreRefused() {
    assertThatThrownBy(
            () ->
                PrometheusAccess.from(
                    config(
                        Map.of(
                            "modelkeeper.prometheus-bearer-token-file", "/var/run/token",
                            "modelkeeper.prometheus-username", "modelkeeper",
                            "modelkeeper.prometheus-password-file", "/var/run/password"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("modelkeeper.prometheus-bearer-token-file")
        .hasMessageContaining("modelkeeper.prometheus-username");
  }

  @Test
  void aCaBundleIsReadAndANonCertificateIsAnErrorNamingTheSetting() throws IOException {
    Path ca = dir.resolve("ca.crt");
    try (InputStream in = getClass().getResourceAsStream("/prometheus-tls/ca.crt")) {
      Files.write(ca, Objects.requireNonNull(in).readAllBytes());
    }
    assertThat(
            PrometheusAccess.from(config(Map.of("modelkeeper.prometheus-ca-file", ca.toString())))
                .http()
                .sslContext())
        .isNotNull();

    Path notPem = Files.writeString(dir.resolve("not.pem"), "hello");
    assertThatThrownBy(
            () ->
                PrometheusAccess.from(
                    config(Map.of("modelkeeper.prometheus-ca-file", notPem.toString()))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("modelkeeper.prometheus-ca-file " + notPem);
  }
}

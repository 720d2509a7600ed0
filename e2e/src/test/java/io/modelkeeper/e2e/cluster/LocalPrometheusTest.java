package io.modelkeeper.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelkeeper.e2e.RequiredTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local Prometheus' configuration mirrors the chart's monitors: if a monitor template changes
 * (a selector, a port, a path, relabelings), this fails until the mirror follows.
 */
class LocalPrometheusTest {

  @TempDir Path dir;

  private static final Path PROJECT =
      Path.of(System.getProperty("modelkeeper.project.dir", "..")).toAbsolutePath().normalize();

  private static String template(String name) throws Exception {
    return Files.readString(PROJECT.resolve("helm/modelkeeper/templates").resolve(name));
  }

  @Test
  void podMonitorMirrorHasTheChartsSelectorPortAndPathAndNoOtherRelabelings() throws Exception {
    String monitor = template("podmonitor.yaml");
    for (Map.Entry<String, String> label : ChartMonitors.POD_MONITOR_SELECTOR.entrySet()) {
      assertThat(monitor).contains(label.getKey() + ": " + label.getValue());
    }
    assertThat(monitor)
        .contains("name: {{ include \"modelkeeper.fullname\" . }}-model-servers")
        .contains("- port: " + ChartMonitors.PORT_NAME)
        .contains("path: /metrics")
        .contains("any: true")
        .doesNotContain("relabelings")
        .doesNotContain("podTargetLabels")
        .doesNotContain("honorLabels");
    String config = ChartMonitors.config(dir, dir.resolve("pods.json"));
    assertThat(config)
        .contains("job_name: podMonitor/modelkeeper-system/modelkeeper-model-servers/0")
        .contains("regex: (modelkeeper-model-server);true")
        .contains("__meta_kubernetes_pod_label_app_kubernetes_io_managed_by")
        .contains("replacement: modelkeeper-system/modelkeeper-model-servers");
  }

  @Test
  void serviceMonitorMirrorHasTheChartsSelectorPortPathAndHonorLabels() throws Exception {
    String monitor = template("servicemonitor.yaml");
    String helpers = template("_helpers.tpl");
    assertThat(monitor)
        .contains("include \"modelkeeper.selectorLabels\"")
        .contains("- port: " + ChartMonitors.PORT_NAME)
        .contains("path: /q/metrics")
        .contains("honorLabels: true")
        .doesNotContain("relabelings")
        .doesNotContain("targetLabels");
    assertThat(helpers)
        .contains("app.kubernetes.io/name: {{ include \"modelkeeper.name\" . }}")
        .contains("app.kubernetes.io/instance: {{ .Release.Name }}")
        .contains("app.kubernetes.io/component: operator");
    assertThat(ChartMonitors.SERVICE_MONITOR_SELECTOR)
        .containsOnlyKeys(
            "app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/component");
    assertThat(template("service.yaml"))
        .contains("name: {{ include \"modelkeeper.fullname\" . }}-metrics")
        .contains("- name: " + ChartMonitors.PORT_NAME);
    String config = ChartMonitors.config(dir, dir.resolve("pods.json"));
    assertThat(config)
        .contains("job_name: serviceMonitor/modelkeeper-system/modelkeeper/0")
        .contains("honor_labels: true")
        .contains("metrics_path: /q/metrics")
        .contains("regex: (operator);true");
  }

  @Test
  void promtoolAcceptsTheConfiguration() throws Exception {
    Path promtool = RequiredTools.promtool("the local Prometheus configuration check");
    Files.writeString(dir.resolve("pods.json"), "[]");
    Files.writeString(dir.resolve("operator.json"), "[]");
    Path file = dir.resolve("prometheus.yml");
    Files.writeString(file, ChartMonitors.config(dir, dir.resolve("pods.json")));
    Process check =
        new ProcessBuilder(promtool.toString(), "check", "config", file.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(check.getInputStream().readAllBytes());
    assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(check.exitValue()).as(output).isZero();
  }

  @Test
  void aMissingBinaryIsAnErrorNamingThePackage() {
    assertThatThrownBy(() -> LocalPrometheus.binary(""))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Debian package 'prometheus'")
        .hasMessageContaining("apt-get install prometheus");
  }
}

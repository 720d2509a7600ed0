package io.modelkeeper.e2e.cluster;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Helm chart's PodMonitor and ServiceMonitor ({@code
 * helm/modelkeeper/templates/podmonitor.yaml} and {@code servicemonitor.yaml}) as the Prometheus
 * configuration a Prometheus Operator generates from them, with file discovery in place of
 * Kubernetes discovery, for {@link LocalPrometheus}.
 */
final class ChartMonitors {

  private ChartMonitors() {}

  /** The chart's release as docs/install.md installs it: {@code modelkeeper} in this namespace. */
  static final String RELEASE = "modelkeeper";

  static final String RELEASE_NAMESPACE = "modelkeeper-system";

  /** The PodMonitor's name ({@code <fullname>-model-servers}) and its selector. */
  static final String POD_MONITOR = RELEASE + "-model-servers";

  static final Map<String, String> POD_MONITOR_SELECTOR =
      new TreeMap<>(
          Map.of(
              "app.kubernetes.io/name", "modelkeeper-model-server",
              "app.kubernetes.io/managed-by", "modelkeeper"));

  /** The ServiceMonitor's name, the Service it selects, and the chart's selector labels. */
  static final String SERVICE_MONITOR = RELEASE;

  static final String OPERATOR_SERVICE = RELEASE + "-metrics";

  static final Map<String, String> SERVICE_MONITOR_SELECTOR =
      new TreeMap<>(
          Map.of(
              "app.kubernetes.io/name", "modelkeeper",
              "app.kubernetes.io/instance", RELEASE,
              "app.kubernetes.io/component", "operator"));

  /** The port name both monitors scrape. */
  static final String PORT_NAME = "http";

  /**
   * The configuration a Prometheus Operator generates from the chart's PodMonitor and
   * ServiceMonitor (its relabelings, in its order), with file discovery in place of Kubernetes
   * discovery and the local scrape interval. The selectors' keep rules, the port names, paths and
   * {@code honor_labels} are the monitors'; the chart adds no relabelings of its own.
   */
  static String config(Path dir, Path podTargets) {
    String interval = LocalPrometheus.SCRAPE_INTERVAL.toSeconds() + "s";
    StringBuilder yaml = new StringBuilder();
    yaml.append("# Written by the local cluster: what a Prometheus Operator generates from the\n")
        .append("# chart's PodMonitor and ServiceMonitor, with file discovery.\n")
        .append("global:\n")
        .append("  scrape_interval: ")
        .append(interval)
        .append("\n  scrape_timeout: ")
        .append(interval)
        .append("\n  evaluation_interval: ")
        .append(interval)
        .append("\n  query_log_file: ")
        .append(quoted(dir.resolve("queries.log").toString()))
        .append("\nscrape_configs:\n");
    yaml.append("  - job_name: podMonitor/")
        .append(RELEASE_NAMESPACE)
        .append('/')
        .append(POD_MONITOR)
        .append("/0\n")
        .append("    honor_labels: false\n")
        .append("    metrics_path: /metrics\n")
        .append("    scheme: http\n")
        .append("    file_sd_configs:\n")
        .append("      - files: [")
        .append(quoted(podTargets.toString()))
        .append("]\n")
        .append("        refresh_interval: 5s\n")
        .append("    relabel_configs:\n")
        .append("      - source_labels: [job]\n")
        .append("        target_label: __tmp_prometheus_job_name\n")
        .append("      - action: drop\n")
        .append("        source_labels: [__meta_kubernetes_pod_phase]\n")
        .append("        regex: (Failed|Succeeded)\n");
    keepSelector(yaml, "pod", POD_MONITOR_SELECTOR);
    yaml.append("      - action: keep\n")
        .append("        source_labels: [__meta_kubernetes_pod_container_port_name]\n")
        .append("        regex: ")
        .append(PORT_NAME)
        .append('\n')
        .append("      - source_labels: [__meta_kubernetes_namespace]\n")
        .append("        target_label: namespace\n")
        .append("      - source_labels: [__meta_kubernetes_pod_container_name]\n")
        .append("        target_label: container\n")
        .append("      - source_labels: [__meta_kubernetes_pod_name]\n")
        .append("        target_label: pod\n")
        .append("      - target_label: job\n")
        .append("        replacement: ")
        .append(RELEASE_NAMESPACE)
        .append('/')
        .append(POD_MONITOR)
        .append('\n')
        .append("      - target_label: endpoint\n")
        .append("        replacement: ")
        .append(PORT_NAME)
        .append('\n');
    yaml.append("  - job_name: serviceMonitor/")
        .append(RELEASE_NAMESPACE)
        .append('/')
        .append(SERVICE_MONITOR)
        .append("/0\n")
        .append("    honor_labels: true\n")
        .append("    metrics_path: /q/metrics\n")
        .append("    scheme: http\n")
        .append("    file_sd_configs:\n")
        .append("      - files: [")
        .append(quoted(dir.resolve("operator.json").toString()))
        .append("]\n")
        .append("        refresh_interval: 5s\n")
        .append("    relabel_configs:\n")
        .append("      - source_labels: [job]\n")
        .append("        target_label: __tmp_prometheus_job_name\n");
    keepSelector(yaml, "service", SERVICE_MONITOR_SELECTOR);
    yaml.append("      - action: keep\n")
        .append("        source_labels: [__meta_kubernetes_endpoint_port_name]\n")
        .append("        regex: ")
        .append(PORT_NAME)
        .append('\n')
        .append("      - source_labels: [__meta_kubernetes_endpoint_address_target_kind, ")
        .append("__meta_kubernetes_endpoint_address_target_name]\n")
        .append("        separator: ;\n")
        .append("        regex: Node;(.*)\n")
        .append("        replacement: ${1}\n")
        .append("        target_label: node\n")
        .append("      - source_labels: [__meta_kubernetes_endpoint_address_target_kind, ")
        .append("__meta_kubernetes_endpoint_address_target_name]\n")
        .append("        separator: ;\n")
        .append("        regex: Pod;(.*)\n")
        .append("        replacement: ${1}\n")
        .append("        target_label: pod\n")
        .append("      - source_labels: [__meta_kubernetes_namespace]\n")
        .append("        target_label: namespace\n")
        .append("      - source_labels: [__meta_kubernetes_service_name]\n")
        .append("        target_label: service\n")
        .append("      - source_labels: [__meta_kubernetes_pod_name]\n")
        .append("        target_label: pod\n")
        .append("      - source_labels: [__meta_kubernetes_pod_container_name]\n")
        .append("        target_label: container\n")
        .append("      - action: drop\n")
        .append("        source_labels: [__meta_kubernetes_pod_phase]\n")
        .append("        regex: (Failed|Succeeded)\n")
        .append("      - source_labels: [__meta_kubernetes_service_name]\n")
        .append("        target_label: job\n")
        .append("        replacement: ${1}\n")
        .append("      - target_label: endpoint\n")
        .append("        replacement: ")
        .append(PORT_NAME)
        .append('\n');
    return yaml.toString();
  }

  /** One keep rule per label of a monitor's {@code matchLabels}, in key order. */
  private static void keepSelector(StringBuilder yaml, String role, Map<String, String> selector) {
    selector.forEach(
        (key, value) -> {
          String name = key.replaceAll("[^a-zA-Z0-9_]", "_");
          yaml.append("      - action: keep\n")
              .append("        source_labels: [__meta_kubernetes_")
              .append(role)
              .append("_label_")
              .append(name)
              .append(", __meta_kubernetes_")
              .append(role)
              .append("_labelpresent_")
              .append(name)
              .append("]\n")
              .append("        regex: (")
              .append(value)
              .append(");true\n");
        });
  }

  /**
   * The operator as Kubernetes endpoints discovery lists the chart's metrics Service: the labels
   * the chart gives the Service, the operator's pod and container. None while no operator runs.
   */
  static List<Map<String, Object>> operatorTargets(String operatorUrl) {
    List<Map<String, Object>> groups = new ArrayList<>();
    if (operatorUrl != null) {
      Map<String, String> labels = new TreeMap<>();
      labels.put("__meta_kubernetes_namespace", RELEASE_NAMESPACE);
      labels.put("__meta_kubernetes_service_name", OPERATOR_SERVICE);
      Map<String, String> serviceLabels = new LinkedHashMap<>(SERVICE_MONITOR_SELECTOR);
      serviceLabels.put("app.kubernetes.io/managed-by", "Helm");
      serviceLabels.put("app.kubernetes.io/part-of", "modelkeeper");
      serviceLabels.forEach(
          (key, value) -> {
            String name = key.replaceAll("[^a-zA-Z0-9_]", "_");
            labels.put("__meta_kubernetes_service_label_" + name, value);
            labels.put("__meta_kubernetes_service_labelpresent_" + name, "true");
          });
      labels.put("__meta_kubernetes_endpoint_port_name", PORT_NAME);
      labels.put("__meta_kubernetes_endpoint_ready", "true");
      labels.put("__meta_kubernetes_endpoint_address_target_kind", "Pod");
      labels.put("__meta_kubernetes_endpoint_address_target_name", "modelkeeper-local");
      labels.put("__meta_kubernetes_pod_name", "modelkeeper-local");
      labels.put("__meta_kubernetes_pod_container_name", "operator");
      labels.put("__meta_kubernetes_pod_phase", "Running");
      labels.put("__meta_kubernetes_pod_ready", "true");
      groups.add(
          Map.of("targets", List.of(URI.create(operatorUrl).getAuthority()), "labels", labels));
    }
    return groups;
  }

  private static String quoted(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}

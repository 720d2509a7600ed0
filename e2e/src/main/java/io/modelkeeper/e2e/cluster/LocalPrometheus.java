package io.modelkeeper.e2e.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server (the {@code prometheus} binary of this machine) scraping the local
 * cluster as the Helm chart's monitors have a Prometheus Operator scrape a real one: the
 * PodMonitor's model-server pods and the ServiceMonitor's operator, with the relabelings the
 * Prometheus Operator generates from them ({@code helm/modelkeeper/templates/podmonitor.yaml} and
 * {@code servicemonitor.yaml}), so the series carry the same {@code namespace}, {@code pod}, {@code
 * container}, {@code endpoint}, {@code job} and {@code instance} labels. Targets come through
 * {@code file_sd_configs}: the node simulator keeps the pods' file current, this class writes the
 * operator's. Every query it answers is written to its query log.
 */
public final class LocalPrometheus implements AutoCloseable {

  /** The Debian (and Ubuntu) package with the server. */
  public static final String PACKAGE = "prometheus";

  /** Short, so that scenarios see a change within seconds (the chart's monitors say 15 s, 30 s). */
  public static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(1);

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

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final String url;
  private final Path dir;
  private final Path log;
  private final Path pidFile;

  private LocalPrometheus(Process process, String url, Path dir, Path log, Path pidFile) {
    this.process = process;
    this.url = url;
    this.dir = dir;
    this.log = log;
    this.pidFile = pidFile;
  }

  /** The binary: {@code prometheus} on the PATH, or a clear error naming the package. */
  public static Path binary() {
    return binary(System.getenv().getOrDefault("PATH", "/usr/bin"));
  }

  /** The {@code prometheus} binary on {@code path} (a PATH value), or a clear error. */
  static Path binary(String path) {
    for (String entry : path.split(File.pathSeparator)) {
      if (entry.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(entry, "prometheus");
      if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "the prometheus binary is not on the PATH: install the Debian package '"
            + PACKAGE
            + "' (sudo apt-get install "
            + PACKAGE
            + ")");
  }

  /**
   * Starts Prometheus with its configuration, data, query log and target files under {@code dir}
   * (its data from an earlier start is deleted), and waits until it is ready.
   *
   * @param podTargets the file the node simulator keeps current with the pods' targets
   */
  public static LocalPrometheus start(Path dir, Path podTargets, Path log, Path pidDir) {
    Path binary = binary();
    try {
      deleteTree(dir.resolve("data"));
      Files.createDirectories(dir);
      Files.createDirectories(log.getParent());
      Files.createDirectories(pidDir);
      Files.writeString(dir.resolve("prometheus.yml"), config(dir, podTargets));
      writeOperatorTarget(dir, null);
      int port = freePort();
      String url = "http://127.0.0.1:" + port;
      List<String> command =
          List.of(
              binary.toString(),
              "--config.file=" + dir.resolve("prometheus.yml"),
              "--storage.tsdb.path=" + dir.resolve("data"),
              "--storage.tsdb.retention.time=6h",
              "--web.listen-address=127.0.0.1:" + port,
              "--web.enable-lifecycle");
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      Path pidFile = pidDir.resolve("prometheus.pid");
      Files.writeString(pidFile, process.pid() + "\n");
      LocalPrometheus prometheus = new LocalPrometheus(process, url, dir, log, pidFile);
      try {
        prometheus.awaitReady(Duration.ofSeconds(60));
      } catch (RuntimeException e) {
        prometheus.close();
        throw e;
      }
      return prometheus;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The server's base URL ({@code /api/v1/query}, {@code /targets}). */
  public String url() {
    return url;
  }

  /** The file every query the server answered is logged to, one JSON object a line. */
  public Path queryLog() {
    return dir.resolve("queries.log");
  }

  public Path log() {
    return log;
  }

  public long pid() {
    return process.pid();
  }

  /**
   * Points the operator's target at {@code operatorUrl} (its HTTP base URL; null for none), as the
   * endpoints of the chart's metrics Service follow the operator's pod.
   */
  public void operatorAt(String operatorUrl) {
    writeOperatorTarget(dir, operatorUrl);
  }

  /**
   * The configuration a Prometheus Operator generates from the chart's PodMonitor and
   * ServiceMonitor (its relabelings, in its order), with file discovery in place of Kubernetes
   * discovery and the local scrape interval. The selectors' keep rules, the port names, paths and
   * {@code honor_labels} are the monitors'; the chart adds no relabelings of its own.
   */
  static String config(Path dir, Path podTargets) {
    String interval = SCRAPE_INTERVAL.toSeconds() + "s";
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
   * the chart gives the Service, the operator's pod and container. An empty file while none runs.
   */
  private static void writeOperatorTarget(Path dir, String operatorUrl) {
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
    try {
      Path file = dir.resolve("operator.json");
      Path next = dir.resolve("operator.json.next");
      Files.writeString(next, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(groups));
      Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String quoted(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private void awaitReady(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "prometheus exited with code "
                + process.exitValue()
                + " during start-up; its log: "
                + log
                + "\n"
                + tail(30));
      }
      try {
        HttpResponse<String> ready =
            http.send(
                HttpRequest.newBuilder(URI.create(url + "/-/ready"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (ready.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for prometheus", e);
      }
      sleep(200);
    }
    throw new IllegalStateException(
        "prometheus was not ready within " + timeout.toSeconds() + " s; its log: " + log);
  }

  /** The last lines of the server's log. */
  public String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
      Files.deleteIfExists(pidFile);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

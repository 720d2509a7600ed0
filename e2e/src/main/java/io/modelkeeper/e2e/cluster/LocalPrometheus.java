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
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server (the {@code prometheus} binary of this machine) scraping the local
 * cluster as the Helm chart's monitors have a Prometheus Operator scrape a real one: the
 * PodMonitor's model-server pods and the ServiceMonitor's operator, with the relabelings the
 * Prometheus Operator generates from them ({@code helm/modelkeeper/templates/podmonitor.yaml} and
 * {@code servicemonitor.yaml}; {@link ChartMonitors}), so the series carry the same {@code
 * namespace}, {@code pod}, {@code container}, {@code endpoint}, {@code job} and {@code instance}
 * labels. Targets come through {@code file_sd_configs}: the node simulator keeps the pods' file
 * current, this class writes the operator's. Every query it answers is written to its query log.
 */
public final class LocalPrometheus implements AutoCloseable {

  /** The Debian (and Ubuntu) package with the server. */
  public static final String PACKAGE = "prometheus";

  /** Short, so that scenarios see a change within seconds (the chart's monitors say 15 s, 30 s). */
  public static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(1);

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
      Files.writeString(dir.resolve("prometheus.yml"), ChartMonitors.config(dir, podTargets));
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

  /** Writes the operator's targets ({@link ChartMonitors#operatorTargets}) for file discovery. */
  private static void writeOperatorTarget(Path dir, String operatorUrl) {
    try {
      Path file = dir.resolve("operator.json");
      Path next = dir.resolve("operator.json.next");
      Files.writeString(
          next,
          JSON.writerWithDefaultPrettyPrinter()
              .writeValueAsString(ChartMonitors.operatorTargets(operatorUrl)));
      Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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

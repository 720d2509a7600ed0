package io.modelkeeper.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The packaged model server started as its own JVM with -Xmx256m on a free loopback port. */
final class ServerProcess implements AutoCloseable {

  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  private final Process process;
  final String base;

  private ServerProcess(Process process, int port) {
    this.process = process;
    this.base = "http://127.0.0.1:" + port;
  }

  static ServerProcess start(Path jar, Path log, Map<String, String> env) throws Exception {
    return start(jar, log, env, List.of());
  }

  /**
   * Starts the server behind {@code launcher}, a command that runs the next ones (such as {@code
   * taskset -c 0}); none when empty.
   */
  static ServerProcess start(Path jar, Path log, Map<String, String> env, List<String> launcher)
      throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    List<String> command = new ArrayList<>(launcher);
    command.addAll(List.of(javaBinary(), "-Xmx256m", "-jar", jar.toString()));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    // As the image runs it: ONNX Runtime 1.29's telemetry can crash the JVM at its first session.
    builder.environment().put("ORT_DISABLE_TELEMETRY", "1");
    // As the image runs it: two malloc arenas, not eight per core for the server's many threads.
    builder.environment().put("MALLOC_ARENA_MAX", "2");
    builder.environment().putAll(env);
    builder.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
    builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
    ServerProcess server = new ServerProcess(builder.start(), port);
    server.awaitReady(log);
    return server;
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private void awaitReady(Path log) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("server exited; log:\n" + Files.readString(log));
      }
      try {
        if (get("/v2/health/ready").statusCode() == 200) {
          return;
        }
      } catch (IOException notYetListening) {
        // Keep polling until the port opens.
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("server not ready within 60 s; log:\n" + Files.readString(log));
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create(base + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  long pid() {
    return process.pid();
  }

  /** Resident set size in MiB, from /proc. */
  double rssMiB(String field) {
    try {
      for (String line :
          Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }

  /** The sum of one histogram or timer in the server's /metrics, over all its series. */
  double metricSum(String name) throws IOException, InterruptedException {
    double sum = 0;
    for (String line : get("/metrics").body().split("\n")) {
      if (line.startsWith(name + "_sum{")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  /** The count of one histogram or timer in the server's /metrics, over all its series. */
  double metricCount(String name) throws IOException, InterruptedException {
    double count = 0;
    for (String line : get("/metrics").body().split("\n")) {
      if (line.startsWith(name + "_count{")) {
        count += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return count;
  }

  /** Sum and count of one histogram in the server's /metrics, as mean. */
  double metricMean(String name) throws IOException, InterruptedException {
    double sum = Double.NaN;
    double count = Double.NaN;
    for (String line : get("/metrics").body().split("\n")) {
      if (line.startsWith(name + "_sum{")) {
        sum = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      } else if (line.startsWith(name + "_count{")) {
        count = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum / count;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor();
  }
}

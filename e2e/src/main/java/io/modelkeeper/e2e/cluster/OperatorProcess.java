package io.modelkeeper.e2e.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator as its packaged jar ({@code operator/target/quarkus-app/quarkus-run.jar}, what the
 * image runs), pointed at a cluster through KUBECONFIG, with its HTTP port on 127.0.0.1.
 */
public final class OperatorProcess implements AutoCloseable {

  /**
   * The image name the operator puts into pods; the local node runs any image named *model-server.
   */
  public static final String LOCAL_MODEL_SERVER_IMAGE = "ghcr.io/modelkeeper/model-server:local";

  /**
   * The program the operator's API requests name in their User-Agent (its fabric8 client's
   * default): how the local API server's request log and conflict orders tell them apart.
   */
  public static final String CLIENT = "fabric8-kubernetes-client";

  private static final Pattern LISTENING = Pattern.compile("Listening on: (http://[\\d.]+:\\d+)");

  private final Process process;
  private final Path log;
  private final Path pidFile;

  private OperatorProcess(Process process, Path log, Path pidFile) {
    this.process = process;
    this.log = log;
    this.pidFile = pidFile;
  }

  /** The periodic reconcile of the local cluster's operator (the chart's default is 60 s). */
  public static final Duration LOCAL_RECONCILE_INTERVAL = Duration.ofSeconds(15);

  /** How often a newLabelledRows trigger reads the pods' counters here (30 s by default). */
  static final Duration LOCAL_LABELLED_ROWS_INTERVAL = Duration.ofSeconds(5);

  /**
   * How long a model pod keeps a capture file open with a dataset in a bucket (5 min by default).
   */
  static final Duration LOCAL_BUCKET_CAPTURE_FILE_AGE = Duration.ofSeconds(5);

  /** Starts the operator and waits until its health endpoint says it is ready. */
  public static OperatorProcess start(
      Path jar, Path kubeconfig, Path log, Path pidDir, Duration timeout) {
    return start(jar, kubeconfig, log, pidDir, timeout, LOCAL_RECONCILE_INTERVAL);
  }

  /**
   * As {@link #start(Path, Path, Path, Path, Duration)}, reconciling every ModelDeployment at least
   * every {@code reconcileInterval} ({@code MODELKEEPER_RECONCILE_INTERVAL}).
   */
  public static OperatorProcess start(
      Path jar,
      Path kubeconfig,
      Path log,
      Path pidDir,
      Duration timeout,
      Duration reconcileInterval) {
    return start(jar, kubeconfig, log, pidDir, timeout, reconcileInterval, Map.of());
  }

  /**
   * As {@link #start(Path, Path, Path, Path, Duration, Duration)}, with more environment variables
   * (operator settings such as {@code MODELKEEPER_PROMETHEUS_URL}).
   */
  public static OperatorProcess start(
      Path jar,
      Path kubeconfig,
      Path log,
      Path pidDir,
      Duration timeout,
      Duration reconcileInterval,
      Map<String, String> environment) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "operator jar not found: " + jar + " (build it: ./mvnw -B -DskipTests package)");
    }
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-jar",
            jar.toString());
    try {
      Files.createDirectories(log.getParent());
      Files.createDirectories(pidDir);
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      builder.environment().put("KUBECONFIG", kubeconfig.toAbsolutePath().toString());
      builder.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
      builder.environment().put("QUARKUS_HTTP_PORT", "0");
      builder.environment().put("MODELKEEPER_MODEL_SERVER_IMAGE", LOCAL_MODEL_SERVER_IMAGE);
      builder
          .environment()
          .put("MODELKEEPER_RECONCILE_INTERVAL", reconcileInterval.toMillis() + "ms");
      builder
          .environment()
          .put(
              "MODELKEEPER_LABELLED_ROWS_INTERVAL", LOCAL_LABELLED_ROWS_INTERVAL.toMillis() + "ms");
      builder
          .environment()
          .put(
              "MODELKEEPER_BUCKET_CAPTURE_FILE_AGE",
              LOCAL_BUCKET_CAPTURE_FILE_AGE.toMillis() + "ms");
      builder.environment().putAll(environment);
      Process process = builder.start();
      Path pidFile = pidDir.resolve("operator.pid");
      Files.writeString(pidFile, process.pid() + "\n");
      OperatorProcess operator = new OperatorProcess(process, log, pidFile);
      operator.awaitReady(timeout);
      return operator;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitReady(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the operator exited with code "
                + process.exitValue()
                + " during start-up; its log: "
                + log
                + "\n"
                + tail(40));
      }
      String url = listeningUrl();
      if (url != null) {
        try {
          HttpResponse<String> health =
              http.send(
                  HttpRequest.newBuilder(URI.create(url + "/q/health/ready"))
                      .timeout(Duration.ofSeconds(2))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          if (health.statusCode() == 200) {
            return;
          }
        } catch (IOException e) {
          // not listening yet
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for the operator", e);
        }
      }
      sleep(300);
    }
    throw new IllegalStateException(
        "the operator was not ready within "
            + timeout.toSeconds()
            + " s; its log: "
            + log
            + "\n"
            + tail(40));
  }

  private String listeningUrl() {
    try {
      Matcher matcher = LISTENING.matcher(Files.readString(log));
      String url = null;
      while (matcher.find()) {
        url = matcher.group(1);
      }
      return url;
    } catch (IOException e) {
      return null;
    }
  }

  /** The operator's HTTP base URL (health, {@code /q/metrics}), as its log announced it. */
  public String url() {
    String url = listeningUrl();
    if (url == null) {
      throw new IllegalStateException(
          "the operator has not announced its HTTP port; its log: " + log);
    }
    return url;
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
  }

  /** The last lines of the operator's log. */
  public String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  /**
   * Kills the operator with SIGKILL, as an out-of-memory kill or a lost node would: no shutdown
   * hook runs, nothing is finished or handed over.
   */
  public void kill() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the operator (pid " + pid() + ") outlived SIGKILL");
      }
      Files.deleteIfExists(pidFile);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package io.modelkeeper.e2e.scenarios;

import io.modelkeeper.e2e.RequiredTools;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An S3-compatible store on 127.0.0.1 for the storage scenarios: s3rver 3.7.1 from the npm registry
 * on Debian's nodejs, installed once into {@code ~/.cache/modelkeeper/s3rver-3.7.1} (or
 * MODELKEEPER_S3RVER_DIR). It knows one access key, {@link #ACCESS_KEY_ID}, and checks it on every
 * signed request. Objects are put unsigned, as s3rver allows.
 */
final class LocalS3rver implements AutoCloseable {

  static final String VERSION = "3.7.1";
  static final String ACCESS_KEY_ID = "S3RVER";

  private static final Pattern LISTENING = Pattern.compile("listening on [^:\\s]+:(\\d+)");

  private final Process process;
  private final String endpoint;

  private LocalS3rver(Process process, int port) {
    this.process = process;
    this.endpoint = "http://127.0.0.1:" + port;
  }

  /** Starts a store keeping its objects in {@code data}, with {@code buckets} made. */
  static LocalS3rver start(Path data, String... buckets) throws IOException, InterruptedException {
    RequiredTools.node("the S3 storage scenarios");
    Path script = installed().resolve("node_modules/s3rver/bin/s3rver.js");
    Files.createDirectories(data);
    List<String> command =
        new ArrayList<>(
            List.of(
                "node", script.toString(), "-d", data.toString(), "-a", "127.0.0.1", "-p", "0"));
    for (String bucket : buckets) {
      command.add("--configure-bucket");
      command.add(bucket);
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    BlockingQueue<Integer> port = new ArrayBlockingQueue<>(1);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    port.offer(Integer.parseInt(m.group(1)));
                  }
                }
              } catch (IOException ignored) {
                // The process ended; start() reports it when no port came.
              }
            },
            "s3rver-output");
    reader.setDaemon(true);
    reader.start();
    Integer found = port.poll(60, TimeUnit.SECONDS);
    if (found == null) {
      process.destroyForcibly();
      throw new IllegalStateException("s3rver did not say its port within 60 s");
    }
    return new LocalS3rver(process, found);
  }

  String endpoint() {
    return endpoint;
  }

  /** Puts {@code file} at {@code bucket}/{@code key}. */
  void put(String bucket, String key, Path file) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(endpoint + "/" + bucket + "/" + key))
                    .PUT(HttpRequest.BodyPublishers.ofFile(file))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "s3rver refused " + key + ": HTTP " + response.statusCode() + " " + response.body());
    }
  }

  /** The keys under {@code prefix} in {@code bucket}, listed unsigned as s3rver allows. */
  List<String> list(String bucket, String prefix) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            endpoint
                                + "/"
                                + bucket
                                + "?list-type=2&prefix="
                                + java.net.URLEncoder.encode(prefix, StandardCharsets.UTF_8)))
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "s3rver refused to list " + bucket + ": HTTP " + response.statusCode());
    }
    List<String> keys = new ArrayList<>();
    Matcher key = Pattern.compile("<Key>([^<]*)</Key>").matcher(response.body());
    while (key.find()) {
      keys.add(key.group(1));
    }
    return keys;
  }

  /** The directory s3rver is installed in, installing it with npm the first time. */
  private static Path installed() throws IOException, InterruptedException {
    String configured = System.getenv("MODELKEEPER_S3RVER_DIR");
    Path dir =
        configured != null && !configured.isBlank()
            ? Path.of(configured)
            : Path.of(
                System.getProperty("user.home"), ".cache", "modelkeeper", "s3rver-" + VERSION);
    if (Files.isRegularFile(dir.resolve("node_modules/s3rver/bin/s3rver.js"))) {
      return dir;
    }
    Files.createDirectories(dir.getParent());
    Path staging = Files.createTempDirectory(dir.getParent(), "s3rver-install");
    Process npm =
        new ProcessBuilder(
                "npm",
                "install",
                "--prefix",
                staging.toString(),
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                "s3rver@" + VERSION)
            .redirectErrorStream(true)
            .start();
    String output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
      throw new IllegalStateException("npm install s3rver@" + VERSION + " failed: " + output);
    }
    try {
      Files.move(staging, dir);
    } catch (IOException e) {
      // Another build installed it meanwhile: theirs is as good.
      if (!Files.isRegularFile(dir.resolve("node_modules/s3rver/bin/s3rver.js"))) {
        throw e;
      }
    }
    return dir;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}

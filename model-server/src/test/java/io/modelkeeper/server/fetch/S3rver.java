package io.modelkeeper.server.fetch;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * A real S3-compatible server for tests: s3rver 3.7.1 from the npm registry on Debian's nodejs,
 * installed once into a cache directory ({@code ~/.cache/modelkeeper/s3rver-3.7.1}, or
 * MODELKEEPER_S3RVER_DIR) and started on a free port of 127.0.0.1. It checks AWS signatures: the
 * only key it knows is {@link #ACCESS_KEY_ID} with {@link #SECRET_ACCESS_KEY}. Without node and npm
 * the tests are skipped, or fail where MODELKEEPER_REQUIRE_TOOLS=true.
 */
final class S3rver implements AutoCloseable {

  static final String VERSION = "3.7.1";
  static final String ACCESS_KEY_ID = "S3RVER";
  static final String SECRET_ACCESS_KEY = "S3RVER";

  private static final Pattern LISTENING = Pattern.compile("listening on [^:\\s]+:(\\d+)");

  private final Process process;
  private final int port;

  private S3rver(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts a server keeping its objects in {@code data}, with {@code buckets} made. */
  static S3rver start(Path data, String... buckets) throws IOException, InterruptedException {
    require("node");
    require("npm");
    Path script = installed().resolve("node_modules/s3rver/bin/s3rver.js");
    Files.createDirectories(data);
    List<String> command =
        new java.util.ArrayList<>(
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
    return new S3rver(process, found);
  }

  String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** A client of this server with its one key, as a test puts and reads objects directly. */
  S3Client client() {
    return S3Client.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .endpointOverride(URI.create(endpoint()))
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        // s3rver stores an aws-chunked body as it comes: send plain bodies.
        .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY)))
        .build();
  }

  /**
   * The directory s3rver is installed in, installing it with npm when it is not there yet; skips
   * (or fails under MODELKEEPER_REQUIRE_TOOLS=true) when node or npm is missing.
   */
  static Path installed() throws IOException, InterruptedException {
    String configured = System.getenv("MODELKEEPER_S3RVER_DIR");
    Path dir =
        configured != null && !configured.isBlank()
            ? Path.of(configured)
            : Path.of(
                System.getProperty("user.home"), ".cache", "modelkeeper", "s3rver-" + VERSION);
    if (Files.isRegularFile(dir.resolve("node_modules/s3rver/bin/s3rver.js"))) {
      return dir;
    }
    require("node");
    require("npm");
    Path staging =
        Files.createTempDirectory(
            dir.getParent() == null ? Path.of(".") : mkdirs(dir.getParent()), "s3rver-install");
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

  private static Path mkdirs(Path dir) throws IOException {
    return Files.createDirectories(dir);
  }

  private static void require(String tool) {
    for (String entry : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, tool))) {
        return;
      }
    }
    String message =
        tool + " is not installed (apt-get install nodejs npm): the S3 tests need s3rver";
    if (Boolean.parseBoolean(System.getenv("MODELKEEPER_REQUIRE_TOOLS"))) {
      fail(message + ", and MODELKEEPER_REQUIRE_TOOLS=true forbids skipping them");
    }
    assumeTrue(false, message + "; skipped");
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}

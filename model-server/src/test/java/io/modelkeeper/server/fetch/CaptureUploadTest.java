package io.modelkeeper.server.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelkeeper.contract.DatasetBucket;
import io.modelkeeper.server.capture.CaptureUploader;
import io.modelkeeper.server.capture.CapturedRow;
import io.modelkeeper.server.capture.DatasetFiles;
import io.modelkeeper.server.capture.DatasetWriter;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The model server's capture into spec.dataset.uri against a real S3-compatible server (s3rver): a
 * finished capture file lands under the ModelDeployment's prefix and is removed locally, then the
 * training pod's download reads it back; a store that cannot be reached keeps the file and is tried
 * again, each failure counted.
 */
class CaptureUploadTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final CaptureUploader.Timing QUICK =
      new CaptureUploader.Timing(
          Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofMinutes(1));

  @TempDir static Path shared;
  private static S3rver server;
  private static S3Client reader;

  @TempDir Path dir;

  @BeforeAll
  static void startStore() throws Exception {
    server = S3rver.start(shared.resolve("s3rver"), "captures");
    reader = server.client();
  }

  @AfterAll
  static void stopStore() throws Exception {
    if (reader != null) {
      reader.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private Map<String, String> env(String endpoint) throws IOException {
    Path secret = Files.createDirectories(dir.resolve("secret"));
    Files.writeString(secret.resolve(S3Credentials.ACCESS_KEY_ID), S3rver.ACCESS_KEY_ID);
    Files.writeString(secret.resolve(S3Credentials.SECRET_ACCESS_KEY), S3rver.SECRET_ACCESS_KEY);
    Map<String, String> env = new HashMap<>();
    env.put(DatasetBucket.URI, "s3://captures/fraud-data/fraud/");
    env.put(DatasetBucket.CREDENTIALS_DIR, secret.toString());
    env.put(S3Store.ENDPOINT_ENV, endpoint);
    env.put(S3Store.PATH_STYLE_ENV, "true");
    return env;
  }

  private static CaptureUploader.Store store(DatasetUpload upload) {
    return new CaptureUploader.Store() {
      @Override
      public void put(Path file) throws FetchException {
        upload.put(file);
      }

      @Override
      public void close() {
        upload.close();
      }
    };
  }

  /** Every row finishes its file at once: a file a few bytes long is at the size bound. */
  private DatasetWriter writer(Path capture, CaptureUploader uploader) throws IOException {
    return new DatasetWriter(
        capture,
        "fraud",
        "2.1.0",
        "fraud-abc",
        new DatasetWriter.Limits(10, Duration.ofHours(1), Duration.ofMillis(20), 1000, 100),
        Clock.systemUTC(),
        uploader);
  }

  private static CapturedRow row(String id) {
    return new CapturedRow(
        Instant.now(), id, 0, Map.of("x", new float[] {1f, 2f}), 1, 1, 0.9, null);
  }

  @Test
  void aFinishedFileLandsInTheBucketAndIsRemovedHereThenTheTrainingPodReadsIt() throws Exception {
    Path capture = dir.resolve("capture");
    DatasetUpload upload = DatasetUpload.fromEnv(env(server.endpoint())).orElseThrow();
    CaptureUploader uploader = new CaptureUploader(capture, store(upload), QUICK);
    try (DatasetWriter writer = writer(capture, uploader)) {
      writer.append(row("p-1"));
      writer.append(row("p-2"));

      await().atMost(WAIT).until(() -> uploader.uploadedFiles() >= 1);
      await().atMost(WAIT).until(() -> finished(capture).isEmpty());
      assertThat(writer.writtenRows()).as("rows are counted as captured as before").isEqualTo(2);
    }
    assertThat(uploader.failedUploads()).isZero();
    List<String> keys =
        reader
            .listObjectsV2(b -> b.bucket("captures").prefix("fraud-data/fraud/"))
            .contents()
            .stream()
            .map(S3Object::key)
            .toList();
    assertThat(keys)
        .isNotEmpty()
        .allSatisfy(
            key ->
                assertThat(key)
                    .startsWith("fraud-data/fraud/fraud-2.1.0-fraud-abc-")
                    .endsWith(".jsonl"));
    String body =
        reader
            .getObjectAsBytes(b -> b.bucket("captures").key(keys.get(0)))
            .asString(StandardCharsets.UTF_8);
    assertThat(body).contains("\"id\":\"p-1\"");

    Path dataset = dir.resolve("dataset/fraud");
    Map<String, String> fetch = env(server.endpoint());
    fetch.put(DatasetBucket.URI, "s3://captures/fraud-data/fraud/");
    fetch.put(DatasetBucket.MAX_BYTES, "1000000");
    fetch.put("MODELKEEPER_DATASET_DIR", dataset.toString());
    int code =
        new DatasetFetchCommand(Clock.systemUTC(), dir.resolve("termination-log"))
            .run(fetch, System.out, System.err);
    assertThat(code).isZero();
    assertThat(DatasetFiles.readAll(dataset))
        .extracting(node -> node.get("id").asText())
        .containsExactlyInAnyOrder("p-1", "p-2");
  }

  @Test
  void anUnreachableStoreKeepsTheFileAndIsTriedAgain() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Path capture = dir.resolve("capture");
    DatasetUpload upload =
        DatasetUpload.fromEnv(env("http://127.0.0.1:" + closedPort)).orElseThrow();
    CaptureUploader uploader = new CaptureUploader(capture, store(upload), QUICK);
    try (DatasetWriter writer = writer(capture, uploader)) {
      writer.append(row("p-9"));

      await().atMost(WAIT).until(() -> uploader.failedUploads() >= 3);
      assertThat(uploader.uploadedFiles()).isZero();
      assertThat(finished(capture)).as("the file waits for the next attempt").hasSize(1);
    }
    assertThat(finished(capture)).as("still there once the server stops").hasSize(1);
  }

  private static List<Path> finished(Path capture) throws IOException {
    return DatasetFiles.list(capture).stream()
        .filter(f -> f.getFileName().toString().endsWith(DatasetFiles.FINISHED))
        .toList();
  }
}

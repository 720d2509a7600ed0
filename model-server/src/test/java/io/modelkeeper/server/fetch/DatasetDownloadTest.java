package io.modelkeeper.server.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.modelkeeper.contract.DatasetBucket;
import io.modelkeeper.contract.TrainingContract;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A training pod's dataset read from spec.dataset.uri on a real S3-compatible server (s3rver): the
 * finished capture files of its ModelDeployment land in the directory the trainer reads, objects
 * older than maxAge and anything that is not a capture file are left out, the caps stop a download
 * before it starts, and each refusal names a spec.dataset field, never a credential.
 */
class DatasetDownloadTest {

  private static final String WRONG_SECRET = "wrong-dataset-secret-71cd";
  private static final String ROW = "{\"id\":\"p-1\",\"inputs\":{\"x\":[1.0]},\"label\":1}\n";

  @TempDir static Path shared;
  private static S3rver server;
  private static S3Client writer;

  @TempDir Path dir;
  private Path credentials;
  private Path dataset;

  @BeforeAll
  static void startStore() throws Exception {
    server = S3rver.start(shared.resolve("s3rver"), "datasets");
    writer = server.client();
  }

  @AfterAll
  static void stopStore() throws Exception {
    if (writer != null) {
      writer.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void secret() throws Exception {
    credentials = Files.createDirectories(dir.resolve("secret"));
    Files.writeString(credentials.resolve(S3Credentials.ACCESS_KEY_ID), S3rver.ACCESS_KEY_ID);
    Files.writeString(
        credentials.resolve(S3Credentials.SECRET_ACCESS_KEY), S3rver.SECRET_ACCESS_KEY);
    dataset = dir.resolve("dataset/fraud");
  }

  private Map<String, String> env(String prefix) {
    Map<String, String> env = new HashMap<>();
    env.put(DatasetBucket.URI, prefix);
    env.put(DatasetBucket.CREDENTIALS_DIR, credentials.toString());
    env.put(DatasetBucket.MAX_BYTES, String.valueOf(1 << 20));
    env.put(TrainingContract.DATASET_DIR, dataset.toString());
    env.put(TrainingContract.MAX_ROW_AGE, "PT720H");
    env.put(S3Store.ENDPOINT_ENV, server.endpoint());
    env.put(S3Store.PATH_STYLE_ENV, "true");
    return env;
  }

  private record Run(int code, String out, String err) {}

  private Run fetch(Map<String, String> env) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        new DatasetFetchCommand(Clock.systemUTC(), dir.resolve("termination-log"))
            .run(env, new PrintStream(out, true), new PrintStream(err, true));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static void put(String key, String body) {
    writer.putObject(b -> b.bucket("datasets").key(key), RequestBody.fromString(body));
  }

  private static Instant lastModified(String key) {
    return writer.headObject(b -> b.bucket("datasets").key(key)).lastModified();
  }

  @Test
  void theFinishedCaptureFilesOfTheModelDeploymentAreDownloaded() throws Exception {
    put("capture/fraud/fraud-1-pod-a-20260101T000000Z-000000.jsonl", ROW);
    put("capture/fraud/fraud-1-pod-b-20260101T000000Z-000000.jsonl", ROW + ROW);
    put("capture/fraud/fraud-1-pod-c-20260101T000000Z-000001.jsonl.part", ROW);
    put("capture/fraud/notes.txt", "not a capture file");
    put("capture/fraud/old/fraud-1-pod-a-20250101T000000Z-000000.jsonl", ROW);
    put("capture/fraudulent/fraudulent-1-pod-a-20260101T000000Z-000000.jsonl", ROW);

    Run run = fetch(env("s3://datasets/capture/fraud/"));

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("downloaded 2 capture files").contains("3 not *.jsonl");
    try (Stream<Path> files = Files.list(dataset)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrder(
              "fraud-1-pod-a-20260101T000000Z-000000.jsonl",
              "fraud-1-pod-b-20260101T000000Z-000000.jsonl");
    }
    assertThat(dataset.resolve("fraud-1-pod-b-20260101T000000Z-000000.jsonl"))
        .hasContent(ROW + ROW);
  }

  @Test
  void objectsWrittenLongerAgoThanMaxAgeAreLeftOut() throws Exception {
    String old = "age/fraud/fraud-1-pod-a-20260101T000000Z-000000.jsonl";
    put(old, ROW);
    Instant oldWritten = lastModified(old);
    // LastModified has whole seconds: the second object must be stamped later than the first.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> Instant.now().getEpochSecond() > oldWritten.getEpochSecond() + 1);
    String recent = "age/fraud/fraud-1-pod-a-20260101T010000Z-000001.jsonl";
    put(recent, ROW);
    Duration maxAge = Duration.ofHours(1);
    Clock clock = Clock.fixed(lastModified(recent).plus(maxAge), ZoneOffset.UTC);

    DatasetDownload.Result result;
    try (S3Store store = store()) {
      result =
          new DatasetDownload(
                  store, new DatasetDownload.Caps(1 << 20, 1 << 20), Optional.of(maxAge), clock)
              .download(URI.create("s3://datasets/age/fraud/"), dataset, deadline());
    }

    assertThat(result.files()).isEqualTo(1);
    assertThat(result.tooOld()).isEqualTo(1);
    assertThat(dataset.resolve("fraud-1-pod-a-20260101T010000Z-000001.jsonl")).exists();
    assertThat(dataset.resolve("fraud-1-pod-a-20260101T000000Z-000000.jsonl")).doesNotExist();
  }

  @Test
  void aDatasetOverMaxDownloadSizeFailsBeforeAnyByteIsDownloaded() throws Exception {
    put("big/fraud/fraud-1-pod-a-20260101T000000Z-000000.jsonl", ROW.repeat(20));
    put("big/fraud/fraud-1-pod-b-20260101T000000Z-000000.jsonl", ROW.repeat(20));
    Map<String, String> env = env("s3://datasets/big/fraud/");
    env.put(DatasetBucket.MAX_BYTES, String.valueOf(ROW.length() * 30));

    Run run = fetch(env);

    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err())
        .startsWith("fetch failed: the dataset under s3://datasets/big/fraud/ is")
        .contains("more than spec.dataset.maxDownloadSize");
    assertThat(dataset).doesNotExist();
  }

  @Test
  void anObjectLargerThanACaptureFileIsRefusedByName() throws Exception {
    put("huge/fraud/fraud-1-pod-a-20260101T000000Z-000000.jsonl", ROW.repeat(10));

    try (S3Store store = store()) {
      DatasetDownload download =
          new DatasetDownload(
              store,
              new DatasetDownload.Caps(1 << 20, ROW.length() * 5L),
              Optional.empty(),
              Clock.systemUTC());
      assertThatThrownBy(
              () -> download.download(URI.create("s3://datasets/huge/fraud/"), dataset, deadline()))
          .isInstanceOf(FetchException.class)
          .hasMessageContaining("s3://datasets/huge/fraud/fraud-1-pod-a-20260101T000000Z-000000")
          .hasMessageContaining("remove it from under spec.dataset.uri");
    }
  }

  @Test
  void aMissingBucketNamesSpecDatasetUri() {
    Run run = fetch(env("s3://no-such-bucket/capture/fraud/"));

    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err())
        .contains("NoSuchBucket")
        .contains("check spec.dataset.uri and spec.dataset.s3")
        .doesNotContain("spec.model");
  }

  @Test
  void aWrongKeyIsRefusedNamingSpecDatasetAndNeverPrintingIt() throws Exception {
    // s3rver checks the access key of a signed request, not its signature.
    Files.writeString(credentials.resolve(S3Credentials.ACCESS_KEY_ID), "NOT-A-DATASET-KEY-42");
    Files.writeString(credentials.resolve(S3Credentials.SECRET_ACCESS_KEY), WRONG_SECRET);
    // The kubelet makes the termination log; the message lands there for the run's status.
    Files.createFile(dir.resolve("termination-log"));

    Run run = fetch(env("s3://datasets/capture/fraud/"));

    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err())
        .contains("InvalidAccessKeyId")
        .contains("AWS_ACCESS_KEY_ID in spec.dataset.credentialsSecret")
        .doesNotContain("NOT-A-DATASET-KEY-42")
        .doesNotContain(WRONG_SECRET);
    assertThat(Files.readString(dir.resolve("termination-log")))
        .startsWith("fetch failed: the store does not know the access key")
        .doesNotContain("NOT-A-DATASET-KEY-42");
  }

  @Test
  void aListingThatIsDeniedSaysWhichPermissionToGrant() throws Exception {
    try (S3Store store = store()) {
      String message =
          store.explain(
              URI.create("s3://datasets/capture/fraud/"),
              "datasets",
              S3ErrorsTest.refusal(403, "AccessDenied", Map.of()),
              "list",
              "s3:ListBucket");
      assertThat(message)
          .isEqualTo(
              "access to s3://datasets/capture/fraud/ denied (AccessDenied): the credentials of"
                  + " spec.dataset.credentialsSecret may not list it; grant s3:ListBucket on the"
                  + " bucket");
    }
  }

  @Test
  void aPrefixThatIsNotAnS3DirectoryIsRefused() {
    for (String prefix : List.of("s3://datasets/capture/fraud", "https://datasets/capture/")) {
      Run run = fetch(env(prefix));
      assertThat(run.code()).isEqualTo(1);
      assertThat(run.err()).contains("s3://<bucket>/<prefix>/ (from spec.dataset.uri)");
    }
  }

  private S3Store store() throws FetchException {
    Map<String, String> env = env("unused");
    env.put(S3Store.FIELD_ENV, S3Store.DATASET_FIELD);
    return S3Store.open(env, Optional.of(credentials), FetchLimits.defaults());
  }

  private static long deadline() {
    return System.nanoTime() + Duration.ofMinutes(1).toNanos();
  }
}

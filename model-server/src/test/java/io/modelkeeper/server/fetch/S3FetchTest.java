package io.modelkeeper.server.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.server.ModelServerMain;
import io.modelkeeper.server.models.SampleModels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The fetch mode against a real S3-compatible server (s3rver, which checks signatures): a model and
 * its reference from a bucket with the credentials of a mounted Secret, and each way it is refused
 * — a wrong key, a missing object or bucket, a checksum mismatch — as one line that names what to
 * fix and never a credential; and a large object streamed to disk by a fetcher with a small heap.
 */
class S3FetchTest {

  private static final byte[] MODEL = SampleModels.mlp().toOnnx("mlp", Map.of());
  private static final byte[] REFERENCE = "{\"features\": []}".getBytes(StandardCharsets.UTF_8);
  private static final String WRONG_SECRET = "wrong-secret-value-4f1c2e";

  @TempDir static Path shared;
  private static S3rver server;
  private static S3Client client;

  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeAll
  static void startStore() throws Exception {
    long started = System.nanoTime();
    server = S3rver.start(shared.resolve("s3rver"), "models");
    System.out.printf(
        "S3FetchTest: s3rver up in %d ms%n", (System.nanoTime() - started) / 1_000_000);
    client = server.client();
    put("fraud/1/model.onnx", MODEL);
    put("fraud/1/reference.json", REFERENCE);
    put("fraud/2/model.onnx", MODEL);
  }

  @AfterAll
  static void stopStore() throws Exception {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private static void put(String key, byte[] body) {
    client.putObject(b -> b.bucket("models").key(key), RequestBody.fromBytes(body));
  }

  private Path credentials;

  @BeforeEach
  void secret() throws IOException {
    credentials = Files.createDirectories(dir.resolve("secret"));
    Files.writeString(credentials.resolve(S3Credentials.ACCESS_KEY_ID), S3rver.ACCESS_KEY_ID);
    Files.writeString(
        credentials.resolve(S3Credentials.SECRET_ACCESS_KEY), S3rver.SECRET_ACCESS_KEY + "\n");
  }

  private Map<String, String> env(String uri) {
    Map<String, String> env = new HashMap<>();
    env.put("MODELKEEPER_MODEL_URI", uri);
    env.put("MODELKEEPER_MODEL_DIR", dir.resolve("models").toString());
    env.put(FetchCommand.CREDENTIALS_DIR, credentials.toString());
    env.put(S3Store.ENDPOINT_ENV, server.endpoint());
    env.put(S3Store.REGION_ENV, "us-east-1");
    env.put(S3Store.PATH_STYLE_ENV, "true");
    return env;
  }

  private int fetch(Map<String, String> env) {
    FetchCommand command = new FetchCommand(ModelFetcher::new, dir.resolve("no-termination-log"));
    return command.run(
        env,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String lastErrorLine() {
    String[] lines = err.toString(StandardCharsets.UTF_8).split("\n");
    return lines[lines.length - 1];
  }

  @Test
  void aModelAndItsReferenceComeFromTheBucketWithTheSecretsCredentials() throws Exception {
    Map<String, String> env = env("s3://models/fraud/1/model.onnx");
    env.put("MODELKEEPER_MODEL_SHA256", sha256(MODEL));
    env.put("MODELKEEPER_REFERENCE_SHA256", sha256(REFERENCE));

    assertThat(fetch(env)).as(err.toString(StandardCharsets.UTF_8)).isZero();

    assertThat(dir.resolve("models/model.onnx")).hasBinaryContent(MODEL);
    assertThat(dir.resolve("models/reference.json")).hasBinaryContent(REFERENCE);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("fetched s3://models/fraud/1/model.onnx");
  }

  @Test
  void aModelWithoutAReferenceIsFetchedAlone() {
    assertThat(fetch(env("s3://models/fraud/2/model.onnx"))).isZero();
    assertThat(dir.resolve("models/model.onnx")).hasBinaryContent(MODEL);
    assertThat(dir.resolve("models/reference.json")).doesNotExist();
  }

  @Test
  void aWrongKeyIsRefusedNamingTheSecretsKeyAndNeverPrintingIt() throws Exception {
    // s3rver checks a SigV4 request's access key, not its signature: S3ErrorsTest covers
    // SignatureDoesNotMatch.
    Files.writeString(credentials.resolve(S3Credentials.ACCESS_KEY_ID), "NOT-A-KEY-7731");
    Files.writeString(credentials.resolve(S3Credentials.SECRET_ACCESS_KEY), WRONG_SECRET);

    assertThat(fetch(env("s3://models/fraud/1/model.onnx"))).isEqualTo(1);

    assertThat(lastErrorLine())
        .startsWith("fetch failed: ")
        .contains("InvalidAccessKeyId")
        .contains("AWS_ACCESS_KEY_ID in spec.model.credentialsSecret");
    assertThat(out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8))
        .doesNotContain("NOT-A-KEY-7731")
        .doesNotContain(WRONG_SECRET);
    assertThat(dir.resolve("models/model.onnx")).doesNotExist();
  }

  /**
   * Without a Secret the SDK's default chain signs: here its first link, the JVM's system
   * properties, stands for the pod's identity.
   */
  @Test
  void withoutASecretTheDefaultCredentialsChainSigns() {
    Map<String, String> env = env("s3://models/fraud/1/model.onnx");
    env.remove(FetchCommand.CREDENTIALS_DIR);
    try {
      System.setProperty("aws.accessKeyId", S3rver.ACCESS_KEY_ID);
      System.setProperty("aws.secretAccessKey", S3rver.SECRET_ACCESS_KEY);
      assertThat(fetch(env)).as(err.toString(StandardCharsets.UTF_8)).isZero();
      assertThat(dir.resolve("models/model.onnx")).hasBinaryContent(MODEL);

      System.setProperty("aws.accessKeyId", "NOT-A-ROLE-KEY");
      assertThat(fetch(env)).isEqualTo(1);
      assertThat(lastErrorLine())
          .contains("the store refused the credentials of the pod's identity (InvalidAccessKeyId")
          .contains("spec.serving.serviceAccountName");
    } finally {
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
    }
  }

  @Test
  void aSecretWithoutTheKeysIsRefusedBeforeAnyRequest() throws Exception {
    Files.delete(credentials.resolve(S3Credentials.ACCESS_KEY_ID));

    assertThat(fetch(env("s3://models/fraud/1/model.onnx"))).isEqualTo(1);

    assertThat(lastErrorLine())
        .contains("spec.model.credentialsSecret")
        .contains("AWS_ACCESS_KEY_ID is missing");
  }

  @Test
  void aMissingObjectOrBucketIsNamed() {
    assertThat(fetch(env("s3://models/fraud/9/model.onnx"))).isEqualTo(1);
    assertThat(lastErrorLine())
        .contains("no object s3://models/fraud/9/model.onnx (NoSuchKey)")
        .contains("spec.model.uri");

    assertThat(fetch(env("s3://no-such-bucket/fraud/1/model.onnx"))).isEqualTo(1);
    assertThat(lastErrorLine())
        .contains("bucket 'no-such-bucket' does not exist at " + server.endpoint())
        .contains("NoSuchBucket");
  }

  @Test
  void aChecksumMismatchIsRefusedAndLeavesNoFile() {
    Map<String, String> env = env("s3://models/fraud/1/model.onnx");
    env.put("MODELKEEPER_MODEL_SHA256", "0".repeat(64));

    assertThat(fetch(env)).isEqualTo(1);

    assertThat(lastErrorLine())
        .contains("sha256 mismatch for s3://models/fraud/1/model.onnx")
        .contains("expected " + "0".repeat(64) + ", got " + sha256(MODEL));
    assertThat(dir.resolve("models/model.onnx")).doesNotExist();
    assertThat(dir.resolve("models/model.onnx.part")).doesNotExist();
  }

  @Test
  void aReferenceWithAChecksumMustBeInTheBucket() {
    Map<String, String> env = env("s3://models/fraud/2/model.onnx");
    env.put("MODELKEEPER_REFERENCE_SHA256", sha256(REFERENCE));

    assertThat(fetch(env)).isEqualTo(1);

    assertThat(lastErrorLine())
        .contains("no object s3://models/fraud/2/reference.json (NoSuchKey)");
  }

  @Test
  void anUnreachableStoreNamesTheEndpointSetting() {
    Map<String, String> env = env("s3://models/fraud/1/model.onnx");
    env.put(S3Store.ENDPOINT_ENV, "http://127.0.0.1:1");
    env.put("MODELKEEPER_FETCH_CONNECT_TIMEOUT", "2s");

    assertThat(fetch(env)).isEqualTo(1);

    assertThat(lastErrorLine())
        .contains("cannot reach the store at http://127.0.0.1:1")
        .contains("spec.model.s3.endpoint");
  }

  /**
   * 200 MB (a small model followed by a field ONNX readers skip) fetched by a JVM with a 64 MB
   * heap: it can only succeed by streaming.
   */
  @Test
  void aLargeObjectIsStreamedByAFetcherWithASmallHeap() throws Exception {
    long size = 200L << 20;
    Path large = dir.resolve("large.onnx");
    String sha = writeLargeModel(large, size);
    long started = System.nanoTime();
    client.putObject(b -> b.bucket("models").key("large/model.onnx"), RequestBody.fromFile(large));
    long uploaded = System.nanoTime();
    Files.delete(large);

    Map<String, String> env = env("s3://models/large/model.onnx");
    env.put("MODELKEEPER_MODEL_SHA256", sha);
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx64m",
            "-cp",
            System.getProperty("java.class.path"),
            ModelServerMain.class.getName(),
            "fetch");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
    long fetched = System.nanoTime();

    assertThat(process.exitValue()).as(output).isZero();
    assertThat(Files.size(dir.resolve("models/model.onnx"))).isGreaterThanOrEqualTo(size);
    assertThat(output).doesNotContain("OutOfMemoryError");
    System.out.printf(
        "S3FetchTest: %d MB uploaded in %d ms, fetched at -Xmx64m in %d ms%n",
        size >> 20, (uploaded - started) / 1_000_000, (fetched - uploaded) / 1_000_000);
  }

  /** The sample model and then one length-delimited field of {@code size} zero bytes. */
  private static String writeLargeModel(Path file, long size) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (OutputStream raw = Files.newOutputStream(file);
        OutputStream out = new java.security.DigestOutputStream(raw, digest)) {
      out.write(MODEL);
      int field = 1000;
      writeVarint(out, ((long) field << 3) | 2);
      writeVarint(out, size);
      byte[] zeros = new byte[1 << 20];
      for (long left = size; left > 0; left -= zeros.length) {
        out.write(zeros, 0, (int) Math.min(left, zeros.length));
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static void writeVarint(OutputStream out, long value) throws IOException {
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

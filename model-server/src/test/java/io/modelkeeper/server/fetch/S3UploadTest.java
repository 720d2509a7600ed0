package io.modelkeeper.server.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelkeeper.contract.TrainingContract;
import io.modelkeeper.server.models.SampleModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A retraining run's results written to spec.output.uri against a real S3-compatible server
 * (s3rver): uploaded with the keys of spec.output.credentialsSecret and read back byte for byte,
 * fetched as the evaluator's candidate with its sha256 checked, and each refusal as a message
 * naming the spec.output field and never a credential.
 */
class S3UploadTest {

  private static final byte[] MODEL = SampleModels.mlp().toOnnx("mlp", Map.of());
  private static final String WRONG_SECRET = "wrong-output-secret-93ab1";

  @TempDir static Path shared;
  private static S3rver server;
  private static S3Client reader;

  @TempDir Path dir;
  private Path results;
  private Path credentials;

  @BeforeAll
  static void startStore() throws Exception {
    server = S3rver.start(shared.resolve("s3rver"), "models");
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

  @BeforeEach
  void runResults() throws Exception {
    results = Files.createDirectories(dir.resolve("output"));
    Files.write(results.resolve(TrainingContract.MODEL_FILE), MODEL);
    Files.writeString(results.resolve(TrainingContract.MODEL_SHA256_FILE), sha256(MODEL));
    Files.writeString(results.resolve(TrainingContract.REFERENCE_FILE), "{\"features\": []}");
    Files.writeString(results.resolve(TrainingContract.METRICS_FILE), "{\"val_loss\": 0.3}");
    credentials = Files.createDirectories(dir.resolve("secret"));
    Files.writeString(credentials.resolve(S3Credentials.ACCESS_KEY_ID), S3rver.ACCESS_KEY_ID);
    Files.writeString(
        credentials.resolve(S3Credentials.SECRET_ACCESS_KEY), S3rver.SECRET_ACCESS_KEY);
  }

  private Map<String, String> env(String prefix) {
    Map<String, String> env = new HashMap<>();
    env.put(S3Upload.OUTPUT_URI, prefix);
    env.put(S3Upload.CREDENTIALS_DIR, credentials.toString());
    env.put(S3Store.ENDPOINT_ENV, server.endpoint());
    env.put(S3Store.PATH_STYLE_ENV, "true");
    return env;
  }

  private List<URI> upload(Map<String, String> env) throws FetchException {
    return S3Upload.upload(
        env,
        S3Upload.target(env).orElseThrow(),
        results,
        List.of(
            TrainingContract.REFERENCE_FILE,
            TrainingContract.METRICS_FILE,
            TrainingContract.MODEL_SHA256_FILE,
            TrainingContract.MODEL_FILE));
  }

  @Test
  void theResultsAreUploadedUnderTheRunsPrefixAndReadBackAsWritten() throws Exception {
    List<URI> written = upload(env("s3://models/fraud/retrained/fraud-r3/"));

    assertThat(written)
        .extracting(URI::toString)
        .containsExactly(
            "s3://models/fraud/retrained/fraud-r3/reference.json",
            "s3://models/fraud/retrained/fraud-r3/metrics.json",
            "s3://models/fraud/retrained/fraud-r3/model.onnx.sha256",
            "s3://models/fraud/retrained/fraud-r3/model.onnx");
    assertThat(read("fraud/retrained/fraud-r3/model.onnx")).isEqualTo(MODEL);
    assertThat(new String(read("fraud/retrained/fraud-r3/metrics.json"), StandardCharsets.UTF_8))
        .isEqualTo("{\"val_loss\": 0.3}");
  }

  /** What the evaluation pod's candidate fetch and the candidate's model pods then do. */
  @Test
  void theUploadedCandidateIsFetchedWithItsChecksumAndReference() throws Exception {
    upload(env("s3://models/fraud/retrained/fraud-r4/"));
    Map<String, String> env = new HashMap<>(env("unused"));
    env.remove(S3Upload.OUTPUT_URI);
    env.put("MODELKEEPER_MODEL_URI", "s3://models/fraud/retrained/fraud-r4/model.onnx");
    env.put("MODELKEEPER_MODEL_SHA256", sha256(MODEL));
    env.put("MODELKEEPER_MODEL_DIR", dir.resolve("candidate").toString());
    env.put(FetchCommand.CREDENTIALS_DIR, env.remove(S3Upload.CREDENTIALS_DIR));
    env.put(S3Store.FIELD_ENV, "spec.output");
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int code =
        new FetchCommand(ModelFetcher::new, dir.resolve("no-termination-log"))
            .run(env, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true));

    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(dir.resolve("candidate/model.onnx")).hasBinaryContent(MODEL);
    assertThat(dir.resolve("candidate/reference.json")).hasContent("{\"features\": []}");
  }

  @Test
  void aCandidateFetchNamesSpecOutputWhenTheObjectIsMissing() {
    Map<String, String> env = new HashMap<>(env("unused"));
    env.put("MODELKEEPER_MODEL_URI", "s3://models/fraud/retrained/never/model.onnx");
    env.put("MODELKEEPER_MODEL_DIR", dir.resolve("candidate").toString());
    env.put(FetchCommand.CREDENTIALS_DIR, credentials.toString());
    env.put(S3Store.FIELD_ENV, "spec.output");
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int code =
        new FetchCommand(ModelFetcher::new, dir.resolve("no-termination-log"))
            .run(env, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true));

    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("NoSuchKey")
        .contains("check spec.output.uri")
        .doesNotContain("spec.model");
  }

  @Test
  void aWrongKeyIsRefusedNamingSpecOutputAndNeverPrintingIt() throws Exception {
    // s3rver checks the access key of a signed request, not its signature.
    Files.writeString(credentials.resolve(S3Credentials.ACCESS_KEY_ID), "NOT-AN-OUTPUT-KEY-55");
    Files.writeString(credentials.resolve(S3Credentials.SECRET_ACCESS_KEY), WRONG_SECRET);

    assertThatThrownBy(() -> upload(env("s3://models/fraud/retrained/fraud-r5/")))
        .isInstanceOf(FetchException.class)
        .hasMessageContaining("InvalidAccessKeyId")
        .hasMessageContaining("AWS_ACCESS_KEY_ID in spec.output.credentialsSecret")
        .hasMessageNotContaining("NOT-AN-OUTPUT-KEY-55")
        .hasMessageNotContaining(WRONG_SECRET);
  }

  @Test
  void aMissingBucketNamesSpecOutputUri() {
    assertThatThrownBy(() -> upload(env("s3://no-such-bucket/fraud/fraud-r6/")))
        .isInstanceOf(FetchException.class)
        .hasMessageContaining("NoSuchBucket")
        .hasMessageContaining("check spec.output.uri and spec.output.s3");
  }

  @Test
  void aSecretWithoutTheKeysIsRefusedNamingSpecOutput() throws Exception {
    Files.delete(credentials.resolve(S3Credentials.SECRET_ACCESS_KEY));

    assertThatThrownBy(() -> upload(env("s3://models/fraud/retrained/fraud-r7/")))
        .isInstanceOf(FetchException.class)
        .hasMessageContaining("spec.output.credentialsSecret")
        .hasMessageContaining("AWS_SECRET_ACCESS_KEY is missing");
  }

  @Test
  void aPrefixThatIsNotAnS3DirectoryIsRefused() {
    assertThatThrownBy(() -> S3Upload.target(Map.of(S3Upload.OUTPUT_URI, "s3://models/fraud")))
        .isInstanceOf(FetchException.class)
        .hasMessageContaining("s3://<bucket>/<prefix>/<run>/");
    assertThatThrownBy(
            () -> S3Upload.target(Map.of(S3Upload.OUTPUT_URI, "https://models.example/fraud/")))
        .isInstanceOf(FetchException.class);
  }

  private static byte[] read(String key) {
    return reader.getObjectAsBytes(b -> b.bucket("models").key(key)).asByteArray();
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}

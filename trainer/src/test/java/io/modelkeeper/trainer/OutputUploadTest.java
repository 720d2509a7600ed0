package io.modelkeeper.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.contract.TrainingContract;
import io.modelkeeper.trainer.support.Captured;
import io.modelkeeper.trainer.support.Runs;
import io.modelkeeper.trainer.support.Synthetic;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With spec.output.uri the trainer uploads its results after training: a store it cannot reach or a
 * prefix that is not s3:// fails the run with one line naming the spec.output field, never the
 * Secret's values (S3UploadTest covers the upload itself against a real S3-compatible server).
 */
class OutputUploadTest {
  private static final String ACCESS_KEY = "AKIAOUTPUTTEST0001";
  private static final String SECRET_KEY = "output-secret-key-must-not-print-77";

  @TempDir Path dir;

  @Test
  void anUnreachableStoreFailsTheRunNamingSpecOutputAndNoKey() throws Exception {
    Map<String, String> env = trained();
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    env.put(TrainingContract.OUTPUT_URI, "s3://models/fraud/fraud-r3/");
    env.put("MODELKEEPER_S3_ENDPOINT", "http://127.0.0.1:" + port);
    env.put("MODELKEEPER_S3_PATH_STYLE", "true");
    Path secret = Files.createDirectories(dir.resolve("secret"));
    Files.writeString(secret.resolve("AWS_ACCESS_KEY_ID"), ACCESS_KEY);
    Files.writeString(secret.resolve("AWS_SECRET_ACCESS_KEY"), SECRET_KEY);
    env.put(TrainingContract.OUTPUT_CREDENTIALS_DIR, secret.toString());

    Runs.Run run = Runs.run("train", env);

    assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
    assertThat(run.termination())
        .startsWith("train: upload to spec.output.uri failed: cannot reach the store at")
        .contains("check spec.output.s3.endpoint");
    assertThat(run.out() + run.err() + run.termination())
        .doesNotContain(ACCESS_KEY)
        .doesNotContain(SECRET_KEY);
    assertThat(dir.resolve("out").resolve(TrainingContract.MODEL_FILE))
        .as("the results are written locally before the upload")
        .exists();
  }

  @Test
  void aPrefixThatIsNotS3IsRefusedNamingIt() throws Exception {
    Map<String, String> env = trained();
    env.put(TrainingContract.OUTPUT_URI, "https://models.example.com/fraud/");

    Runs.Run run = Runs.run("train", env);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.termination())
        .contains("MODELKEEPER_OUTPUT_URI must be s3://<bucket>/<prefix>/<run>/");
  }

  @Test
  void withoutAnOutputUriNothingIsUploaded() throws Exception {
    Runs.Run run = Runs.run("train", trained());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err()).doesNotContain("uploaded");
  }

  private Map<String, String> trained() throws Exception {
    Captured.write(
        dir.resolve("data"),
        "input",
        Synthetic.logistic(new double[] {1, -1, 0.5, 0, 0, 0.2, 0, 0}, 0, 400, 1));
    return Runs.env("binary-classification", dir.resolve("data"), dir.resolve("out"));
  }
}

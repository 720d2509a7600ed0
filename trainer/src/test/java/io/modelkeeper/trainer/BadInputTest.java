package io.modelkeeper.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.contract.TrainingContract;
import io.modelkeeper.server.models.SampleModels;
import io.modelkeeper.trainer.support.Captured;
import io.modelkeeper.trainer.support.Captured.Row;
import io.modelkeeper.trainer.support.Runs;
import io.modelkeeper.trainer.support.Synthetic;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input gets a clear one-line error on stderr and in the termination log, and exit code 1; a
 * torn last line is skipped, and files are only read.
 */
class BadInputTest {
  static final double[] WEIGHTS = {1, -1, 0.5, 0, 0, 0.2, 0, 0};

  @TempDir Path dir;

  @Test
  void noRows() throws Exception {
    Files.createDirectories(dir.resolve("data"));
    assertFails(env("binary-classification"), "no rows in");
  }

  @Test
  void noDatasetDirectory() throws Exception {
    assertFails(env("binary-classification"), "does not exist");
  }

  @Test
  void tooFewRows() throws Exception {
    Captured.write(dir.resolve("data"), "input", Synthetic.logistic(WEIGHTS, 0, 12, 1));
    assertFails(env("binary-classification"), "too few rows to train on");
  }

  @Test
  void rowsOfAnotherShapeThanTheBaseModel() throws Exception {
    List<Row> rows = Synthetic.logistic(new double[] {1, 2, 3, 4, 5, 6, 7}, 0, 100, 2);
    Captured.write(dir.resolve("data"), "input", rows);
    Map<String, String> env = env("binary-classification");
    env.put(TrainingContract.BASE_MODEL, sampleBase().toString());
    assertFails(env, "input 'input' has 7 values, the model takes 8 per row");
  }

  @Test
  void labelsOfTheWrongKind() throws Exception {
    List<Row> rows = new ArrayList<>(Synthetic.logistic(WEIGHTS, 0, 100, 3));
    rows.add(new Row("odd", new float[8], 0.5));
    Captured.write(dir.resolve("data"), "input", rows);
    assertFails(env("binary-classification"), "label 0.5 is not a class of this");
  }

  @Test
  void aClassOutsideTheBaseModelsClasses() throws Exception {
    List<Row> rows = new ArrayList<>(Synthetic.logistic(WEIGHTS, 0, 100, 4));
    rows.add(new Row("three", new float[8], 3));
    Captured.write(dir.resolve("data"), "input", rows);
    assertFails(env("binary-classification"), "label 3 is not a class");
  }

  @Test
  void anUnreadableBaseModel() throws Exception {
    Captured.write(dir.resolve("data"), "input", Synthetic.logistic(WEIGHTS, 0, 100, 5));
    Path base = dir.resolve("base.onnx");
    Files.writeString(base, "not a model");
    Map<String, String> env = env("binary-classification");
    env.put(TrainingContract.BASE_MODEL, base.toString());
    env.put(TrainingContract.TRAINING_MODE, "incremental");
    assertFails(env, "is not a model ONNX Runtime loads");
  }

  @Test
  void aBaseModelOfAnotherTask() throws Exception {
    Captured.write(dir.resolve("data"), "input", Synthetic.logistic(WEIGHTS, 0, 100, 6));
    Map<String, String> env = env("multiclass-classification");
    env.put(TrainingContract.BASE_MODEL, sampleBase().toString());
    assertFails(env, "is MODELKEEPER_TASK right?");
  }

  @Test
  void badSettingsNameTheirVariable() throws Exception {
    Map<String, String> env = env("binary-classification");
    env.put("MODELKEEPER_PARAM_EPOCHS", "many");
    assertFails(env, "MODELKEEPER_PARAM_EPOCHS must be a whole number");
    env = env("binary-classification");
    env.put("MODELKEEPER_PARAM_MOMENTUM", "0.9");
    assertFails(env, "unknown hyperparameter 'momentum'");
    env = env("ranking");
    assertFails(env, "MODELKEEPER_TASK must be one of");
    env = env("binary-classification");
    env.put(TrainingContract.TRAINING_MODE, "incremental");
    assertFails(env, "incremental training starts from the serving model");
  }

  @Test
  void evaluatorErrors() throws Exception {
    Captured.write(dir.resolve("data"), "input", Synthetic.logistic(WEIGHTS, 0, 200, 7));
    Map<String, String> env = env("binary-classification");
    env.put(TrainingContract.CANDIDATE_MODEL, dir.resolve("missing.onnx").toString());
    Runs.Run run = Runs.run("evaluate", env);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("the candidate").contains("is not a model ONNX Runtime loads");

    env.put(TrainingContract.CANDIDATE_MODEL, sampleBase().toString());
    env.put(TrainingContract.VALIDATION_METRIC, "rmse");
    run = Runs.run("evaluate", env);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("MODELKEEPER_VALIDATION_METRIC must be one of accuracy");
  }

  @Test
  void aWrongCommandLineExitsTwo() throws Exception {
    Runs.Run run = Runs.run("fit", env("binary-classification"));
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).startsWith("usage:");
  }

  @Test
  void anUnwritableTerminationLogIsNotAnError() throws Exception {
    Captured.write(dir.resolve("data"), "input", Synthetic.logistic(WEIGHTS, 0, 200, 8));
    Map<String, String> env = env("binary-classification");
    env.put("MODELKEEPER_TERMINATION_LOG", dir.resolve("no/such/dir/log").toString());
    Runs.Run run = Runs.run("train", env);
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("\"sha256\"");
  }

  @Test
  void aTornLastLineIsSkippedAndFilesAreOnlyRead() throws Exception {
    Path data = dir.resolve("data");
    Captured.write(data, "input", Synthetic.logistic(WEIGHTS, 0, 300, 9));
    Path finished;
    try (Stream<Path> files = Files.list(data)) {
      finished = files.filter(f -> f.toString().endsWith(".jsonl")).findFirst().orElseThrow();
    }
    // A pod that is gone left a .part file: whole lines, then half a line.
    Path part = data.resolve("model-1-gone-pod-20260101T000000Z-000000.jsonl.part");
    List<String> lines = Files.readAllLines(finished);
    Files.writeString(part, String.join("\n", lines.subList(0, 50)) + "\n");
    Files.writeString(
        part, lines.get(50).substring(0, 40), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    byte[] before = Files.readAllBytes(part);

    Runs.Run run = Runs.run("train", env("binary-classification"));

    assertThat(run.exitCode()).as(run.err()).isZero();
    int rows =
        run.summary().get("rows").get("training").asInt()
            + run.summary().get("rows").get("heldOut").asInt();
    assertThat(rows).isEqualTo(300 + 50);
    assertThat(Files.readAllBytes(part)).isEqualTo(before);
  }

  @Test
  void rowsOlderThanTheMaximumAgeAreLeftOut() throws Exception {
    List<Row> rows = new ArrayList<>();
    for (Row row : Synthetic.logistic(WEIGHTS, 0, 200, 10)) {
      boolean old = rows.size() % 2 == 0;
      rows.add(
          new Row(
              row.id(),
              0,
              row.features(),
              row.label(),
              old ? Instant.now().minus(40, ChronoUnit.DAYS) : Instant.now()));
    }
    Captured.write(dir.resolve("data"), "input", rows);
    Map<String, String> env = env("binary-classification");
    env.put(TrainingContract.MAX_ROW_AGE, "30d");
    Runs.Run run = Runs.run("train", env);
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(
            run.summary().get("rows").get("training").asInt()
                + run.summary().get("rows").get("heldOut").asInt())
        .isEqualTo(100);
  }

  private Map<String, String> env(String task) {
    return Runs.env(task, dir.resolve("data"), dir.resolve("out"));
  }

  private Path sampleBase() throws Exception {
    Path base = dir.resolve("base/model.onnx");
    Files.createDirectories(base.getParent());
    Files.write(base, SampleModels.logisticRegression().toOnnx("logistic_regression", Map.of()));
    return base;
  }

  private static void assertFails(Map<String, String> env, String message) throws Exception {
    Runs.Run run = Runs.run("train", env);
    assertThat(run.exitCode()).as(run.out()).isEqualTo(1);
    assertThat(run.err()).contains(message);
    assertThat(run.err().strip()).doesNotContain("\n");
    assertThat(run.termination()).isEqualTo(run.err().strip());
  }
}

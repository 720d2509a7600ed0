package io.modelkeeper.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.contract.TrainingContract;
import io.modelkeeper.server.drift.ReferenceStatistics;
import io.modelkeeper.server.models.SampleModelWriter;
import io.modelkeeper.server.models.SampleModels;
import io.modelkeeper.server.onnx.ModelRunner;
import io.modelkeeper.trainer.dataset.Rows;
import io.modelkeeper.trainer.evaluate.SignatureCheck;
import io.modelkeeper.trainer.support.Captured;
import io.modelkeeper.trainer.support.Captured.Row;
import io.modelkeeper.trainer.support.Onnx;
import io.modelkeeper.trainer.support.Runs;
import io.modelkeeper.trainer.support.Synthetic;
import io.modelkeeper.trainer.train.Predictions;
import io.modelkeeper.trainer.train.TrainCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The written model keeps the base model's signature and metadata, loads in the model server's own
 * runner, and gives the trainer's own predictions to 1e-5; its sha256 file and reference are right.
 */
class WrittenModelTest {
  @TempDir Path dir;

  @Test
  void incrementalFromTheSampleLogisticRegressionKeepsItsSignature() throws Exception {
    Path base = dir.resolve("base/model.onnx");
    Files.createDirectories(base.getParent());
    Files.write(
        base,
        SampleModels.logisticRegression()
            .toOnnx("logistic_regression", Map.of(ModelRunner.ALLOW_NAN_KEY, "false")));
    List<Row> rows = Synthetic.logistic(new double[] {1, -1, 0.5, 0, 0, 0.2, 0, 0}, 0.1, 1500, 3);
    Map<String, String> env = env("binary-classification", rows, base, "incremental");

    TrainCommand.Outcome outcome = train(env);

    assertThat(outcome.mode()).isEqualTo("incremental");
    assertThat(outcome.fallback()).isEmpty();
    assertSameSignature(base, outcome.model());
    assertServesTrainerPredictions(outcome, rows);
    assertThat(Files.readString(outcome.model().resolveSibling("model.onnx.sha256")))
        .isEqualTo(SampleModelWriter.sha256(Files.readAllBytes(outcome.model())));
    ReferenceStatistics reference =
        ReferenceStatistics.read(outcome.model().resolveSibling(TrainingContract.REFERENCE_FILE));
    assertThat(reference.features()).hasSize(8);
    assertThat(reference.features().get(0).input()).isEqualTo("input");
    assertThat(reference.prediction()).isNotNull();
  }

  @Test
  void multiclassMlpFromTheSampleMlpKeepsItsSignature() throws Exception {
    Path base = dir.resolve("base/model.onnx");
    Files.createDirectories(base.getParent());
    Files.write(base, SampleModels.mlp().toOnnx("mlp", Map.of()));
    List<Row> rows =
        Synthetic.blobs(900, 5).stream()
            .map(r -> new Row(r.id(), pad(r.features(), 16), r.label()))
            .toList();
    Map<String, String> env = env("multiclass-classification", rows, base, "incremental");

    TrainCommand.Outcome outcome = train(env);

    assertThat(outcome.network().hidden()).containsExactly(32);
    assertSameSignature(base, outcome.model());
    assertServesTrainerPredictions(outcome, rows);
    assertThat(outcome.metrics().get("accuracy")).isGreaterThan(0.8);
  }

  @Test
  void regressionWithoutBaseNamesItsOutputPrediction() throws Exception {
    List<Row> rows = Synthetic.linear(new double[] {2, -3, 0.5}, 40, 1, 1200, 11);
    Map<String, String> env = env("regression", rows, null, "full");

    TrainCommand.Outcome outcome = train(env);

    try (ModelRunner runner = ModelRunner.open(outcome.model(), false, w -> {})) {
      assertThat(runner.signature().inputs().get(0).name()).isEqualTo("input");
      assertThat(runner.signature().outputs().get(0).name()).isEqualTo("prediction");
      assertThat(runner.signature().outputs().get(0).shape()).containsExactly(-1, 1);
    }
    assertServesTrainerPredictions(outcome, rows);
    assertThat(outcome.metrics().get("r2")).isGreaterThan(0.95);
  }

  @Test
  void theSameSeedWritesTheSameBytes() throws Exception {
    List<Row> rows = Synthetic.xor(600, 2);
    Map<String, String> env = env("binary-classification", rows, null, "full");
    env.put("MODELKEEPER_PARAM_HIDDEN_UNITS", "8");
    env.put(TrainingContract.SEED, "9");
    String first = train(env).sha256();
    env.put(TrainingContract.OUTPUT_DIR, dir.resolve("again").toString());
    assertThat(train(env).sha256()).isEqualTo(first);
    env.put(TrainingContract.SEED, "10");
    env.put(TrainingContract.OUTPUT_DIR, dir.resolve("other").toString());
    assertThat(train(env).sha256()).isNotEqualTo(first);
  }

  private Map<String, String> env(String task, List<Row> rows, Path base, String mode)
      throws Exception {
    Path data = dir.resolve("data");
    Captured.write(data, "input", rows);
    Map<String, String> env = Runs.env(task, data, dir.resolve("out"));
    if (base != null) {
      env.put(TrainingContract.BASE_MODEL, base.toString());
    }
    env.put(TrainingContract.TRAINING_MODE, mode);
    return env;
  }

  private static TrainCommand.Outcome train(Map<String, String> env) {
    return TrainCommand.run(
        new Environment(env),
        Clock.systemUTC(),
        new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(new ByteArrayOutputStream()));
  }

  private static void assertSameSignature(Path base, Path trained) throws Exception {
    try (ModelRunner before = ModelRunner.open(base, false, w -> {});
        ModelRunner after = ModelRunner.open(trained, false, w -> {})) {
      assertThat(SignatureCheck.difference(before.signature(), after.signature())).isEmpty();
      assertThat(after.signature().allowsNaN()).isEqualTo(before.signature().allowsNaN());
      assertThat(after.signature().batchable()).isEqualTo(before.signature().batchable());
    }
  }

  /** ONNX Runtime's outputs of the file equal the trainer's double-precision predictions. */
  private static void assertServesTrainerPredictions(TrainCommand.Outcome outcome, List<Row> rows)
      throws Exception {
    Rows all = new Rows(rows.get(0).features().length);
    for (Row row : rows) {
      all.add(row.features(), row.label().doubleValue());
    }
    Predictions own =
        Predictions.of(outcome.network(), outcome.shape().output(), outcome.scaling(), all);
    float[] served = Onnx.outputs(outcome.model(), outcome.shape().inputName(), rows);
    int width = outcome.shape().output().width();
    for (int r = 0; r < rows.size(); r++) {
      for (int c = 0; c < width; c++) {
        double expected;
        if (own.values() != null) {
          expected = own.values()[r];
        } else if (outcome.shape().output().singleLogit()) {
          expected = own.probabilities()[2 * r + 1];
        } else {
          expected = own.probabilities()[r * width + c];
        }
        assertThat((double) served[r * width + c])
            .as("row %d output %d", r, c)
            .isCloseTo(
                expected,
                org.assertj.core.data.Offset.offset(1e-5 * Math.max(1, Math.abs(expected))));
      }
    }
  }

  private static float[] pad(float[] values, int width) {
    float[] padded = new float[width];
    System.arraycopy(values, 0, padded, 0, values.length);
    for (int i = values.length; i < width; i++) {
      padded[i] = (float) Math.sin(i * values[0]);
    }
    return padded;
  }
}

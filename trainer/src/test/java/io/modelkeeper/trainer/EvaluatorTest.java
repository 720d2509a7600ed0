package io.modelkeeper.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import io.modelkeeper.contract.Holdout;
import io.modelkeeper.contract.TrainingContract;
import io.modelkeeper.server.models.DenseNetwork;
import io.modelkeeper.server.models.SampleModels;
import io.modelkeeper.trainer.support.Captured;
import io.modelkeeper.trainer.support.Captured.Row;
import io.modelkeeper.trainer.support.Runs;
import io.modelkeeper.trainer.support.Synthetic;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluator's figures equal an independent computation on the same held-out rows (ONNX Runtime
 * called directly, metrics written out here), it blesses the better model, and never blesses a
 * candidate with another signature.
 */
class EvaluatorTest {
  static final double[] WEIGHTS = {1.5, -2.0, 0.8, 0.0, 0.5, -1.0, 0.0, 0.3};

  @TempDir Path dir;

  @Test
  void classificationFiguresEqualAnIndependentComputation() throws Exception {
    List<Row> rows = Synthetic.logistic(WEIGHTS, -0.2, 3000, 17);
    Path data = dir.resolve("data");
    Captured.write(data, "input", rows);
    Path candidate = train("binary-classification", data, "candidate", "30");
    Path serving = train("binary-classification", data, "serving", "1");

    Runs.Run run = evaluate("binary-classification", data, candidate, serving, "log_loss");

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode blessing = Runs.json(dir.resolve("verdict/blessing.json"));
    List<Row> heldOut = heldOut(rows);
    assertThat(blessing.get("rows").get("heldOut").asInt()).isEqualTo(heldOut.size());
    assertBinaryFigures(blessing.get("candidate"), candidate, heldOut);
    assertBinaryFigures(blessing.get("serving"), serving, heldOut);
    assertThat(blessing.get("passed").asBoolean()).isTrue();
    assertThat(blessing.get("delta").asDouble())
        .isCloseTo(
            blessing.get("serving").get("log_loss").asDouble()
                - blessing.get("candidate").get("log_loss").asDouble(),
            offset(1e-12));
    assertThat(run.summary().get("passed").asBoolean()).isTrue();
    assertThat(run.summary().get("signatureMatches").asBoolean()).isTrue();

    Runs.Run swapped = evaluate("binary-classification", data, serving, candidate, "log_loss");
    assertThat(swapped.exitCode()).as("not blessed is a verdict, not an error").isZero();
    assertThat(swapped.summary().get("passed").asBoolean()).isFalse();
    assertThat(swapped.summary().get("reason").asText()).contains("not better");
  }

  @Test
  void regressionFiguresEqualAnIndependentComputation() throws Exception {
    List<Row> rows = Synthetic.linear(new double[] {2, -3, 0.5}, 40, 2, 2000, 23);
    Path data = dir.resolve("data");
    Captured.write(data, "input", rows);
    Path candidate = train("regression", data, "candidate", "20");

    Runs.Run run = evaluate("regression", data, candidate, null, "rmse");

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode figures = Runs.json(dir.resolve("verdict/blessing.json")).get("candidate");
    List<Row> heldOut = heldOut(rows);
    float[] predicted = run(candidate, heldOut);
    double absolute = 0;
    double squared = 0;
    double mean =
        heldOut.stream().mapToDouble(r -> r.label().doubleValue()).average().orElseThrow();
    double total = 0;
    for (int r = 0; r < heldOut.size(); r++) {
      double y = heldOut.get(r).label().doubleValue();
      absolute += Math.abs(predicted[r] - y);
      squared += (predicted[r] - y) * (predicted[r] - y);
      total += (y - mean) * (y - mean);
    }
    int n = heldOut.size();
    assertThat(figures.get("mae").asDouble()).isCloseTo(absolute / n, offset(1e-9));
    assertThat(figures.get("rmse").asDouble()).isCloseTo(Math.sqrt(squared / n), offset(1e-9));
    assertThat(figures.get("r2").asDouble()).isCloseTo(1 - squared / total, offset(1e-9));
    assertThat(run.summary().get("reason").asText()).startsWith("no baseline: only minValue");
    assertThat(run.summary().get("passed").asBoolean()).isTrue();
  }

  @Test
  void multiclassFiguresEqualAnIndependentComputation() throws Exception {
    List<Row> rows = Synthetic.blobs(1500, 29);
    Path data = dir.resolve("data");
    Captured.write(data, "input", rows);
    Path candidate = train("multiclass-classification", data, "candidate", "5");

    Runs.Run run = evaluate("multiclass-classification", data, candidate, null, "f1");

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode figures = Runs.json(dir.resolve("verdict/blessing.json")).get("candidate");
    List<Row> heldOut = heldOut(rows);
    float[] p = run(candidate, heldOut, 3);
    int n = heldOut.size();
    int[][] confusion = new int[3][3];
    double logLoss = 0;
    for (int r = 0; r < n; r++) {
      int best = 0;
      for (int c = 1; c < 3; c++) {
        best = p[r * 3 + c] > p[r * 3 + best] ? c : best;
      }
      int y = heldOut.get(r).label().intValue();
      confusion[y][best]++;
      logLoss -= Math.log(Math.max(1e-15, p[r * 3 + y]));
    }
    double correct = 0;
    double precision = 0;
    double recall = 0;
    double f1 = 0;
    for (int c = 0; c < 3; c++) {
      correct += confusion[c][c];
      int predicted = confusion[0][c] + confusion[1][c] + confusion[2][c];
      int actual = confusion[c][0] + confusion[c][1] + confusion[c][2];
      double pc = (double) confusion[c][c] / predicted;
      double rc = (double) confusion[c][c] / actual;
      precision += pc / 3;
      recall += rc / 3;
      f1 += 2 * pc * rc / (pc + rc) / 3;
    }
    assertThat(figures.get("accuracy").asDouble()).isCloseTo(correct / n, offset(1e-12));
    assertThat(figures.get("precision").asDouble()).isCloseTo(precision, offset(1e-12));
    assertThat(figures.get("recall").asDouble()).isCloseTo(recall, offset(1e-12));
    assertThat(figures.get("f1").asDouble()).isCloseTo(f1, offset(1e-12));
    assertThat(figures.get("log_loss").asDouble()).isCloseTo(logLoss / n, offset(1e-6));
  }

  @Test
  void aCandidateWithAnotherSignatureIsRefused() throws Exception {
    Path data = dir.resolve("data");
    Captured.write(data, "input", Synthetic.logistic(WEIGHTS, 0, 500, 4));
    Path serving = dir.resolve("serving.onnx");
    Files.write(serving, SampleModels.logisticRegression().toOnnx("lr", Map.of()));
    DenseNetwork sample = SampleModels.logisticRegression();
    Path renamed = dir.resolve("renamed.onnx");
    Files.write(
        renamed, new DenseNetwork("input", "score", sample.layers()).toOnnx("lr", Map.of()));

    Runs.Run run = evaluate("binary-classification", data, renamed, serving, "accuracy");

    assertThat(run.exitCode()).isZero();
    assertThat(run.summary().get("passed").asBoolean()).isFalse();
    assertThat(run.summary().get("signatureMatches").asBoolean()).isFalse();
    assertThat(run.summary().get("reason").asText())
        .contains("signature differs")
        .contains("'probability'");
  }

  private Path train(String task, Path data, String name, String epochs) throws Exception {
    Map<String, String> env = Runs.env(task, data, dir.resolve(name));
    env.put("MODELKEEPER_PARAM_EPOCHS", epochs);
    env.put("MODELKEEPER_PARAM_LEARNING_RATE", epochs.equals("1") ? "0.001" : "0.01");
    Runs.Run run = Runs.run("train", env);
    assertThat(run.exitCode()).as(run.err()).isZero();
    return dir.resolve(name).resolve(TrainingContract.MODEL_FILE);
  }

  private Runs.Run evaluate(String task, Path data, Path candidate, Path serving, String metric)
      throws Exception {
    Map<String, String> env = Runs.env(task, data, dir.resolve("verdict"));
    env.put(TrainingContract.CANDIDATE_MODEL, candidate.toString());
    if (serving != null) {
      env.put(TrainingContract.BASE_MODEL, serving.toString());
    }
    env.put(TrainingContract.VALIDATION_METRIC, metric);
    return Runs.run("evaluate", env);
  }

  private static List<Row> heldOut(List<Row> rows) {
    return rows.stream().filter(r -> Holdout.isHeldOut(r.id(), r.row(), 0.2)).toList();
  }

  /** Outputs of the model, straight from ONNX Runtime (not through the server's runner). */
  private static float[] run(Path model, List<Row> rows) throws Exception {
    return run(model, rows, 1);
  }

  private static float[] run(Path model, List<Row> rows, int outputs) throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    int width = rows.get(0).features().length;
    float[] data = new float[rows.size() * width];
    for (int r = 0; r < rows.size(); r++) {
      System.arraycopy(rows.get(r).features(), 0, data, r * width, width);
    }
    try (OrtSession session = env.createSession(model.toString());
        OnnxTensor input =
            OnnxTensor.createTensor(env, FloatBuffer.wrap(data), new long[] {rows.size(), width});
        OrtSession.Result result = session.run(Map.of("input", input))) {
      float[][] out = (float[][]) result.get(0).getValue();
      float[] flat = new float[out.length * outputs];
      for (int r = 0; r < out.length; r++) {
        System.arraycopy(out[r], 0, flat, r * outputs, outputs);
      }
      return flat;
    }
  }

  private static void assertBinaryFigures(JsonNode figures, Path model, List<Row> rows)
      throws Exception {
    float[] p = run(model, rows);
    int n = rows.size();
    int tp = 0;
    int fp = 0;
    int fn = 0;
    int correct = 0;
    double logLoss = 0;
    for (int r = 0; r < n; r++) {
      int y = rows.get(r).label().intValue();
      int predicted = p[r] > 0.5 ? 1 : 0;
      correct += predicted == y ? 1 : 0;
      tp += predicted == 1 && y == 1 ? 1 : 0;
      fp += predicted == 1 && y == 0 ? 1 : 0;
      fn += predicted == 0 && y == 1 ? 1 : 0;
      double q = y == 1 ? p[r] : 1 - p[r];
      logLoss -= Math.log(Math.max(1e-15, q));
    }
    double pairs = 0;
    double wins = 0;
    for (int i = 0; i < n; i++) {
      if (rows.get(i).label().intValue() != 1) {
        continue;
      }
      for (int j = 0; j < n; j++) {
        if (rows.get(j).label().intValue() == 0) {
          pairs++;
          wins += p[i] > p[j] ? 1 : p[i] == p[j] ? 0.5 : 0;
        }
      }
    }
    double precision = (double) tp / (tp + fp);
    double recall = (double) tp / (tp + fn);
    assertThat(figures.get("accuracy").asDouble()).isCloseTo((double) correct / n, offset(1e-12));
    assertThat(figures.get("precision").asDouble()).isCloseTo(precision, offset(1e-12));
    assertThat(figures.get("recall").asDouble()).isCloseTo(recall, offset(1e-12));
    assertThat(figures.get("f1").asDouble())
        .isCloseTo(2 * precision * recall / (precision + recall), offset(1e-12));
    assertThat(figures.get("auc_roc").asDouble()).isCloseTo(wins / pairs, offset(1e-12));
    assertThat(figures.get("log_loss").asDouble()).isCloseTo(logLoss / n, offset(1e-6));
  }
}

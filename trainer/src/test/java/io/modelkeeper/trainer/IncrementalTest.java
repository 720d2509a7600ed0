package io.modelkeeper.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.contract.TrainingContract;
import io.modelkeeper.trainer.support.Captured;
import io.modelkeeper.trainer.support.Runs;
import io.modelkeeper.trainer.support.Synthetic;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After the labels shift, warm-starting from the old model on the new rows reaches the full
 * retrain's held-out log loss in at most half the full retrain's epochs (at a small scale; the
 * trainer benchmark measures it on 100k rows). A base model whose weights are not readable falls
 * back to full training and says why.
 */
class IncrementalTest {
  static final double[] BEFORE = {1.5, -2.0, 0.8, 0.0, 0.5, -1.0, 0.0, 0.3};

  /**
   * Positives become more common and one feature matters less: the old model is wrong, but near.
   */
  static final double[] AFTER = {1.5, -2.0, 0.2, 0.0, 0.5, -1.0, 0.0, 0.3};

  static final int EPOCHS = 20;

  @TempDir Path dir;

  @Test
  void warmStartReachesTheFullRetrainInHalfTheEpochs() throws Exception {
    Path old = dir.resolve("old");
    Captured.write(old, "input", Synthetic.logistic(BEFORE, -0.2, 4000, 1));
    Runs.Run base = Runs.run("train", Runs.env("binary-classification", old, dir.resolve("base")));
    assertThat(base.exitCode()).as(base.err()).isZero();

    Path shifted = dir.resolve("shifted");
    Captured.write(shifted, "input", Synthetic.logistic(AFTER, 0.8, 4000, 2));
    Runs.Run full = train(shifted, "full", "full");
    Runs.Run incremental = train(shifted, "incremental", "incremental");

    List<Double> fullLoss = full.metric("val_loss");
    List<Double> warmLoss = incremental.metric("val_loss");
    assertThat(fullLoss).hasSize(EPOCHS);
    double target = fullLoss.get(EPOCHS - 1) * 1.01;
    int fullEpochs = epochsToReach(fullLoss, target);
    int warmEpochs = epochsToReach(warmLoss, target);
    assertThat(warmEpochs)
        .as("epochs to reach %s: incremental %s, full %s", target, warmLoss, fullLoss)
        .isLessThanOrEqualTo(fullEpochs / 2);
    assertThat(warmLoss.get(0))
        .as("the first epoch already starts from the old model")
        .isLessThan(fullLoss.get(0));
    assertThat(incremental.summary().get("mode").asText()).isEqualTo("incremental");
  }

  @Test
  void aBaseModelWhoseWeightsAreNotReadableFallsBackToFullTraining() throws Exception {
    Path data = dir.resolve("data");
    Captured.write(data, "input", Synthetic.logistic(BEFORE, 0, 500, 3));
    Path base = io.modelkeeper.trainer.support.Models.scaledLogistic(dir.resolve("base.onnx"), 8);

    Map<String, String> env = Runs.env("binary-classification", data, dir.resolve("out"));
    env.put(TrainingContract.TRAINING_MODE, "incremental");
    env.put(TrainingContract.BASE_MODEL, base.toString());
    Runs.Run run = Runs.run("train", env);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.summary().get("mode").asText()).isEqualTo("full");
    assertThat(run.summary().get("fallback").asText()).contains("Mul");
    assertThat(run.err()).contains("falling back to full training");
  }

  /** The first epoch (1-based) whose loss is at or below the target; past the end if none. */
  static int epochsToReach(List<Double> losses, double target) {
    for (int epoch = 1; epoch <= losses.size(); epoch++) {
      if (losses.get(epoch - 1) <= target) {
        return epoch;
      }
    }
    return losses.size() + 1;
  }

  private Runs.Run train(Path data, String mode, String out) throws Exception {
    Map<String, String> env = Runs.env("binary-classification", data, dir.resolve(out));
    env.put(TrainingContract.TRAINING_MODE, mode);
    env.put(TrainingContract.BASE_MODEL, dir.resolve("base/model.onnx").toString());
    env.put("MODELKEEPER_PARAM_EPOCHS", Integer.toString(EPOCHS));
    Runs.Run run = Runs.run("train", env);
    assertThat(run.exitCode()).as(run.err()).isZero();
    return run;
  }
}

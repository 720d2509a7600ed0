package io.modelkeeper.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.trainer.support.Captured;
import io.modelkeeper.trainer.support.Runs;
import io.modelkeeper.trainer.support.Synthetic;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A small MLP learns XOR-like clusters that logistic regression cannot separate. */
class NonLinearTest {
  @TempDir Path dir;
  Path data;

  @BeforeEach
  void capture() throws Exception {
    data = dir.resolve("data");
    Captured.write(data, "input", Synthetic.xor(2000, 7));
  }

  @Test
  void mlpLearnsXorWhereLogisticRegressionCannot() throws Exception {
    double linear = heldOutAccuracy("linear", "0");
    double mlp = heldOutAccuracy("mlp", "16");

    assertThat(linear).isLessThanOrEqualTo(0.75);
    assertThat(mlp).isGreaterThanOrEqualTo(0.95);
  }

  @Test
  void twoHiddenLayersLearnItToo() throws Exception {
    assertThat(heldOutAccuracy("deep", "16,8")).isGreaterThanOrEqualTo(0.95);
  }

  private double heldOutAccuracy(String name, String hiddenUnits) throws Exception {
    Map<String, String> env = Runs.env("binary-classification", data, dir.resolve(name));
    env.put("MODELKEEPER_PARAM_HIDDEN_UNITS", hiddenUnits);
    Runs.Run run = Runs.run("train", env);
    assertThat(run.exitCode()).as(run.err()).isZero();
    return Runs.json(dir.resolve(name).resolve("metrics.json")).get("accuracy").asDouble();
  }
}

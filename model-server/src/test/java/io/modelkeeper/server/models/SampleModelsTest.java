package io.modelkeeper.server.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.modelkeeper.server.onnx.ModelRunner;
import io.modelkeeper.server.onnx.Tensor;
import io.modelkeeper.server.support.ForwardPass;
import io.modelkeeper.server.support.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SampleModelsTest {

  @Test
  void onnxRuntimeMatchesPlainJavaForwardPass() throws Exception {
    for (DenseNetwork network :
        new DenseNetwork[] {SampleModels.logisticRegression(), SampleModels.mlp()}) {
      try (ModelRunner runner = ModelRunner.open(network.toOnnx("net", Map.of()), false, w -> {})) {
        int rows = 50;
        float[] inputs = TestModels.randomRows(new Random(3), rows, network.features());
        Tensor input =
            new Tensor(
                "input",
                io.modelkeeper.server.onnx.DataType.FP32,
                new long[] {rows, network.features()},
                inputs);
        float[] served =
            (float[]) runner.run(Map.of("input", input)).get(network.outputName()).data();
        float[] expected = ForwardPass.rows(network, inputs, rows);
        assertThat(served).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
          assertThat(served[i]).as("output %d", i).isCloseTo(expected[i], within(1e-5f));
        }
      }
    }
  }

  @Test
  void logisticRegressionRecoversTheCoefficientsItWasFittedTo() {
    DenseNetwork network = SampleModels.logisticRegression();
    float[][] weights = network.layers().get(0).weights();
    for (int f = 0; f < weights.length; f++) {
      assertThat((double) weights[f][0])
          .as("coefficient %d", f)
          .isCloseTo(SampleModels.TRUE_COEFFICIENTS[f], within(0.3));
    }
  }

  @Test
  void shippedSamplesAreTheRegeneratedBytesWithMatchingChecksums() throws Exception {
    Path examples = Path.of("..", "examples", "models");
    for (Map.Entry<String, byte[]> sample : SampleModelWriter.samples().entrySet()) {
      Path model = examples.resolve(sample.getKey()).resolve("model.onnx");
      assertThat(Files.readAllBytes(model))
          .as("%s is stale: regenerate with the command in examples/models/README.md", model)
          .isEqualTo(sample.getValue());
      String checksum =
          Files.readString(
              examples.resolve(sample.getKey()).resolve("model.onnx.sha256"),
              StandardCharsets.UTF_8);
      assertThat(checksum)
          .isEqualTo(SampleModelWriter.sha256(sample.getValue()) + "  model.onnx\n");
    }
  }
}

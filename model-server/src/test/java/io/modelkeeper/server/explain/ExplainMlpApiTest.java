package io.modelkeeper.server.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelkeeper.server.onnx.ModelRunner;
import io.modelkeeper.server.support.Http.Reply;
import io.modelkeeper.server.support.ServedModelTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The shipped example perceptron (examples/models/mlp: 16 features, 3 class probabilities) served
 * from its own file, with exact Shapley values up to 16 features: every class column equals brute
 * force enumeration.
 */
@QuarkusTest
@TestProfile(ExplainMlpApiTest.ShippedMlp.class)
class ExplainMlpApiTest extends ServedModelTest {
  private static final int FEATURES = 16;

  static Path shippedModel() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path model = p.resolve("examples/models/mlp/model.onnx");
      if (Files.isRegularFile(model)) {
        return model;
      }
    }
    throw new IllegalStateException("examples/models/mlp/model.onnx not found");
  }

  /** The shipped MLP, exact Shapley values up to 16 features. */
  public static class ShippedMlp implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "modelkeeper.model.name", "mlp",
          "modelkeeper.model.uri", shippedModel().toUri().toString(),
          "modelkeeper.explain.exact-max-features", "16",
          "modelkeeper.explain.live.rate", "0");
    }
  }

  @Test
  void everyClassColumn_equalsBruteForceEnumerationWithTheRequestsBackground() throws Exception {
    Random random = new Random(16);
    float[] x = new float[FEATURES];
    float[][] background = new float[3][FEATURES];
    List<Float> data = new ArrayList<>();
    for (int j = 0; j < FEATURES; j++) {
      x[j] = (float) random.nextGaussian();
      data.add(x[j]);
      for (float[] row : background) {
        row[j] = (float) random.nextGaussian();
      }
    }

    Reply reply =
        http.postJson(
            "/v2/models/mlp/versions/1/explain",
            Map.of(
                "inputs",
                List.of(
                    Map.of(
                        "name",
                        "input",
                        "datatype",
                        "FP32",
                        "shape",
                        List.of(1, FEATURES),
                        "data",
                        data)),
                "parameters",
                Map.of("background", background)));

    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    assertThat(reply.json().get("algorithm").asText()).isEqualTo("exact");
    assertThat(reply.json().get("cost").get("model_rows").asLong()).isEqualTo(65536L * 3);
    JsonNode outputs = reply.json().get("explanations").get(0).get("outputs");
    assertThat(outputs).hasSize(3);
    try (ModelRunner runner =
        ModelRunner.open(Files.readAllBytes(shippedModel()), false, warning -> {})) {
      double[][] expected = BruteForceShapley.of(runner, "input", "probabilities", x, background);
      double probabilities = 0;
      for (int c = 0; c < 3; c++) {
        JsonNode output = outputs.get(c);
        assertThat(output.get("index").asInt()).isEqualTo(c);
        for (int j = 0; j < FEATURES; j++) {
          assertThat(output.get("attributions").get(j).asDouble())
              .as("class %d feature %d", c, j)
              .isCloseTo(expected[c][j], within(1e-6));
        }
        probabilities += output.get("prediction").asDouble();
      }
      assertThat(probabilities).isCloseTo(1.0, within(1e-5));
    }
  }
}

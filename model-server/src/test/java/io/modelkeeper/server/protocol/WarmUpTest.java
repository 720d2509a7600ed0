package io.modelkeeper.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelkeeper.server.onnx.ModelRunner;
import io.modelkeeper.server.support.TestModels;
import org.junit.jupiter.api.Test;

/**
 * Warm-up requests take the model's own signature, every datatype included, and pass the checks.
 */
class WarmUpTest {

  @Test
  void warmUpRequestsFitEveryInputOfTheModel() throws Exception {
    try (ModelRunner runner = ModelRunner.open(TestModels.typedIdentityFile(), false, w -> {})) {
      JsonNode body = new ObjectMapper().readTree(WarmUp.body(runner, 4));

      assertThat(body.path("inputs")).hasSize(4);
      for (JsonNode input : body.path("inputs")) {
        assertThat(input.path("shape").toString()).isEqualTo("[4,2]");
        assertThat(input.path("data")).hasSize(8);
      }
      assertThat(body.path("inputs").get(3).path("datatype").asText()).isEqualTo("BOOL");
      WarmUp.run(runner, "typed", "1", 8, 32);
    }
  }

  @Test
  void aFixedBatchModelGetsItsOwnShape() throws Exception {
    try (ModelRunner runner =
        ModelRunner.open(TestModels.logisticRegressionFile(), false, w -> {})) {
      WarmUp.run(runner, "fraud", "7", 8, 32);
      JsonNode input = new ObjectMapper().readTree(WarmUp.body(runner, 1)).path("inputs").get(0);
      assertThat(input.path("datatype").asText()).isEqualTo("FP32");
      assertThat(input.path("shape").get(input.path("shape").size() - 1).asInt()).isEqualTo(8);
    }
  }
}

package io.modelkeeper.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import io.modelkeeper.server.models.DenseNetwork;
import io.modelkeeper.server.models.DenseNetwork.Activation;
import io.modelkeeper.server.models.ReluOperator;
import io.modelkeeper.server.models.SampleModels;
import io.modelkeeper.server.onnx.DataType;
import io.modelkeeper.server.onnx.ModelRunner;
import io.modelkeeper.server.onnx.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;
import org.tribuo.util.onnx.ONNXRef;

/** Weights read back from ONNX graphs compute what the graphs compute. */
class OnnxWeightsTest {

  @Test
  void readsTheSampleModelsExactly() throws Exception {
    for (DenseNetwork sample : List.of(SampleModels.logisticRegression(), SampleModels.mlp())) {
      byte[] bytes = sample.toOnnx("sample", Map.of());
      DenseNetwork read = OnnxWeights.read(OnnxMl.ModelProto.parseFrom(bytes));
      assertThat(read.toOnnx("sample", Map.of())).isEqualTo(bytes);
    }
  }

  /** Gemm with transB=1 (weights [out, in]), as PyTorch exports nn.Linear. */
  @Test
  void readsTransposedWeights() throws Exception {
    Random random = new Random(3);
    ONNXContext context = new ONNXContext();
    context.setName("torch_like");
    ONNXPlaceholder input = context.floatInput("x", 3);
    ONNXPlaceholder output = context.floatOutput("probabilities", 2);
    var w1 = context.floatTensor("w1", List.of(4, 3), b -> fill(b, 12, random));
    var b1 = context.array("b1", new float[] {0.1f, -0.2f, 0.3f, 0f});
    var w2 = context.floatTensor("w2", List.of(2, 4), b -> fill(b, 8, random));
    var b2 = context.array("b2", new float[] {0.05f, -0.05f});
    Map<String, Object> transB = Map.of("transB", 1);
    ONNXRef<?> hidden =
        input.apply(ONNXOperators.GEMM, List.<ONNXRef<?>>of(w1, b1), List.of("h"), transB).get(0);
    ONNXRef<?> logits =
        hidden
            .apply(ReluOperator.RELU)
            .apply(ONNXOperators.GEMM, List.<ONNXRef<?>>of(w2, b2), List.of("o"), transB)
            .get(0);
    logits.apply(ONNXOperators.SOFTMAX).assignTo(output);
    byte[] bytes =
        OnnxMl.ModelProto.newBuilder()
            .setIrVersion(8)
            .setGraph(context.buildGraph())
            .addOpsetImport(ONNXOperators.getOpsetProto())
            .build()
            .toByteArray();

    DenseNetwork read = OnnxWeights.read(OnnxMl.ModelProto.parseFrom(bytes));

    assertThat(read.layers())
        .extracting(DenseNetwork.Layer::activation)
        .containsExactly(Activation.RELU, Activation.SOFTMAX);
    float[] x = {0.5f, -1f, 2f, 1f, 0f, -0.5f};
    assertThat(outputs(read.toOnnx("again", Map.of()), "x", x))
        .containsExactly(outputs(bytes, "x", x), org.assertj.core.data.Offset.offset(1e-6f));
  }

  @Test
  void saysWhichNodeItCannotRead() {
    ONNXContext context = new ONNXContext();
    ONNXPlaceholder input = context.floatInput("x", 2);
    ONNXPlaceholder output = context.floatOutput("y", 2);
    input.apply(ONNXOperators.NEG).assignTo(output);
    OnnxMl.ModelProto model =
        OnnxMl.ModelProto.newBuilder().setIrVersion(8).setGraph(context.buildGraph()).build();
    assertThatThrownBy(() -> OnnxWeights.read(model))
        .isInstanceOf(OnnxWeights.Unreadable.class)
        .hasMessageContaining("Neg");
  }

  private static void fill(java.nio.FloatBuffer buffer, int count, Random random) {
    for (int i = 0; i < count; i++) {
      buffer.put((float) random.nextGaussian());
    }
  }

  private static float[] outputs(byte[] model, String input, float[] rows) throws Exception {
    try (ModelRunner runner = ModelRunner.open(model, false, w -> {})) {
      Tensor tensor = new Tensor(input, DataType.FP32, new long[] {rows.length / 3, 3}, rows);
      return (float[]) runner.run(Map.of(input, tensor)).values().iterator().next().data();
    }
  }
}

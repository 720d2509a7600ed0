package io.modelkeeper.server.models;

import ai.onnx.proto.OnnxMl;
import java.util.List;
import java.util.Map;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;
import org.tribuo.util.onnx.ONNXRef;

/**
 * A stack of fully connected layers (weights {@code [in][out]}, bias {@code [out]}, activation) and
 * its ONNX graph: one FP32 input {@code [-1, features]}, one FP32 output {@code [-1, outputs]}.
 */
public record DenseNetwork(String inputName, String outputName, List<Layer> layers) {

  /** What a layer applies after its affine map. */
  public enum Activation {
    NONE,
    RELU,
    SIGMOID,
    SOFTMAX
  }

  /** One fully connected layer. */
  public record Layer(float[][] weights, float[] bias, Activation activation) {
    public int inputs() {
      return weights.length;
    }

    public int outputs() {
      return bias.length;
    }
  }

  public int features() {
    return layers.get(0).inputs();
  }

  public int outputs() {
    return layers.get(layers.size() - 1).outputs();
  }

  /** The serialized ONNX model (IR version 8, opset 13); the same weights give the same bytes. */
  public byte[] toOnnx(String graphName, Map<String, String> metadata) {
    ONNXContext context = new ONNXContext();
    context.setName(graphName);
    ONNXPlaceholder input = context.floatInput(inputName, features());
    ONNXPlaceholder output = context.floatOutput(outputName, outputs());
    ONNXRef<?> current = input;
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      var weights =
          context.floatTensor(
              "dense" + i + "_weights",
              List.of(layer.inputs(), layer.outputs()),
              buffer -> {
                for (float[] row : layer.weights()) {
                  buffer.put(row);
                }
              });
      var bias = context.array("dense" + i + "_bias", layer.bias());
      current = current.apply(ONNXOperators.GEMM, List.<ONNXRef<?>>of(weights, bias));
      current =
          switch (layer.activation()) {
            case NONE -> current;
            case RELU -> current.apply(ReluOperator.RELU);
            case SIGMOID -> current.apply(ONNXOperators.SIGMOID);
            case SOFTMAX -> current.apply(ONNXOperators.SOFTMAX);
          };
    }
    current.assignTo(output);
    OnnxMl.ModelProto.Builder model =
        OnnxMl.ModelProto.newBuilder()
            .setIrVersion(8)
            .setProducerName("modelkeeper")
            .setModelVersion(1)
            .setGraph(context.buildGraph())
            .addOpsetImport(ONNXOperators.getOpsetProto());
    metadata.forEach(
        (key, value) ->
            model.addMetadataProps(
                OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value)));
    return model.build().toByteArray();
  }
}

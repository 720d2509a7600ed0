package io.modelkeeper.trainer.model;

import ai.onnx.proto.OnnxMl;
import io.modelkeeper.server.models.DenseNetwork;
import io.modelkeeper.server.models.DenseNetwork.Activation;
import io.modelkeeper.server.models.DenseNetwork.Layer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the weights of a fully connected network back from an ONNX graph, for a warm start. It
 * reads graphs made of {@code Gemm} nodes (weights and bias as initializers, {@code transB} 0 or 1,
 * {@code alpha} and {@code beta} 1), each optionally followed by {@code Relu} (hidden layers) or
 * {@code Sigmoid}/{@code Softmax} (the last), with {@code Identity} nodes passed through: the
 * shipped sample models, every model this trainer writes, and a PyTorch {@code nn.Linear} stack
 * exported as Gemm. Anything else is not readable, and the reason says which node.
 */
public final class OnnxWeights {

  /** Why a graph's weights could not be read. */
  public static final class Unreadable extends Exception {
    Unreadable(String message) {
      super(message);
    }
  }

  private OnnxWeights() {}

  public static DenseNetwork read(OnnxMl.ModelProto model) throws Unreadable {
    OnnxMl.GraphProto graph = model.getGraph();
    Map<String, OnnxMl.TensorProto> initializers = new HashMap<>();
    for (OnnxMl.TensorProto tensor : graph.getInitializerList()) {
      initializers.put(tensor.getName(), tensor);
    }
    List<String> inputs =
        graph.getInputList().stream()
            .map(OnnxMl.ValueInfoProto::getName)
            .filter(name -> !initializers.containsKey(name))
            .toList();
    if (inputs.size() != 1 || graph.getOutputCount() != 1) {
      throw new Unreadable("the graph has " + inputs.size() + " inputs, not one");
    }
    String current = inputs.get(0);
    List<float[][]> weights = new ArrayList<>();
    List<float[]> biases = new ArrayList<>();
    List<Activation> activations = new ArrayList<>();
    for (OnnxMl.NodeProto node : graph.getNodeList()) {
      if (node.getInputCount() == 0 || !node.getInput(0).equals(current)) {
        throw new Unreadable(
            "node " + describe(node) + " does not follow the previous one; not a plain stack");
      }
      switch (node.getOpType()) {
        case "Gemm" -> {
          if (!activations.isEmpty() && activations.get(activations.size() - 1) == null) {
            activations.set(activations.size() - 1, Activation.NONE);
          }
          readGemm(node, initializers, weights, biases);
          activations.add(null);
        }
        case "Relu", "Sigmoid", "Softmax" -> {
          if (activations.isEmpty() || activations.get(activations.size() - 1) != null) {
            throw new Unreadable("node " + describe(node) + " does not follow a Gemm");
          }
          if (node.getOpType().equals("Softmax") && !lastAxis(node)) {
            throw new Unreadable("node " + describe(node) + " is a Softmax over another axis");
          }
          activations.set(
              activations.size() - 1,
              switch (node.getOpType()) {
                case "Relu" -> Activation.RELU;
                case "Sigmoid" -> Activation.SIGMOID;
                default -> Activation.SOFTMAX;
              });
        }
        case "Identity" -> {
          // passes its input through
        }
        default ->
            throw new Unreadable(
                "node " + describe(node) + " is not Gemm, Relu, Sigmoid, Softmax or Identity");
      }
      current = node.getOutput(0);
    }
    if (!current.equals(graph.getOutput(0).getName()) || weights.isEmpty()) {
      throw new Unreadable("the graph's output is not the end of a Gemm stack");
    }
    List<Layer> layers = new ArrayList<>();
    for (int l = 0; l < weights.size(); l++) {
      Activation activation = activations.get(l) == null ? Activation.NONE : activations.get(l);
      boolean last = l == weights.size() - 1;
      if (!last && activation != Activation.RELU) {
        throw new Unreadable("hidden layer " + l + " applies " + activation + ", not Relu");
      }
      if (last && activation == Activation.RELU) {
        throw new Unreadable("the last layer applies Relu");
      }
      if (l > 0 && weights.get(l).length != biases.get(l - 1).length) {
        throw new Unreadable("layer " + l + " does not take the previous layer's width");
      }
      layers.add(new Layer(weights.get(l), biases.get(l), activation));
    }
    return new DenseNetwork(inputs.get(0), graph.getOutput(0).getName(), List.copyOf(layers));
  }

  private static void readGemm(
      OnnxMl.NodeProto node,
      Map<String, OnnxMl.TensorProto> initializers,
      List<float[][]> weights,
      List<float[]> biases)
      throws Unreadable {
    boolean transB = false;
    for (OnnxMl.AttributeProto attribute : node.getAttributeList()) {
      switch (attribute.getName()) {
        case "alpha", "beta" -> {
          if (attribute.getF() != 1f) {
            throw new Unreadable(
                "node " + describe(node) + " has " + attribute.getName() + " != 1");
          }
        }
        case "transA" -> {
          if (attribute.getI() != 0) {
            throw new Unreadable("node " + describe(node) + " transposes its input");
          }
        }
        case "transB" -> transB = attribute.getI() != 0;
        default ->
            throw new Unreadable(
                "node " + describe(node) + " has attribute " + attribute.getName());
      }
    }
    if (node.getInputCount() != 3
        || !initializers.containsKey(node.getInput(1))
        || !initializers.containsKey(node.getInput(2))) {
      throw new Unreadable("node " + describe(node) + " does not take constant weights and bias");
    }
    OnnxMl.TensorProto b = initializers.get(node.getInput(1));
    OnnxMl.TensorProto c = initializers.get(node.getInput(2));
    if (b.getDimsCount() != 2) {
      throw new Unreadable("node " + describe(node) + " has weights of rank " + b.getDimsCount());
    }
    int rows = (int) b.getDims(0);
    int columns = (int) b.getDims(1);
    int in = transB ? columns : rows;
    int out = transB ? rows : columns;
    float[] flat = floats(b, rows * columns, node);
    float[] bias = floats(c, out, node);
    float[][] matrix = new float[in][out];
    for (int i = 0; i < in; i++) {
      for (int j = 0; j < out; j++) {
        matrix[i][j] = transB ? flat[j * columns + i] : flat[i * columns + j];
      }
    }
    weights.add(matrix);
    biases.add(bias);
  }

  private static float[] floats(OnnxMl.TensorProto tensor, int count, OnnxMl.NodeProto node)
      throws Unreadable {
    long elements = 1;
    for (long dim : tensor.getDimsList()) {
      elements *= dim;
    }
    if (tensor.getDataType() != OnnxMl.TensorProto.DataType.FLOAT_VALUE || elements != count) {
      throw new Unreadable(
          "node " + describe(node) + ": " + tensor.getName() + " is not " + count + " floats");
    }
    float[] values = new float[count];
    if (!tensor.getRawData().isEmpty()) {
      ByteBuffer raw = tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      if (raw.remaining() != 4 * count) {
        throw new Unreadable("node " + describe(node) + ": " + tensor.getName() + " is truncated");
      }
      raw.asFloatBuffer().get(values);
    } else if (tensor.getFloatDataCount() == count) {
      for (int i = 0; i < count; i++) {
        values[i] = tensor.getFloatData(i);
      }
    } else {
      throw new Unreadable("node " + describe(node) + ": " + tensor.getName() + " has no data");
    }
    return values;
  }

  private static boolean lastAxis(OnnxMl.NodeProto node) {
    for (OnnxMl.AttributeProto attribute : node.getAttributeList()) {
      if (attribute.getName().equals("axis")) {
        return attribute.getI() == -1 || attribute.getI() == 1;
      }
    }
    return true;
  }

  private static String describe(OnnxMl.NodeProto node) {
    return node.getOpType() + (node.getName().isEmpty() ? "" : " '" + node.getName() + "'");
  }
}

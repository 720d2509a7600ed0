package io.modelkeeper.server.support;

import ai.onnx.proto.OnnxMl;
import io.modelkeeper.server.models.SampleModels;
import io.modelkeeper.server.onnx.ModelRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.tribuo.util.onnx.ONNXOperators;

/** Model files for tests, written to a temporary directory. */
public final class TestModels {

  private TestModels() {}

  public static Path mlpFile() {
    return write("mlp", SampleModels.mlp().toOnnx("mlp", Map.of()));
  }

  public static Path logisticRegressionFile() {
    return write("logistic-regression", SampleModels.logisticRegression().toOnnx("lr", Map.of()));
  }

  public static Path notAModelFile() {
    return write("broken", "this is not an ONNX model\n".getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Passes four inputs straight through (Identity): {@code f64} FP64, {@code i32} INT32, {@code
   * i64} INT64, {@code flag} BOOL, each {@code [-1, 2]}, to {@code <name>_out}. It allows NaN
   * through its metadata.
   */
  public static byte[] typedIdentity() {
    OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder().setName("typed_identity");
    Object[][] inputs = {
      {"f64", OnnxMl.TensorProto.DataType.DOUBLE},
      {"i32", OnnxMl.TensorProto.DataType.INT32},
      {"i64", OnnxMl.TensorProto.DataType.INT64},
      {"flag", OnnxMl.TensorProto.DataType.BOOL}
    };
    for (Object[] input : inputs) {
      String name = (String) input[0];
      OnnxMl.TensorProto.DataType type = (OnnxMl.TensorProto.DataType) input[1];
      graph.addInput(valueInfo(name, type));
      graph.addOutput(valueInfo(name + "_out", type));
      graph.addNode(
          OnnxMl.NodeProto.newBuilder()
              .setOpType("Identity")
              .addInput(name)
              .addOutput(name + "_out")
              .setName("id_" + name));
    }
    return OnnxMl.ModelProto.newBuilder()
        .setIrVersion(8)
        .setProducerName("modelkeeper-tests")
        .setGraph(graph)
        .addOpsetImport(ONNXOperators.getOpsetProto())
        .addMetadataProps(
            OnnxMl.StringStringEntryProto.newBuilder()
                .setKey(ModelRunner.ALLOW_NAN_KEY)
                .setValue("true"))
        .build()
        .toByteArray();
  }

  public static Path typedIdentityFile() {
    return write("typed-identity", typedIdentity());
  }

  private static OnnxMl.ValueInfoProto valueInfo(String name, OnnxMl.TensorProto.DataType type) {
    OnnxMl.TensorShapeProto shape =
        OnnxMl.TensorShapeProto.newBuilder()
            .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
            .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(2))
            .build();
    return OnnxMl.ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            OnnxMl.TypeProto.newBuilder()
                .setTensorType(
                    OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(type.getNumber())
                        .setShape(shape)))
        .build();
  }

  public static float[] randomRows(Random random, int rows, int features) {
    float[] values = new float[rows * features];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (random.nextGaussian() * 2);
    }
    return values;
  }

  private static Path write(String name, byte[] bytes) {
    try {
      Path dir = Files.createTempDirectory("modelkeeper-test-" + name);
      Path file = dir.resolve("model.onnx");
      Files.write(file, bytes);
      file.toFile().deleteOnExit();
      dir.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package io.modelkeeper.trainer.support;

import ai.onnx.proto.OnnxMl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;
import org.tribuo.util.onnx.ONNXRef;

/** Model files the trainer cannot read weights from, or whose signature differs. */
public final class Models {

  private Models() {}

  /** Logistic regression on doubled inputs (Mul, Gemm, Sigmoid): served, weights unreadable. */
  public static Path scaledLogistic(Path file, int features) throws Exception {
    ONNXContext context = new ONNXContext();
    context.setName("scaled_logistic");
    ONNXPlaceholder input = context.floatInput("input", features);
    ONNXPlaceholder output = context.floatOutput("probability", 1);
    var weights =
        context.floatTensor(
            "weights",
            List.of(features, 1),
            buffer -> {
              for (int i = 0; i < features; i++) {
                buffer.put(0.1f * i);
              }
            });
    var bias = context.array("bias", new float[] {0.1f});
    var two = context.constant("two", 2f);
    ONNXRef<?> doubled = input.apply(ONNXOperators.MUL, two);
    doubled
        .apply(ONNXOperators.GEMM, List.<ONNXRef<?>>of(weights, bias))
        .apply(ONNXOperators.SIGMOID)
        .assignTo(output);
    OnnxMl.ModelProto model =
        OnnxMl.ModelProto.newBuilder()
            .setIrVersion(8)
            .setProducerName("test")
            .setGraph(context.buildGraph())
            .addOpsetImport(ONNXOperators.getOpsetProto())
            .build();
    Files.createDirectories(file.getParent());
    Files.write(file, model.toByteArray());
    return file;
  }
}

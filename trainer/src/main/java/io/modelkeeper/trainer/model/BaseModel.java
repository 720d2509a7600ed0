package io.modelkeeper.trainer.model;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.InvalidProtocolBufferException;
import io.modelkeeper.server.models.DenseNetwork;
import io.modelkeeper.server.models.DenseNetwork.Activation;
import io.modelkeeper.server.onnx.DataType;
import io.modelkeeper.server.onnx.ModelRunner;
import io.modelkeeper.server.onnx.ModelSignature;
import io.modelkeeper.server.onnx.TensorSpec;
import io.modelkeeper.server.quality.Task;
import io.modelkeeper.trainer.TrainerException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The serving model a run starts from: the signature the new model must keep (read by the model
 * server's own loader), its ONNX metadata, and its weights when {@link OnnxWeights} can read them.
 *
 * @param weights the base network, empty when its graph is not one the trainer reads
 * @param unreadable why the weights could not be read, when they could not
 */
public record BaseModel(
    ModelShape shape, Optional<DenseNetwork> weights, Optional<String> unreadable) {

  /** Reads the file; an error says what is wrong with it. */
  public static BaseModel read(Path file, Task task) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new TrainerException("cannot read the base model " + file + ": " + e);
    }
    ModelSignature signature;
    try (ModelRunner runner = ModelRunner.open(bytes, false, warning -> {})) {
      signature = runner.signature();
    } catch (Exception e) {
      throw new TrainerException(
          "the base model " + file + " is not a model ONNX Runtime loads: " + firstLine(e));
    }
    OnnxMl.ModelProto proto;
    try {
      proto = OnnxMl.ModelProto.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new TrainerException("the base model " + file + " is not an ONNX file: " + e);
    }
    TensorSpec input = only(signature, true, file);
    TensorSpec output = only(signature, false, file);
    int outputWidth = (int) output.shape()[1];
    checkWidth(task, outputWidth, output, file);
    Optional<DenseNetwork> weights = Optional.empty();
    Optional<String> unreadable = Optional.empty();
    try {
      DenseNetwork network = OnnxWeights.read(proto);
      Activation last = network.layers().get(network.layers().size() - 1).activation();
      if (network.features() != input.shape()[1] || network.outputs() != outputWidth) {
        unreadable = Optional.of("its Gemm weights do not match its input and output widths");
      } else if (!fits(task, outputWidth, last)) {
        unreadable =
            Optional.of(
                "its last layer applies " + last + ", which a " + task.id() + " model does not");
      } else {
        weights = Optional.of(network);
      }
    } catch (OnnxWeights.Unreadable e) {
      unreadable = Optional.of(e.getMessage());
    }
    Activation activation =
        weights
            .map(n -> n.layers().get(n.layers().size() - 1).activation())
            .orElseGet(() -> guessActivation(task, outputWidth, output.name()));
    Map<String, String> metadata = new LinkedHashMap<>();
    for (OnnxMl.StringStringEntryProto entry : proto.getMetadataPropsList()) {
      metadata.put(entry.getKey(), entry.getValue());
    }
    String graphName = proto.getGraph().getName().isEmpty() ? "model" : proto.getGraph().getName();
    ModelShape shape =
        new ModelShape(
            input.name(),
            (int) input.shape()[1],
            output.name(),
            new OutputKind(task, outputWidth, activation),
            graphName,
            Map.copyOf(metadata));
    return new BaseModel(shape, weights, unreadable);
  }

  /** The shape of a model trained without a base: named as the sample models are. */
  public static ModelShape fresh(Task task, String inputName, int inputWidth, int classes) {
    OutputKind output =
        switch (task) {
          case BINARY_CLASSIFICATION -> new OutputKind(task, 1, Activation.SIGMOID);
          case MULTICLASS_CLASSIFICATION ->
              new OutputKind(task, Math.max(2, classes), Activation.SOFTMAX);
          case REGRESSION -> new OutputKind(task, 1, Activation.NONE);
        };
    String outputName =
        switch (task) {
          case BINARY_CLASSIFICATION -> "probability";
          case MULTICLASS_CLASSIFICATION -> "probabilities";
          case REGRESSION -> "prediction";
        };
    return new ModelShape(
        inputName, inputWidth, outputName, output, task.id().replace('-', '_'), Map.of());
  }

  private static TensorSpec only(ModelSignature signature, boolean input, Path file) {
    var specs = input ? signature.inputs() : signature.outputs();
    String kind = input ? "input" : "output";
    if (specs.size() != 1) {
      throw new TrainerException(
          "the base model "
              + file.getFileName()
              + " has "
              + specs.size()
              + " "
              + kind
              + "s; the reference trainer writes models of one FP32 input [-1,n] and one FP32"
              + " output [-1,k] (use your own training image for others)");
    }
    TensorSpec spec = specs.get(0);
    long[] shape = spec.shape();
    if (spec.type() != DataType.FP32 || shape.length != 2 || shape[0] >= 0 || shape[1] < 1) {
      throw new TrainerException(
          "the base model's "
              + kind
              + " '"
              + spec.name()
              + "' is "
              + spec.type()
              + " "
              + spec.shapeText()
              + "; the reference trainer writes models of one FP32 input [-1,n] and one FP32"
              + " output [-1,k] (use your own training image for others)");
    }
    return spec;
  }

  private static void checkWidth(Task task, int width, TensorSpec output, Path file) {
    boolean fits =
        switch (task) {
          case BINARY_CLASSIFICATION -> width == 1 || width == 2;
          case MULTICLASS_CLASSIFICATION -> width >= 2;
          case REGRESSION -> width == 1;
        };
    if (!fits) {
      throw new TrainerException(
          "the base model's output '"
              + output.name()
              + "' has "
              + width
              + " values per row, which a "
              + task.id()
              + " model does not give; is MODELKEEPER_TASK right?");
    }
  }

  private static boolean fits(Task task, int width, Activation last) {
    if (last == Activation.NONE) {
      return true;
    }
    return task.isClassification()
        && (width == 1 ? last == Activation.SIGMOID : last == Activation.SOFTMAX);
  }

  /** As the model server reads scores: an output named like logits holds logits. */
  private static Activation guessActivation(Task task, int width, String name) {
    if (!task.isClassification() || name.toLowerCase(Locale.ROOT).contains("logit")) {
      return Activation.NONE;
    }
    return width == 1 ? Activation.SIGMOID : Activation.SOFTMAX;
  }

  private static String firstLine(Exception e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}

package io.modelkeeper.server.explain;

import io.modelkeeper.server.onnx.DataType;
import io.modelkeeper.server.onnx.ModelSignature;
import io.modelkeeper.server.onnx.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an explanation attributes and to what: the model's one input, a vector of named features,
 * and the explained outputs, each a fixed number of columns per row (a value, or one per class).
 *
 * @param input the input tensor's name
 * @param inputType FP32 or FP64
 * @param names one name per feature, in column order
 * @param outputs the explained outputs, in the order their columns are laid out
 */
public record FeatureSpace(
    String input, DataType inputType, List<String> names, List<Output> outputs) {

  /** One explained output and its values per row. */
  public record Output(String name, int columns) {}

  public int features() {
    return names.size();
  }

  /** Explained output columns over all explained outputs. */
  public int columns() {
    return outputs.stream().mapToInt(Output::columns).sum();
  }

  /** The same features with other explained outputs. */
  public FeatureSpace explaining(List<Output> chosen) {
    return new FeatureSpace(input, inputType, names, List.copyOf(chosen));
  }

  /**
   * The space of a model, or why it cannot be explained.
   *
   * @param configured MODELKEEPER_EXPLAIN_FEATURE_NAMES, empty when unset
   * @param referenceNames drift reference feature names by column of the input, may be empty
   * @param output MODELKEEPER_EXPLAIN_OUTPUT, or null
   */
  public static FeatureSpace of(
      ModelSignature signature,
      List<String> configured,
      Map<Integer, String> referenceNames,
      String output) {
    if (signature.inputs().size() != 1) {
      throw new IllegalArgumentException(
          "explanations need a model with one input, a vector of features per row; this model has"
              + " inputs "
              + signature.inputNames());
    }
    TensorSpec spec = signature.inputs().get(0);
    long[] shape = spec.shape();
    if (shape.length != 2 || shape[1] < 1) {
      throw new IllegalArgumentException(
          "explanations need an input of shape [rows, features]; input '"
              + spec.name()
              + "' has shape "
              + spec.shapeText());
    }
    if (spec.type() != DataType.FP32 && spec.type() != DataType.FP64) {
      throw new IllegalArgumentException(
          "explanations need an FP32 or FP64 input; input '" + spec.name() + "' is " + spec.type());
    }
    int width = (int) shape[1];
    List<String> names = names(width, configured, referenceNames);
    FeatureSpace all = new FeatureSpace(spec.name(), spec.type(), names, List.of());
    String chosen = output != null ? output : defaultOutput(signature);
    return all.explaining(List.of(all.output(signature, chosen)));
  }

  /** The explained output called {@code name}, or why it cannot be explained. */
  public Output output(ModelSignature signature, String name) {
    TensorSpec spec =
        signature
            .output(name)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "output '"
                            + name
                            + "' is not an output of the model (outputs: "
                            + signature.outputNames()
                            + ")"));
    long columns = 1;
    long[] shape = spec.shape();
    for (int d = 1; d < shape.length; d++) {
      if (shape[d] < 0) {
        throw new IllegalArgumentException(
            "output '" + name + "' has a dynamic dimension after the first: " + spec.shapeText());
      }
      columns *= shape[d];
    }
    if (shape.length == 0 || columns < 1 || columns > 4096) {
      throw new IllegalArgumentException(
          "output '"
              + name
              + "' must have rows of 1 to 4096 values to be explained, has "
              + spec.shapeText());
    }
    return new Output(name, (int) columns);
  }

  private static String defaultOutput(ModelSignature signature) {
    for (TensorSpec spec : signature.outputs()) {
      if (spec.type() == DataType.FP32 || spec.type() == DataType.FP64) {
        return spec.name();
      }
    }
    return signature.outputs().get(0).name();
  }

  private static List<String> names(
      int width, List<String> configured, Map<Integer, String> referenceNames) {
    if (!configured.isEmpty()) {
      if (configured.size() != width) {
        throw new IllegalArgumentException(
            "MODELKEEPER_EXPLAIN_FEATURE_NAMES names "
                + configured.size()
                + " features but the model's input has "
                + width);
      }
      return List.copyOf(configured);
    }
    List<String> names = new ArrayList<>(width);
    for (int j = 0; j < width; j++) {
      names.add(referenceNames.getOrDefault(j, "f" + j));
    }
    return List.copyOf(names);
  }
}

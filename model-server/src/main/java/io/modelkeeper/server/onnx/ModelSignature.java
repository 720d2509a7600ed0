package io.modelkeeper.server.onnx;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The inputs and outputs of a loaded model, in graph order. */
public record ModelSignature(List<TensorSpec> inputs, List<TensorSpec> outputs, boolean allowsNaN) {

  /** Batchable when every input and output has a dynamic first dimension to stack rows along. */
  public boolean batchable() {
    return inputs.stream().allMatch(TensorSpec::firstDimensionDynamic)
        && outputs.stream().allMatch(TensorSpec::firstDimensionDynamic);
  }

  // Looked up for every request: plain loops, no stream pipeline each time.
  public Optional<TensorSpec> input(String name) {
    return find(inputs, name);
  }

  public Optional<TensorSpec> output(String name) {
    return find(outputs, name);
  }

  private static Optional<TensorSpec> find(List<TensorSpec> specs, String name) {
    for (TensorSpec spec : specs) {
      if (spec.name().equals(name)) {
        return Optional.of(spec);
      }
    }
    return Optional.empty();
  }

  public String inputNames() {
    return inputs.stream().map(TensorSpec::name).collect(Collectors.joining(", "));
  }

  public String outputNames() {
    return outputs.stream().map(TensorSpec::name).collect(Collectors.joining(", "));
  }
}

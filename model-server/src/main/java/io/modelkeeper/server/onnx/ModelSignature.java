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

  public Optional<TensorSpec> input(String name) {
    return inputs.stream().filter(spec -> spec.name().equals(name)).findFirst();
  }

  public Optional<TensorSpec> output(String name) {
    return outputs.stream().filter(spec -> spec.name().equals(name)).findFirst();
  }

  public String inputNames() {
    return inputs.stream().map(TensorSpec::name).collect(Collectors.joining(", "));
  }

  public String outputNames() {
    return outputs.stream().map(TensorSpec::name).collect(Collectors.joining(", "));
  }
}

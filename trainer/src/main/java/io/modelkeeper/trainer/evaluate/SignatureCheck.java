package io.modelkeeper.trainer.evaluate;

import io.modelkeeper.server.onnx.ModelSignature;
import io.modelkeeper.server.onnx.TensorSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Whether a candidate keeps the serving model's inputs and outputs: names, types and shapes. */
public final class SignatureCheck {

  private SignatureCheck() {}

  /** The first difference, or empty when clients would not notice the change. */
  public static Optional<String> difference(ModelSignature serving, ModelSignature candidate) {
    Optional<String> inputs = difference("input", serving.inputs(), candidate.inputs());
    if (inputs.isPresent()) {
      return inputs;
    }
    return difference("output", serving.outputs(), candidate.outputs());
  }

  private static Optional<String> difference(
      String kind, List<TensorSpec> serving, List<TensorSpec> candidate) {
    for (TensorSpec spec : serving) {
      Optional<TensorSpec> twin =
          candidate.stream().filter(c -> c.name().equals(spec.name())).findFirst();
      if (twin.isEmpty()) {
        return Optional.of("the candidate has no " + kind + " '" + spec.name() + "'");
      }
      if (twin.get().type() != spec.type() || !Arrays.equals(twin.get().shape(), spec.shape())) {
        return Optional.of(
            kind
                + " '"
                + spec.name()
                + "' is "
                + describe(spec)
                + " in the serving model and "
                + describe(twin.get())
                + " in the candidate");
      }
    }
    for (TensorSpec spec : candidate) {
      if (serving.stream().noneMatch(s -> s.name().equals(spec.name()))) {
        return Optional.of("the candidate has an extra " + kind + " '" + spec.name() + "'");
      }
    }
    return Optional.empty();
  }

  private static String describe(TensorSpec spec) {
    return spec.type() + " " + spec.shapeText();
  }
}

package io.modelkeeper.server.onnx;

import java.util.Arrays;

/** Name, element type and shape of one model input or output; -1 marks a dynamic dimension. */
public record TensorSpec(String name, DataType type, long[] shape) {

  public boolean firstDimensionDynamic() {
    return shape.length > 0 && shape[0] < 0;
  }

  public String shapeText() {
    return Arrays.toString(shape).replace(" ", "");
  }
}

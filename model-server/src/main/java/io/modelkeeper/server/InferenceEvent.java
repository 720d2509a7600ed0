package io.modelkeeper.server;

import io.modelkeeper.server.onnx.Tensor;
import java.util.Collection;
import java.util.Map;

/**
 * One successful inference: its id, the model inputs and all model outputs (the caller's own rows
 * only).
 */
public record InferenceEvent(
    String id,
    String model,
    String version,
    Map<String, Tensor> inputs,
    Map<String, Tensor> outputs) {

  public int rows() {
    return inputs.isEmpty() ? 0 : (int) inputs.values().iterator().next().rows();
  }

  /** The inputs as float rows: each row joins every input's values for that row, in input order. */
  public float[][] inputRows() {
    return asRows(inputs.values());
  }

  /** One output as float rows. */
  public float[][] outputRows(String name) {
    return asRows(java.util.List.of(outputs.get(name)));
  }

  private float[][] asRows(Collection<Tensor> tensors) {
    int rows = rows();
    int width = 0;
    for (Tensor tensor : tensors) {
      width += rows == 0 ? 0 : tensor.elementCount() / rows;
    }
    float[][] result = new float[rows][width];
    int column = 0;
    for (Tensor tensor : tensors) {
      int rowSize = rows == 0 ? 0 : tensor.elementCount() / rows;
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < rowSize; c++) {
          result[r][column + c] = tensor.floatAt(r * rowSize + c);
        }
      }
      column += rowSize;
    }
    return result;
  }
}

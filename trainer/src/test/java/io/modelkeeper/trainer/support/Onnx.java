package io.modelkeeper.trainer.support;

import io.modelkeeper.server.onnx.DataType;
import io.modelkeeper.server.onnx.ModelRunner;
import io.modelkeeper.server.onnx.Tensor;
import io.modelkeeper.trainer.support.Captured.Row;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Runs a model file on rows with ONNX Runtime and returns its output, row-major. */
public final class Onnx {

  private Onnx() {}

  public static float[] outputs(Path model, String input, List<Row> rows) throws Exception {
    try (ModelRunner runner = ModelRunner.open(model, false, w -> {})) {
      int width = rows.get(0).features().length;
      float[] data = new float[rows.size() * width];
      for (int r = 0; r < rows.size(); r++) {
        System.arraycopy(rows.get(r).features(), 0, data, r * width, width);
      }
      Map<String, Tensor> out =
          runner.run(
              Map.of(
                  input, new Tensor(input, DataType.FP32, new long[] {rows.size(), width}, data)));
      return (float[]) out.values().iterator().next().data();
    }
  }
}

package io.modelkeeper.server.explain;

import ai.onnxruntime.OrtException;
import io.modelkeeper.server.onnx.DataType;
import io.modelkeeper.server.onnx.ModelRunner;
import io.modelkeeper.server.onnx.Tensor;
import java.util.Map;

/**
 * Runs the rows an explanation generates through the model, a chunk per ONNX Runtime call, and
 * averages the explained output columns within groups of rows. Rows are generated chunk by chunk,
 * so memory stays bounded by the chunk size whatever the explanation's cost.
 */
public final class ModelRows {

  /** Fills one generated row: the explained input's values. */
  @FunctionalInterface
  public interface Generator {
    void fill(long row, double[] values);
  }

  /** Called before each chunk: waits while inference is busy, throws when the caller is gone. */
  @FunctionalInterface
  public interface Turn {
    void await() throws InterruptedException;

    Turn NOW = () -> {};
  }

  private final ModelRunner runner;
  private final FeatureSpace space;
  private final int chunkRows;
  private final Turn turn;
  private long rowsRun;

  public ModelRows(ModelRunner runner, FeatureSpace space, int chunkRows, Turn turn) {
    this.runner = runner;
    this.space = space;
    this.chunkRows = Math.max(1, chunkRows);
    this.turn = turn;
  }

  public FeatureSpace space() {
    return space;
  }

  /** Model rows run so far. */
  public long rowsRun() {
    return rowsRun;
  }

  /**
   * Runs {@code groups × groupSize} generated rows (row {@code g * groupSize + i} belongs to group
   * {@code g}); returns per group the mean of each explained output column over its rows.
   */
  public double[][] means(int groups, int groupSize, Generator generator)
      throws OrtException, InterruptedException {
    int width = space.features();
    int columns = space.columns();
    double[][] means = new double[groups][columns];
    long total = (long) groups * groupSize;
    double[] row = new double[width];
    for (long start = 0; start < total; start += chunkRows) {
      int n = (int) Math.min(chunkRows, total - start);
      Tensor input = chunk(start, n, generator, row);
      turn.await();
      Map<String, Tensor> outputs = runner.run(Map.of(space.input(), input));
      rowsRun += n;
      int offset = 0;
      for (FeatureSpace.Output output : space.outputs()) {
        Tensor tensor = outputs.get(output.name());
        int per = output.columns();
        if (tensor == null || tensor.elementCount() != (long) n * per) {
          throw new IllegalStateException(
              "output '"
                  + output.name()
                  + "' did not hold "
                  + per
                  + " values per row for "
                  + n
                  + " rows");
        }
        for (int r = 0; r < n; r++) {
          double[] sums = means[(int) ((start + r) / groupSize)];
          for (int c = 0; c < per; c++) {
            sums[offset + c] += valueAt(tensor, r * per + c);
          }
        }
        offset += per;
      }
    }
    for (double[] sums : means) {
      for (int c = 0; c < columns; c++) {
        sums[c] /= groupSize;
      }
    }
    return means;
  }

  private Tensor chunk(long start, int n, Generator generator, double[] row) {
    int width = space.features();
    DataType type = space.inputType();
    Object data = Tensor.newArray(type, n * width);
    for (int r = 0; r < n; r++) {
      generator.fill(start + r, row);
      int offset = r * width;
      if (type == DataType.FP64) {
        System.arraycopy(row, 0, (double[]) data, offset, width);
      } else {
        float[] floats = (float[]) data;
        for (int j = 0; j < width; j++) {
          floats[offset + j] = (float) row[j];
        }
      }
    }
    return new Tensor(space.input(), type, new long[] {n, width}, data);
  }

  /** One element as a double, without the float rounding of {@link Tensor#floatAt}. */
  static double valueAt(Tensor tensor, int index) {
    return switch (tensor.type()) {
      case FP32 -> ((float[]) tensor.data())[index];
      case FP64 -> ((double[]) tensor.data())[index];
      case INT32 -> ((int[]) tensor.data())[index];
      case INT64 -> ((long[]) tensor.data())[index];
      case BOOL -> ((boolean[]) tensor.data())[index] ? 1 : 0;
    };
  }

  /** Rows of a request's input as doubles ({@code rows × features}). */
  static double[][] rowsOf(Tensor input, int features) {
    int rows = (int) input.rows();
    double[][] values = new double[rows][features];
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < features; j++) {
        values[r][j] = valueAt(input, r * features + j);
      }
    }
    return values;
  }
}

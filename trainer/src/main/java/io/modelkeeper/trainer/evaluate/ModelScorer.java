package io.modelkeeper.trainer.evaluate;

import ai.onnxruntime.OrtException;
import io.modelkeeper.server.onnx.DataType;
import io.modelkeeper.server.onnx.ModelRunner;
import io.modelkeeper.server.onnx.ModelSignature;
import io.modelkeeper.server.onnx.Tensor;
import io.modelkeeper.server.onnx.TensorSpec;
import io.modelkeeper.server.quality.ClassificationMetrics;
import io.modelkeeper.server.quality.PredictionReader;
import io.modelkeeper.server.quality.QualityReport;
import io.modelkeeper.server.quality.RegressionWindow;
import io.modelkeeper.server.quality.StoredPrediction;
import io.modelkeeper.server.quality.Task;
import io.modelkeeper.trainer.TrainerException;
import io.modelkeeper.trainer.dataset.DatasetReader.InputShape;
import io.modelkeeper.trainer.dataset.Rows;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores one model file on rows the way the model server does: ONNX Runtime through the server's
 * {@link ModelRunner}, outputs read by its {@link PredictionReader}, figures by its quality window
 * definitions.
 */
public final class ModelScorer implements AutoCloseable {
  static final int BATCH_ROWS = 1024;

  private final String role;
  private final ModelRunner runner;
  private final Task task;
  private final PredictionReader reader;

  private ModelScorer(String role, ModelRunner runner, Task task, PredictionReader reader) {
    this.role = role;
    this.runner = runner;
    this.task = task;
    this.reader = reader;
  }

  /** Loads a model; {@code role} ("candidate", "serving model") names it in errors. */
  public static ModelScorer open(
      String role, Path file, Task task, PredictionReader.Settings settings) {
    ModelRunner runner;
    try {
      runner = ModelRunner.open(file, false, warning -> {});
    } catch (OrtException | RuntimeException e) {
      throw new TrainerException(
          "the " + role + " " + file + " is not a model ONNX Runtime loads: " + firstLine(e));
    }
    try {
      PredictionReader reader =
          PredictionReader.detect(task, outputs(runner.signature()), settings);
      return new ModelScorer(role, runner, task, reader);
    } catch (IllegalArgumentException e) {
      close(runner);
      throw new TrainerException("the " + role + " " + file + ": " + e.getMessage());
    }
  }

  public ModelSignature signature() {
    return runner.signature();
  }

  public List<String> classNames() {
    return reader.classNames();
  }

  /** The model's inputs, in graph order, as dataset rows lay them out. */
  public List<InputShape> inputShapes() {
    List<InputShape> shapes = new ArrayList<>();
    for (TensorSpec spec : runner.signature().inputs()) {
      int width = valuesPerRow(spec);
      if (width < 1) {
        throw new TrainerException(
            "the "
                + role
                + "'s input '"
                + spec.name()
                + "' has shape "
                + spec.shapeText()
                + "; captured rows fit inputs with a fixed number of values per row");
      }
      shapes.add(new InputShape(spec.name(), width));
    }
    return shapes;
  }

  /** The task's figures on the rows. */
  public QualityReport score(Rows rows) {
    int n = rows.size();
    int classes = task.isClassification() ? reader.classNames().size() : 0;
    int[] predicted = new int[n];
    double[] values = new double[n];
    float[] probabilities = new float[n * Math.max(classes, 1)];
    boolean[] scored = new boolean[n];
    List<TensorSpec> inputs = runner.signature().inputs();
    int[] widths = inputs.stream().mapToInt(ModelScorer::valuesPerRow).toArray();
    for (int start = 0; start < n; start += BATCH_ROWS) {
      int end = Math.min(n, start + BATCH_ROWS);
      Map<String, Tensor> tensors = new LinkedHashMap<>();
      float[] block = rows.block(start, end);
      int offset = 0;
      for (int i = 0; i < inputs.size(); i++) {
        tensors.put(
            inputs.get(i).name(),
            tensor(inputs.get(i), block, rows.width(), offset, widths[i], end - start));
        offset += widths[i];
      }
      Map<String, Tensor> outputs;
      try {
        outputs = runner.run(tensors);
      } catch (OrtException e) {
        throw new TrainerException("the " + role + " failed on the held-out rows: " + firstLine(e));
      }
      StoredPrediction prediction;
      try {
        prediction = reader.read(end - start, name -> outputs.get(name)::floatAt);
      } catch (IllegalStateException e) {
        throw new TrainerException("the " + role + "'s outputs are unreadable: " + e.getMessage());
      }
      for (int r = 0; r < end - start; r++) {
        if (task.isClassification()) {
          predicted[start + r] = prediction.classes()[r];
          if (prediction.probabilities() != null) {
            System.arraycopy(
                prediction.probabilities(),
                r * classes,
                probabilities,
                (start + r) * classes,
                classes);
            scored[start + r] = true;
          }
        } else {
          values[start + r] = prediction.values()[r];
        }
      }
    }
    if (!task.isClassification()) {
      return RegressionWindow.compute(n, values, rows.labels());
    }
    int[] actual = new int[n];
    for (int r = 0; r < n; r++) {
      actual[r] = (int) rows.label(r);
    }
    return ClassificationMetrics.compute(
        task, n, reader.classNames(), predicted, actual, probabilities, scored, n);
  }

  private static Tensor tensor(
      TensorSpec spec, float[] block, int rowWidth, int offset, int width, int rows) {
    long[] shape = spec.shape().clone();
    shape[0] = rows;
    Object data = Tensor.newArray(spec.type(), rows * width);
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < width; c++) {
        float value = block[r * rowWidth + offset + c];
        int at = r * width + c;
        switch (spec.type()) {
          case FP32 -> ((float[]) data)[at] = value;
          case FP64 -> ((double[]) data)[at] = value;
          case INT32 -> ((int[]) data)[at] = (int) value;
          case INT64 -> ((long[]) data)[at] = (long) value;
          case BOOL -> ((boolean[]) data)[at] = value != 0;
        }
      }
    }
    return new Tensor(spec.name(), spec.type(), shape, data);
  }

  /**
   * Product of the dimensions after the first; -1 when one is dynamic or there is no batch axis.
   */
  static int valuesPerRow(TensorSpec spec) {
    long[] shape = spec.shape();
    if (shape.length == 0 || shape[0] >= 0) {
      return -1;
    }
    long width = 1;
    for (int d = 1; d < shape.length; d++) {
      if (shape[d] < 0) {
        return -1;
      }
      width *= shape[d];
    }
    return (int) width;
  }

  private static List<PredictionReader.Output> outputs(ModelSignature signature) {
    List<PredictionReader.Output> outputs = new ArrayList<>();
    for (TensorSpec spec : signature.outputs()) {
      boolean floating = spec.type() == DataType.FP32 || spec.type() == DataType.FP64;
      outputs.add(new PredictionReader.Output(spec.name(), floating, valuesPerRow(spec)));
    }
    return outputs;
  }

  private static String firstLine(Exception e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  private static void close(ModelRunner runner) {
    try {
      runner.close();
    } catch (OrtException e) {
      // closing a session that never ran
    }
  }

  @Override
  public void close() {
    close(runner);
  }
}

package io.modelkeeper.server.quality;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelkeeper.server.capture.CapturedRow;
import io.modelkeeper.server.capture.DatasetWriter;
import io.modelkeeper.server.drift.DriftMonitor;
import io.modelkeeper.server.drift.DriftReport;
import io.modelkeeper.server.drift.FeatureReference;
import io.modelkeeper.server.quality.PredictionReader.TensorRows;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Quality monitoring of one served model version: remembers each prediction, joins feedback labels
 * to it, keeps the quality window and the drift window, and hands labelled rows to the dataset
 * capture.
 */
public final class ModelQuality {
  private final Task task;
  private final PredictionReader reader;
  private final LabelReader labels;
  private final InputLayout inputs;
  private final PredictionStore store;
  private final QualityWindow window;
  private final DriftMonitor drift;
  private final DatasetWriter capture;
  private final Clock clock;
  private final int[] driftInput;
  private final int[] driftColumn;
  private final Map<FeedbackStatus, LongAdder> feedback = new EnumMap<>(FeedbackStatus.class);
  private final LongAdder unreadable = new LongAdder();
  private volatile Runnable referenceReady = () -> {};

  /**
   * @param drift null turns drift off
   * @param capture null turns dataset capture off (then inputs are not kept in the store)
   */
  public ModelQuality(
      Task task,
      PredictionReader reader,
      InputLayout inputs,
      PredictionStore store,
      int windowSize,
      DriftMonitor drift,
      DatasetWriter capture,
      Clock clock) {
    this.task = task;
    this.reader = reader;
    this.labels = new LabelReader(task, reader.classNames());
    this.inputs = inputs;
    this.store = store;
    this.window = QualityWindow.create(task, windowSize, reader.classNames());
    this.drift = drift;
    this.capture = capture;
    this.clock = clock;
    List<FeatureReference> columns = drift == null ? List.of() : drift.columns();
    this.driftInput = new int[columns.size()];
    this.driftColumn = new int[columns.size()];
    for (int f = 0; f < columns.size(); f++) {
      driftInput[f] = inputs.names().indexOf(columns.get(f).input());
      driftColumn[f] = columns.get(f).column();
    }
    for (FeedbackStatus status : FeedbackStatus.values()) {
      feedback.put(status, new LongAdder());
    }
  }

  /**
   * Records a successful inference. Cheap: the prediction is read from the outputs, the drift
   * features are copied into the drift window, and the prediction is stored under its id.
   */
  public void inferred(
      String id,
      int rows,
      Function<String, TensorRows> inputValues,
      Function<String, TensorRows> outputValues) {
    if (rows == 0) {
      return;
    }
    StoredPrediction prediction;
    try {
      prediction = reader.read(rows, outputValues);
    } catch (IllegalStateException e) {
      unreadable.add(rows);
      return;
    }
    TensorRows[] tensors = new TensorRows[inputs.names().size()];
    for (int i = 0; i < tensors.length; i++) {
      tensors[i] = inputValues.apply(inputs.names().get(i));
    }
    if (drift != null) {
      recordDrift(prediction, rows, tensors);
    }
    if (capture != null) {
      prediction =
          new StoredPrediction(
              rows,
              prediction.classes(),
              prediction.values(),
              prediction.probabilities(),
              keptInputs(rows, tensors));
    }
    store.remember(id, prediction);
  }

  private void recordDrift(StoredPrediction prediction, int rows, TensorRows[] tensors) {
    int width = driftInput.length;
    float[] features = new float[rows * width];
    float[] predicted = drift.tracksPrediction() ? new float[rows] : null;
    for (int row = 0; row < rows; row++) {
      for (int f = 0; f < width; f++) {
        TensorRows tensor = tensors[driftInput[f]];
        features[row * width + f] =
            tensor.at(row * inputs.widths()[driftInput[f]] + driftColumn[f]);
      }
      if (predicted != null) {
        predicted[row] =
            (float)
                (task.isClassification() ? prediction.classes()[row] : prediction.values()[row]);
      }
    }
    if (drift.record(features, rows, predicted)) {
      referenceReady.run();
    }
  }

  /** Runs once the captured drift reference is complete, outside the drift monitor's lock. */
  public void onReferenceReady(Runnable action) {
    this.referenceReady = action;
  }

  private float[] keptInputs(int rows, TensorRows[] tensors) {
    int rowWidth = inputs.rowWidth();
    float[] kept = new float[rows * rowWidth];
    for (int row = 0; row < rows; row++) {
      int offset = row * rowWidth;
      for (int i = 0; i < tensors.length; i++) {
        int width = inputs.widths()[i];
        for (int c = 0; c < width; c++) {
          kept[offset + c] = tensors[i].at(row * width + c);
        }
        offset += width;
      }
    }
    return kept;
  }

  /** Joins labels to predictions; one result per item, in order. */
  public List<FeedbackResult> feedback(List<JsonNode> items) {
    List<FeedbackResult> results = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      FeedbackResult result = feedbackItem(items.get(i), "item " + i);
      feedback.get(result.status()).increment();
      results.add(result);
    }
    return results;
  }

  /** Counts an item refused before it reached this pod's predictions (see FeedbackForwarding). */
  public void refused(FeedbackStatus status) {
    feedback.get(status).increment();
  }

  private FeedbackResult feedbackItem(JsonNode item, String where) {
    if (item == null || !item.isObject()) {
      return new FeedbackResult(
          null,
          FeedbackStatus.INVALID,
          where + " must be an object like {\"id\": \"…\", \"label\": 1}");
    }
    JsonNode idNode = item.get("id");
    if (idNode == null || !idNode.isTextual() || idNode.textValue().isEmpty()) {
      return new FeedbackResult(
          null, FeedbackStatus.INVALID, where + ": id is required, the inference id as a string");
    }
    String id = idNode.textValue();
    JsonNode label = item.get("label");
    if (label == null) {
      return new FeedbackResult(id, FeedbackStatus.INVALID, where + ": label is required");
    }
    double[][] read = new double[1][];
    PredictionStore.Taken taken =
        store.take(id, prediction -> read[0] = labels.read(label, prediction.rows()));
    if (taken.status() != FeedbackStatus.OK) {
      return new FeedbackResult(id, taken.status(), taken.message());
    }
    labelled(id, taken.prediction(), read[0]);
    return new FeedbackResult(id, FeedbackStatus.OK, null);
  }

  private void labelled(String id, StoredPrediction prediction, double[] rowLabels) {
    for (int row = 0; row < prediction.rows(); row++) {
      if (window instanceof ClassificationWindow classes) {
        classes.record(
            prediction.classes()[row], (int) rowLabels[row], prediction.rowProbabilities(row));
      } else if (window instanceof RegressionWindow values) {
        values.record(prediction.values()[row], rowLabels[row]);
      }
      if (capture != null) {
        capture.append(capturedRow(id, prediction, row, rowLabels[row]));
      }
    }
  }

  private CapturedRow capturedRow(String id, StoredPrediction prediction, int row, double label) {
    Map<String, float[]> features = new LinkedHashMap<>();
    float[] all = prediction.rowFeatures(row);
    int offset = 0;
    for (int i = 0; i < inputs.names().size(); i++) {
      int width = inputs.widths()[i];
      float[] values = new float[width];
      System.arraycopy(all, offset, values, 0, width);
      features.put(inputs.names().get(i), values);
      offset += width;
    }
    if (!task.isClassification()) {
      return new CapturedRow(
          clock.instant(), id, row, features, label, prediction.values()[row], null, null);
    }
    int predicted = prediction.classes()[row];
    float[] probabilities = prediction.rowProbabilities(row);
    Double score =
        probabilities == null
            ? null
            : (double) probabilities[task == Task.BINARY_CLASSIFICATION ? 1 : predicted];
    return new CapturedRow(
        clock.instant(), id, row, features, (int) label, predicted, score, probabilities);
  }

  public Task task() {
    return task;
  }

  public List<String> classNames() {
    return reader.classNames();
  }

  public QualityReport quality() {
    return window.report();
  }

  /** Drift now, or null when drift is off. */
  public DriftReport drift() {
    return drift == null ? null : drift.report();
  }

  public DriftMonitor driftMonitor() {
    return drift;
  }

  public PredictionStore store() {
    return store;
  }

  public DatasetWriter capture() {
    return capture;
  }

  /** Predicted rows that received a label. */
  public long labelledTotal() {
    return window.labelledTotal();
  }

  /** Predicted rows whose outputs could not be read as a prediction (e.g. a class out of range). */
  public long unreadableTotal() {
    return unreadable.sum();
  }

  /** Feedback items answered with this status so far. */
  public long feedbackTotal(FeedbackStatus status) {
    return feedback.get(status).sum();
  }
}

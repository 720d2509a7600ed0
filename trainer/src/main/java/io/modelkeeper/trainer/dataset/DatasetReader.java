package io.modelkeeper.trainer.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelkeeper.contract.Holdout;
import io.modelkeeper.server.capture.DatasetFiles;
import io.modelkeeper.server.quality.Task;
import io.modelkeeper.trainer.TrainerException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the dataset-capture files the model server writes ({@code *.jsonl}, and the whole lines of
 * {@code *.jsonl.part} files that a writer left behind) into training and held-out rows. Files are
 * only read, never changed, since the directory is mounted read-only. A last line without its
 * newline is torn (its writer stopped mid-line) and is skipped, as the server's own reader does.
 */
public final class DatasetReader {
  /** Longest line read; a captured row is far shorter. */
  static final int MAX_LINE_BYTES = 16 << 20;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** What rows must look like, and which to keep. */
  public record Criteria(
      Task task,
      Optional<List<InputShape>> inputs,
      int classes,
      double holdoutFraction,
      Optional<Duration> maxAge,
      Instant now) {}

  /** A model input rows are read for: its name and values per row. */
  public record InputShape(String name, int width) {}

  /** The rows of the dataset, split by the held-out rule, and what was left out and why. */
  public record Dataset(
      List<InputShape> inputs,
      Rows training,
      Rows heldOut,
      int files,
      long tooOld,
      long tornLines,
      long unreadableLines) {}

  private final Criteria criteria;
  private List<InputShape> inputs;
  private Rows training;
  private Rows heldOut;
  private long tooOld;
  private long torn;
  private long unreadable;

  private DatasetReader(Criteria criteria) {
    this.criteria = criteria;
    this.inputs = criteria.inputs().orElse(null);
    if (inputs != null) {
      start(inputs);
    }
  }

  /** Reads every dataset file of the directory; an error names the file and line. */
  public static Dataset read(Path directory, Criteria criteria) {
    if (!Files.isDirectory(directory)) {
      throw new TrainerException("dataset directory " + directory + " does not exist");
    }
    List<Path> files;
    try {
      files = DatasetFiles.list(directory);
    } catch (IOException e) {
      throw new TrainerException("cannot list dataset directory " + directory + ": " + e);
    }
    DatasetReader reader = new DatasetReader(criteria);
    for (Path file : files) {
      reader.readFile(published(file, files));
    }
    if (reader.inputs == null) {
      throw new TrainerException(
          "no rows in "
              + directory
              + " ("
              + files.size()
              + " dataset files): nothing to train on; the model server captures labelled rows"
              + " when MODELKEEPER_CAPTURE_DIR is set");
    }
    return new Dataset(
        reader.inputs,
        reader.training,
        reader.heldOut,
        files.size(),
        reader.tooOld,
        reader.torn,
        reader.unreadable);
  }

  /**
   * A {@code .part} file that its writer finished after the listing has become {@code .jsonl}: that
   * file is read instead (once), so a live writer's rename does not fail the run.
   */
  static Path published(Path file, List<Path> listed) {
    String name = file.getFileName().toString();
    if (Files.exists(file) || !name.endsWith(DatasetFiles.IN_PROGRESS)) {
      return file;
    }
    Path finished =
        file.resolveSibling(
            name.substring(0, name.length() - DatasetFiles.IN_PROGRESS.length())
                + DatasetFiles.FINISHED);
    return listed.contains(finished) ? null : finished;
  }

  private void readFile(Path file) {
    if (file == null || !Files.exists(file)) {
      return;
    }
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
      long number = 0;
      int b;
      while ((b = in.read()) >= 0) {
        if (b != '\n') {
          if (line.size() >= MAX_LINE_BYTES) {
            throw new TrainerException(
                file.getFileName() + " line " + (number + 1) + " is longer than 16 MiB");
          }
          line.write(b);
          continue;
        }
        number++;
        if (line.size() > 0) {
          readLine(line.toByteArray(), file, number);
        }
        line.reset();
      }
      if (line.size() > 0) {
        torn++;
      }
    } catch (IOException e) {
      throw new TrainerException("cannot read dataset file " + file + ": " + e.getMessage(), e);
    }
  }

  private void readLine(byte[] bytes, Path file, long number) {
    JsonNode row;
    try {
      row = JSON.readTree(bytes);
    } catch (IOException e) {
      unreadable++;
      return;
    }
    String where = file.getFileName() + " line " + number;
    JsonNode id = row.get("id");
    JsonNode position = row.get("row");
    JsonNode features = row.get("features");
    if (id == null
        || !id.isTextual()
        || position == null
        || !position.canConvertToLong()
        || features == null
        || !features.isObject()) {
      unreadable++;
      return;
    }
    if (criteria.maxAge().isPresent() && isTooOld(row.get("time"))) {
      tooOld++;
      return;
    }
    float[] values = features(features, where);
    double label = label(row.get("label"), where);
    boolean held =
        Holdout.isHeldOut(id.textValue(), position.longValue(), criteria.holdoutFraction());
    (held ? heldOut : training).add(values, label);
  }

  private boolean isTooOld(JsonNode time) {
    if (time == null || !time.isTextual()) {
      return true;
    }
    try {
      Instant at = Instant.parse(time.textValue());
      return at.isBefore(criteria.now().minus(criteria.maxAge().get()));
    } catch (DateTimeParseException e) {
      return true;
    }
  }

  private void start(List<InputShape> shapes) {
    int width = 0;
    for (InputShape shape : shapes) {
      width += shape.width();
    }
    training = new Rows(width);
    heldOut = new Rows(width);
  }

  /** The row's values, inputs one after the other in the model's order. */
  private float[] features(JsonNode features, String where) {
    if (inputs == null) {
      List<InputShape> found = new ArrayList<>();
      for (var it = features.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> input = it.next();
        if (!input.getValue().isArray() || input.getValue().isEmpty()) {
          throw new TrainerException(
              where + ": features." + input.getKey() + " must be an array of numbers");
        }
        found.add(new InputShape(input.getKey(), input.getValue().size()));
      }
      if (found.isEmpty()) {
        throw new TrainerException(where + ": features has no input");
      }
      inputs = List.copyOf(found);
      start(inputs);
    }
    if (features.size() != inputs.size()) {
      throw new TrainerException(
          where + ": the row's inputs are " + names(features) + ", the model takes " + inputs);
    }
    float[] row = new float[training.width()];
    int offset = 0;
    for (InputShape input : inputs) {
      JsonNode values = features.get(input.name());
      if (values == null) {
        throw new TrainerException(
            where + ": the row's inputs are " + names(features) + ", the model takes " + inputs);
      }
      if (!values.isArray() || values.size() != input.width()) {
        throw new TrainerException(
            where
                + ": input '"
                + input.name()
                + "' has "
                + (values.isArray() ? values.size() + " values" : "no array")
                + ", the model takes "
                + input.width()
                + " per row");
      }
      for (int i = 0; i < input.width(); i++) {
        JsonNode value = values.get(i);
        if (!value.isNumber()) {
          throw new TrainerException(
              where + ": features." + input.name() + "[" + i + "] is not a number");
        }
        row[offset++] = value.floatValue();
      }
    }
    return row;
  }

  private double label(JsonNode label, String where) {
    if (label == null || !label.isNumber() || !Double.isFinite(label.doubleValue())) {
      throw new TrainerException(
          where
              + ": label must be "
              + (criteria.task().isClassification() ? "a class index" : "a number")
              + ", got "
              + label);
    }
    double value = label.doubleValue();
    if (criteria.task().isClassification()) {
      int classes = criteria.classes();
      if (value != Math.rint(value) || value < 0 || (classes > 0 && value >= classes)) {
        throw new TrainerException(
            where
                + ": label "
                + label
                + " is not a class of this "
                + criteria.task().id()
                + " model (0.."
                + (classes > 0 ? classes - 1 : "n")
                + "); is MODELKEEPER_TASK right?");
      }
    }
    return value;
  }

  private static String names(JsonNode features) {
    StringBuilder names = new StringBuilder("[");
    for (Iterator<String> it = features.fieldNames(); it.hasNext(); ) {
      names.append(it.next()).append(it.hasNext() ? ", " : "");
    }
    return names.append("]").toString();
  }
}

package io.modelkeeper.server.quality;

import io.modelkeeper.contract.DatasetBucket;
import io.modelkeeper.server.capture.CaptureUploader;
import io.modelkeeper.server.capture.DatasetWriter;
import io.modelkeeper.server.drift.DriftMonitor;
import io.modelkeeper.server.drift.FeatureReference;
import io.modelkeeper.server.drift.ReferenceStatistics;
import io.modelkeeper.server.fetch.DatasetUpload;
import io.modelkeeper.server.fetch.FetchException;
import io.modelkeeper.server.onnx.DataType;
import io.modelkeeper.server.onnx.ModelSignature;
import io.modelkeeper.server.onnx.TensorSpec;
import io.quarkus.runtime.configuration.MemorySize;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Builds the quality monitoring of a loaded model from the settings and the model's signature. */
final class QualitySetup {
  static final String REFERENCE_FILE = "reference.json";

  /** A failed upload is tried again after 5 s, then up to every 5 min; a quiet pass each minute. */
  static final CaptureUploader.Timing UPLOAD_TIMING =
      new CaptureUploader.Timing(
          Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(1));

  /** The built monitoring, plus why drift is off when a reference could not be used. */
  record Built(ModelQuality quality, String driftProblem, String outputsRead) {}

  private QualitySetup() {}

  static Built build(
      QualityConfig config,
      Task task,
      ModelSignature signature,
      String model,
      String version,
      Optional<Path> modelFile)
      throws IOException {
    PredictionReader reader =
        PredictionReader.detect(
            task,
            outputs(signature),
            new PredictionReader.Settings(
                config.predictionOutput(),
                config.scoreOutput(),
                PredictionReader.ScoreKind.parse(config.scoreKind()),
                config.classNames().orElse(List.of())));
    InputLayout inputs = inputs(signature);
    var store = config.predictionStore();
    if (config.quality().window() < 1) {
      throw new IllegalArgumentException(
          "MODELKEEPER_QUALITY_WINDOW must be 1 or more, got " + config.quality().window());
    }
    PredictionStore predictions =
        new PredictionStore(
            store.size(),
            store.maxAge(),
            store
                .maxBytes()
                .map(MemorySize::asLongValue)
                .orElse(Runtime.getRuntime().maxMemory() / 8),
            System::currentTimeMillis);
    String driftProblem = null;
    DriftMonitor drift = null;
    if (config.drift().enabled()) {
      try {
        drift = drift(config.drift(), inputs, modelFile);
      } catch (IllegalArgumentException | IOException e) {
        driftProblem = e.getMessage();
      }
    }
    DatasetWriter capture = null;
    if (config.capture().dir().isPresent()) {
      var settings = config.capture();
      capture =
          new DatasetWriter(
              Path.of(settings.dir().get()),
              model,
              version,
              Optional.ofNullable(System.getenv("HOSTNAME")).orElse("local"),
              new DatasetWriter.Limits(
                  settings.maxFileSize().asLongValue(),
                  settings.maxFileAge(),
                  settings.flushInterval(),
                  1000,
                  settings.queue()),
              Clock.systemUTC(),
              uploader(Path.of(settings.dir().get()), System.getenv()));
    }
    ModelQuality quality =
        new ModelQuality(
            task,
            reader,
            inputs,
            predictions,
            config.quality().window(),
            drift,
            capture,
            Clock.systemUTC());
    return new Built(quality, driftProblem, reader.describe());
  }

  /**
   * With spec.dataset.uri ({@link DatasetBucket#URI}), what moves finished capture files to the
   * bucket; null when they stay where they are written. Settings that cannot be used leave the
   * files here, every attempt failing with the reason (logged and counted), rather than turning
   * quality monitoring off.
   */
  static CaptureUploader uploader(Path directory, Map<String, String> env) {
    CaptureUploader.Store store;
    try {
      Optional<DatasetUpload> upload = DatasetUpload.fromEnv(env);
      if (upload.isEmpty()) {
        return null;
      }
      DatasetUpload bucket = upload.get();
      store =
          new CaptureUploader.Store() {
            @Override
            public void put(Path file) throws FetchException {
              bucket.put(file);
            }

            @Override
            public void close() {
              bucket.close();
            }
          };
    } catch (FetchException e) {
      store =
          file -> {
            throw e;
          };
    }
    return new CaptureUploader(directory, store, UPLOAD_TIMING);
  }

  private static DriftMonitor drift(
      QualityConfig.DriftSettings settings, InputLayout inputs, Optional<Path> modelFile)
      throws IOException {
    DriftMonitor.Settings sizes =
        new DriftMonitor.Settings(
            settings.window(), settings.referenceSize(), settings.alpha(), Duration.ofSeconds(1));
    Optional<Path> file = settings.reference().map(QualitySetup::localPath);
    if (file.isPresent() && !Files.isRegularFile(file.get())) {
      throw new IllegalArgumentException("MODELKEEPER_DRIFT_REFERENCE: no file at " + file.get());
    }
    if (file.isEmpty()) {
      // Beside the model as loaded: a local model's own directory, or where a remote one and its
      // reference were downloaded to.
      file =
          modelFile.map(model -> model.resolveSibling(REFERENCE_FILE)).filter(Files::isRegularFile);
    }
    long budget = settings.maxBytes().asLongValue();
    if (file.isPresent()) {
      // The file is read as text and then as a tree: three to four times its size at the peak.
      long size = Files.size(file.get());
      if (4 * size > budget) {
        throw new IllegalArgumentException(
            file.get().getFileName()
                + " is "
                + size
                + " bytes; reading it would take more than the "
                + budget
                + " bytes of MODELKEEPER_DRIFT_MAX_BYTES");
      }
      ReferenceStatistics shipped = ReferenceStatistics.read(file.get());
      ReferenceStatistics resolved =
          new ReferenceStatistics(
              shipped.format(),
              shipped.description(),
              inputs.resolve(shipped.features()),
              shipped.prediction());
      checkBudget(resolved.features(), referenceBytes(resolved), settings.window(), 0, budget);
      return DriftMonitor.against(resolved, sizes);
    }
    if (inputs.names().isEmpty()) {
      throw new IllegalArgumentException(
          "no model input has a fixed number of values per row, so there is nothing to track");
    }
    List<FeatureReference> columns = inputs.defaultFeatures(settings.maxFeatures());
    checkBudget(columns, 0, settings.window(), settings.referenceSize(), budget);
    return DriftMonitor.capturing(columns, true, sizes);
  }

  /**
   * Refuses drift settings whose rows (recent and captured, a float per column) pass the budget.
   */
  private static void checkBudget(
      List<FeatureReference> columns, long reference, int window, int captured, long budget) {
    // One float per column and one for the prediction, for each recent and each captured row.
    long rows = (long) window + captured;
    long bytes = reference + rows * (columns.size() + 1) * 4L;
    if (bytes > budget) {
      throw new IllegalArgumentException(
          "drift monitoring would keep "
              + bytes
              + " bytes ("
              + columns.size()
              + " columns, "
              + window
              + " recent rows"
              + (captured > 0 ? ", " + captured + " captured reference rows" : "")
              + "), more than the "
              + budget
              + " bytes of MODELKEEPER_DRIFT_MAX_BYTES");
    }
  }

  private static long referenceBytes(ReferenceStatistics reference) {
    long bytes = 0;
    List<FeatureReference> all = new ArrayList<>(reference.features());
    if (reference.prediction() != null) {
      all.add(reference.prediction());
    }
    for (FeatureReference feature : all) {
      bytes +=
          8L * (length(feature.edges()) + length(feature.proportions()) + length(feature.sample()));
    }
    return bytes;
  }

  private static int length(double[] values) {
    return values == null ? 0 : values.length;
  }

  private static Path localPath(String uri) {
    return uri.toLowerCase(Locale.ROOT).startsWith("file:")
        ? Path.of(URI.create(uri))
        : Path.of(uri);
  }

  private static List<PredictionReader.Output> outputs(ModelSignature signature) {
    List<PredictionReader.Output> outputs = new ArrayList<>();
    for (TensorSpec spec : signature.outputs()) {
      boolean floating = spec.type() == DataType.FP32 || spec.type() == DataType.FP64;
      outputs.add(new PredictionReader.Output(spec.name(), floating, valuesPerRow(spec)));
    }
    return outputs;
  }

  /** Inputs with a fixed row size, the only ones drift and capture can lay out as columns. */
  private static InputLayout inputs(ModelSignature signature) {
    List<String> names = new ArrayList<>();
    List<Integer> widths = new ArrayList<>();
    for (TensorSpec spec : signature.inputs()) {
      int width = valuesPerRow(spec);
      if (width > 0) {
        names.add(spec.name());
        widths.add(width);
      }
    }
    return new InputLayout(names, widths.stream().mapToInt(Integer::intValue).toArray());
  }

  /** Product of the dimensions after the first; -1 when one of them is dynamic. */
  private static int valuesPerRow(TensorSpec spec) {
    long[] shape = spec.shape();
    long width = 1;
    for (int d = 1; d < shape.length; d++) {
      if (shape[d] < 0) {
        return -1;
      }
      width *= shape[d];
    }
    return (int) width;
  }
}

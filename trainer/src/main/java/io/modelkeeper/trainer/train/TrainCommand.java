package io.modelkeeper.trainer.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelkeeper.contract.TrainingContract;
import io.modelkeeper.server.drift.ReferenceStatistics;
import io.modelkeeper.server.fetch.FetchException;
import io.modelkeeper.server.fetch.S3Upload;
import io.modelkeeper.server.models.DenseNetwork;
import io.modelkeeper.server.models.SampleModelWriter;
import io.modelkeeper.server.quality.Task;
import io.modelkeeper.trainer.Environment;
import io.modelkeeper.trainer.Results;
import io.modelkeeper.trainer.RunSettings;
import io.modelkeeper.trainer.TrainerException;
import io.modelkeeper.trainer.curves.TrainingCurves;
import io.modelkeeper.trainer.dataset.DatasetReader;
import io.modelkeeper.trainer.dataset.DatasetReader.Dataset;
import io.modelkeeper.trainer.dataset.DatasetReader.InputShape;
import io.modelkeeper.trainer.dataset.Rows;
import io.modelkeeper.trainer.model.BaseModel;
import io.modelkeeper.trainer.model.ModelShape;
import io.modelkeeper.trainer.model.Network;
import io.modelkeeper.trainer.model.Scaling;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code train}: reads the captured rows, trains from scratch ({@code full}) or from the serving
 * model's weights ({@code incremental}), and writes {@code model.onnx} with the base model's
 * signature, its sha256, {@code reference.json} and {@code metrics.json}.
 */
public final class TrainCommand {

  /** What the run did: the termination message, and the trained network behind the file. */
  public record Outcome(
      String summary,
      Path model,
      String sha256,
      String mode,
      Optional<String> fallback,
      int epochs,
      Map<String, Double> metrics,
      Network network,
      Scaling scaling,
      ModelShape shape) {}

  private TrainCommand() {}

  /** Where training starts: fresh or the base model's weights, and why not the latter. */
  private record Start(Network network, Optional<String> fallback) {}

  public static Outcome run(Environment env, Clock clock, PrintStream out, PrintStream err) {
    RunSettings settings = RunSettings.from(env);
    Hyperparameters parameters = Hyperparameters.from(env);
    boolean incremental = incremental(env);
    Optional<BaseModel> base = base(env, settings.task(), incremental);
    Dataset dataset = read(settings, base, clock);
    checkRows(dataset, parameters);
    ModelShape shape =
        base.map(BaseModel::shape).orElseGet(() -> freshShape(settings.task(), dataset));
    Rows training = dataset.training();
    Scaling scaling = Scaling.of(training, !settings.task().isClassification());
    Start start = start(base, incremental, shape, scaling, parameters, err);
    String mode = incremental && start.fallback().isEmpty() ? "incremental" : "full";
    int epochs = parameters.epochsFor(mode.equals("incremental"));

    Results results = new Results(settings.outputDir());
    String figure = Predictions.mainFigureName(shape.output());
    try (TrainingCurves curves =
        TrainingCurves.open(settings.outputDir(), TrainingCurves.host(env), clock, out, err)) {
      new Trainer(shape.output(), scaling, parameters)
          .train(
              start.network(),
              training,
              dataset.heldOut(),
              epochs,
              epoch -> curves.step(epoch.epoch(), figures(epoch, figure)));
    }

    Map<String, Double> metrics = new LinkedHashMap<>();
    Predictions onTraining = Predictions.of(start.network(), shape.output(), scaling, training);
    metrics.put("train_loss", onTraining.loss());
    if (dataset.heldOut().size() > 0) {
      Predictions onHeldOut =
          Predictions.of(start.network(), shape.output(), scaling, dataset.heldOut());
      metrics.put("val_loss", onHeldOut.loss());
      metrics.putAll(onHeldOut.figures(dataset.heldOut()).metrics());
    }
    metrics.put("epochs", (double) epochs);
    metrics.put("rows_training", (double) training.size());
    metrics.put("rows_held_out", (double) dataset.heldOut().size());

    byte[] model = start.network().toOnnx(shape, scaling);
    String sha256 = SampleModelWriter.sha256(model);
    results.write(TrainingContract.MODEL_FILE, model);
    results.write(TrainingContract.MODEL_SHA256_FILE, sha256.getBytes(StandardCharsets.US_ASCII));
    ReferenceStatistics reference =
        TrainingReference.of(
            shape.inputName(),
            training,
            predictedValues(onTraining),
            "training rows of run " + settings.run() + " (" + training.size() + " rows)");
    results.write(
        TrainingContract.REFERENCE_FILE, reference.toJson().getBytes(StandardCharsets.UTF_8));
    results.writeJson(TrainingContract.METRICS_FILE, Results.figures(metrics));
    upload(env, settings.outputDir(), err);

    String summary =
        summary(
            sha256,
            dataset,
            mode,
            start.fallback(),
            epochs,
            metrics,
            List.of("train_loss", "val_loss", figure));
    return new Outcome(
        summary,
        settings.outputDir().resolve(TrainingContract.MODEL_FILE),
        sha256,
        mode,
        start.fallback(),
        epochs,
        metrics,
        start.network(),
        scaling,
        shape);
  }

  /**
   * With spec.output.uri, writes the results to the run's s3:// prefix: the model last, so an
   * object model.onnx means the others are there too.
   */
  private static void upload(Environment env, Path dir, PrintStream err) {
    try {
      Optional<URI> target = S3Upload.target(env.values());
      if (target.isEmpty()) {
        return;
      }
      List<URI> written =
          S3Upload.upload(
              env.values(),
              target.get(),
              dir,
              List.of(
                  TrainingContract.REFERENCE_FILE,
                  TrainingContract.METRICS_FILE,
                  TrainingContract.MODEL_SHA256_FILE,
                  TrainingContract.MODEL_FILE));
      written.forEach(uri -> err.println("uploaded " + uri));
    } catch (FetchException e) {
      throw new TrainerException("upload to spec.output.uri failed: " + e.getMessage());
    }
  }

  /** The metrics printed after an epoch, in this order. */
  private static Map<String, Double> figures(Trainer.Epoch epoch, String figure) {
    Map<String, Double> figures = new LinkedHashMap<>();
    figures.put("train_loss", epoch.trainLoss());
    figures.put("val_loss", epoch.valLoss());
    figures.put("val_" + figure, epoch.valFigure());
    return figures;
  }

  private static boolean incremental(Environment env) {
    String mode = env.get(TrainingContract.TRAINING_MODE).orElse("full");
    if (!mode.equals("full") && !mode.equals("incremental")) {
      throw new TrainerException(
          TrainingContract.TRAINING_MODE + " must be full or incremental, got '" + mode + "'");
    }
    return mode.equals("incremental");
  }

  private static Optional<BaseModel> base(Environment env, Task task, boolean incremental) {
    Optional<Path> path = env.path(TrainingContract.BASE_MODEL);
    if (incremental && path.isEmpty()) {
      throw new TrainerException(
          "incremental training starts from the serving model: set "
              + TrainingContract.BASE_MODEL
              + " to its model.onnx");
    }
    return path.map(file -> BaseModel.read(file, task));
  }

  /** The rows, read in the base model's layout when there is one. */
  private static Dataset read(RunSettings settings, Optional<BaseModel> base, Clock clock) {
    Task task = settings.task();
    return DatasetReader.read(
        settings.datasetDir(),
        new DatasetReader.Criteria(
            task,
            base.map(b -> List.of(new InputShape(b.shape().inputName(), b.shape().inputWidth()))),
            base.map(b -> b.shape().output().classes())
                .orElse(task == Task.BINARY_CLASSIFICATION ? 2 : 0),
            settings.holdoutFraction(),
            settings.maxAge(),
            clock.instant()));
  }

  /**
   * The base model's weights for an incremental run that can read them; else fresh weights, with
   * the hidden layers asked for, or the base model's, or none.
   */
  private static Start start(
      Optional<BaseModel> base,
      boolean incremental,
      ModelShape shape,
      Scaling scaling,
      Hyperparameters parameters,
      PrintStream err) {
    Optional<DenseNetwork> weights = base.flatMap(BaseModel::weights);
    boolean regression = !shape.output().task().isClassification();
    if (incremental && weights.isPresent()) {
      Network network = Network.fromDenseNetwork(weights.get(), scaling, regression);
      parameters
          .hiddenUnits()
          .filter(hidden -> !Arrays.equals(hidden, network.hidden()))
          .ifPresent(
              hidden ->
                  err.println(
                      "hidden_units "
                          + Arrays.toString(hidden)
                          + " is ignored: incremental training keeps the base model's layers "
                          + Arrays.toString(network.hidden())));
      return new Start(network, Optional.empty());
    }
    Optional<String> fallback = Optional.empty();
    if (incremental) {
      fallback =
          Optional.of(
              "the base model's weights are not readable ("
                  + base.get().unreadable().orElse("unknown graph")
                  + "), so training starts from scratch");
      err.println("falling back to full training: " + fallback.get());
    }
    int[] hidden =
        parameters
            .hiddenUnits()
            .orElseGet(
                () ->
                    weights
                        .map(
                            n ->
                                n.layers().subList(0, n.layers().size() - 1).stream()
                                    .mapToInt(DenseNetwork.Layer::outputs)
                                    .toArray())
                        .orElse(new int[0]));
    return new Start(
        Network.initial(shape.inputWidth(), hidden, shape.output().width(), parameters.seed()),
        fallback);
  }

  /** The termination message: short JSON, well under Kubernetes' 4096 bytes. */
  private static String summary(
      String sha256,
      Dataset dataset,
      String mode,
      Optional<String> fallback,
      int epochs,
      Map<String, Double> metrics,
      List<String> figures) {
    ObjectNode summary = Results.JSON.createObjectNode();
    summary.put("model", TrainingContract.MODEL_FILE);
    summary.put("sha256", sha256);
    ObjectNode rows = summary.putObject("rows");
    rows.put("training", dataset.training().size());
    rows.put("heldOut", dataset.heldOut().size());
    if (dataset.tooOld() + dataset.unreadableLines() + dataset.tornLines() > 0) {
      ObjectNode skipped = summary.putObject("skipped");
      skipped.put("tooOld", dataset.tooOld());
      skipped.put("unreadable", dataset.unreadableLines());
      skipped.put("tornLines", dataset.tornLines());
    }
    summary.put("mode", mode);
    fallback.ifPresent(reason -> summary.put("fallback", shorten(reason, 600)));
    summary.put("epochs", epochs);
    ObjectNode values = summary.putObject("metrics");
    for (String name : figures) {
      if (metrics.containsKey(name)) {
        values.put(name, Results.finite(metrics.get(name)));
      }
    }
    return Results.compact(summary);
  }

  private static void checkRows(Dataset dataset, Hyperparameters parameters) {
    int training = dataset.training().size();
    String counts =
        training
            + " training rows, "
            + dataset.heldOut().size()
            + " held out, "
            + dataset.tooOld()
            + " older than the maximum age, in "
            + dataset.files()
            + " files";
    if (training == 0) {
      throw new TrainerException("no rows to train on: " + counts);
    }
    if (training < parameters.minRows()) {
      throw new TrainerException(
          "too few rows to train on: "
              + counts
              + "; at least "
              + parameters.minRows()
              + " needed ("
              + TrainingContract.PARAM_PREFIX
              + "MIN_ROWS)");
    }
  }

  private static ModelShape freshShape(Task task, Dataset dataset) {
    if (dataset.inputs().size() != 1) {
      throw new TrainerException(
          "rows have inputs "
              + dataset.inputs()
              + "; without a base model the reference trainer takes rows of one input");
    }
    int classes = 0;
    if (task == Task.MULTICLASS_CLASSIFICATION) {
      double max = 0;
      for (Rows rows : List.of(dataset.training(), dataset.heldOut())) {
        for (int r = 0; r < rows.size(); r++) {
          max = Math.max(max, rows.label(r));
        }
      }
      classes = (int) max + 1;
    }
    InputShape input = dataset.inputs().get(0);
    return BaseModel.fresh(task, input.name(), input.width(), classes);
  }

  private static double[] predictedValues(Predictions predictions) {
    if (predictions.values() != null) {
      return predictions.values();
    }
    return Arrays.stream(predictions.classes()).asDoubleStream().toArray();
  }

  private static String shorten(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }
}

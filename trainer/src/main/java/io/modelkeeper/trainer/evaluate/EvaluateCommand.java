package io.modelkeeper.trainer.evaluate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelkeeper.contract.ServerMetrics;
import io.modelkeeper.contract.TrainingContract;
import io.modelkeeper.server.quality.PredictionReader;
import io.modelkeeper.server.quality.QualityReport;
import io.modelkeeper.server.quality.Task;
import io.modelkeeper.trainer.Environment;
import io.modelkeeper.trainer.Results;
import io.modelkeeper.trainer.RunSettings;
import io.modelkeeper.trainer.TrainerException;
import io.modelkeeper.trainer.dataset.DatasetReader;
import io.modelkeeper.trainer.dataset.Rows;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code evaluate}: scores the candidate and the serving model on the same held-out rows and writes
 * the blessing ({@code blessing.json}: figures of both, delta, passed, reason). A candidate that is
 * not blessed is a verdict, not an error.
 */
public final class EvaluateCommand {

  /** The verdict and the summary for the termination message. */
  public record Outcome(String summary, Verdict verdict, boolean signatureMatches) {}

  private EvaluateCommand() {}

  public static Outcome run(Environment env, Clock clock) {
    RunSettings settings = RunSettings.from(env);
    Task task = settings.task();
    String metric = metric(env, task);
    Path candidatePath =
        env.requirePath(
            TrainingContract.CANDIDATE_MODEL, "/var/lib/modelkeeper/output/r3/model.onnx");
    Optional<Path> servingPath = env.path(TrainingContract.BASE_MODEL);
    Optional<Double> minValue = env.number(TrainingContract.VALIDATION_MIN_VALUE);
    double minImprovement = env.number(TrainingContract.VALIDATION_MIN_IMPROVEMENT).orElse(0.0);
    PredictionReader.Settings outputs = outputSettings(env);

    try (ModelScorer candidate = ModelScorer.open("candidate", candidatePath, task, outputs);
        ModelScorer serving =
            servingPath
                .map(p -> ModelScorer.open("serving model", p, task, outputs))
                .orElse(null)) {
      Optional<String> difference =
          serving == null
              ? Optional.empty()
              : SignatureCheck.difference(serving.signature(), candidate.signature());
      QualityReport candidateFigures = null;
      QualityReport servingFigures = null;
      int heldOut = 0;
      if (difference.isEmpty()) {
        Rows rows = heldOutRows(settings, candidate, clock);
        heldOut = rows.size();
        candidateFigures = candidate.score(rows);
        servingFigures = serving == null ? null : serving.score(rows);
      }
      Verdict verdict =
          Verdict.decide(
              metric,
              difference,
              candidateFigures == null ? Double.NaN : candidateFigures.metric(metric),
              Optional.ofNullable(servingFigures).map(f -> f.metric(metric)),
              minValue,
              minImprovement);

      ObjectNode blessing = Results.JSON.createObjectNode();
      blessing.put("metric", metric);
      blessing.put("lowerIsBetter", Verdict.lowerIsBetter(metric));
      blessing.set(
          "candidate",
          candidateFigures == null
              ? Results.JSON.createObjectNode()
              : Results.figures(candidateFigures.metrics()));
      if (servingFigures == null) {
        blessing.putNull("serving");
      } else {
        blessing.set("serving", Results.figures(servingFigures.metrics()));
      }
      blessing.put("delta", Results.finite(verdict.delta()));
      blessing.put("passed", verdict.passed());
      blessing.put("reason", verdict.reason());
      blessing.put("signatureMatches", difference.isEmpty());
      blessing.put("minValue", minValue.orElse(null));
      blessing.put("minImprovement", minImprovement);
      blessing.putObject("rows").put("heldOut", heldOut);
      new Results(settings.outputDir()).writeJson(TrainingContract.BLESSING_FILE, blessing);

      ObjectNode summary = Results.JSON.createObjectNode();
      summary.put("metric", metric);
      summary.put(
          "candidate",
          candidateFigures == null ? null : Results.finite(candidateFigures.metric(metric)));
      summary.put(
          "serving", servingFigures == null ? null : Results.finite(servingFigures.metric(metric)));
      summary.put("delta", Results.finite(verdict.delta()));
      summary.put("passed", verdict.passed());
      summary.put("signatureMatches", difference.isEmpty());
      summary.put("rows", heldOut);
      summary.put(
          "reason",
          verdict.reason().length() > 1000
              ? verdict.reason().substring(0, 999) + "…"
              : verdict.reason());
      return new Outcome(Results.compact(summary), verdict, difference.isEmpty());
    }
  }

  private static Rows heldOutRows(RunSettings settings, ModelScorer candidate, Clock clock) {
    if (settings.holdoutFraction() <= 0) {
      throw new TrainerException(
          TrainingContract.HOLDOUT_FRACTION
              + " is 0: there are no held-out rows to judge the candidate on");
    }
    DatasetReader.Dataset dataset =
        DatasetReader.read(
            settings.datasetDir(),
            new DatasetReader.Criteria(
                settings.task(),
                Optional.of(candidate.inputShapes()),
                settings.task().isClassification() ? candidate.classNames().size() : 0,
                settings.holdoutFraction(),
                settings.maxAge(),
                clock.instant()));
    if (dataset.heldOut().size() == 0) {
      throw new TrainerException(
          "no held-out rows in "
              + settings.datasetDir()
              + " ("
              + dataset.training().size()
              + " training rows, "
              + dataset.tooOld()
              + " older than the maximum age)");
    }
    return dataset.heldOut();
  }

  /** The deciding figure: the server's name, {@code auc} read as {@code auc_roc}. */
  static String metric(Environment env, Task task) {
    List<String> figures =
        task.isClassification()
            ? ServerMetrics.CLASSIFICATION_FIGURES
            : ServerMetrics.REGRESSION_FIGURES;
    String metric =
        env.get(TrainingContract.VALIDATION_METRIC)
            .map(m -> m.toLowerCase(Locale.ROOT))
            .orElse(task.isClassification() ? ServerMetrics.ACCURACY : ServerMetrics.RMSE);
    if (metric.equals("auc")) {
      metric = ServerMetrics.AUC_ROC;
    }
    if (!figures.contains(metric)) {
      throw new TrainerException(
          TrainingContract.VALIDATION_METRIC
              + " must be one of "
              + String.join(", ", figures)
              + " for "
              + task.id()
              + ", got '"
              + metric
              + "'");
    }
    return metric;
  }

  /** The same output settings as the model server's, when the serving model needs them. */
  private static PredictionReader.Settings outputSettings(Environment env) {
    PredictionReader.ScoreKind kind;
    try {
      kind = PredictionReader.ScoreKind.parse(env.get("MODELKEEPER_SCORE_KIND").orElse("auto"));
    } catch (IllegalArgumentException e) {
      throw new TrainerException(e.getMessage());
    }
    return new PredictionReader.Settings(
        env.get("MODELKEEPER_PREDICTION_OUTPUT"),
        env.get("MODELKEEPER_SCORE_OUTPUT"),
        kind,
        env.get("MODELKEEPER_CLASS_NAMES")
            .map(names -> Arrays.stream(names.split(",")).map(String::trim).toList())
            .orElse(List.of()));
  }
}

package io.modelkeeper.trainer;

import io.modelkeeper.contract.TrainingContract;
import io.modelkeeper.server.quality.Task;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The settings training and evaluation share: the task, the dataset and its held-out rows, the
 * maximum row age and the output directory.
 */
public record RunSettings(
    Task task,
    Path datasetDir,
    double holdoutFraction,
    Optional<Duration> maxAge,
    Path outputDir,
    String run) {

  /** The held-out fraction when none is given, as in the ModelRetraining's default. */
  public static final double DEFAULT_HOLDOUT_FRACTION = 0.2;

  public static RunSettings from(Environment env) {
    Task task;
    try {
      task = Task.parse(env.require(TrainingContract.TASK, "binary-classification"));
    } catch (IllegalArgumentException e) {
      throw new TrainerException(e.getMessage());
    }
    return new RunSettings(
        task,
        env.requirePath(TrainingContract.DATASET_DIR, "/var/lib/modelkeeper/dataset/fraud"),
        env.fraction(TrainingContract.HOLDOUT_FRACTION, DEFAULT_HOLDOUT_FRACTION),
        env.duration(TrainingContract.MAX_ROW_AGE),
        env.requirePath(TrainingContract.OUTPUT_DIR, "/var/lib/modelkeeper/output/fraud-r3"),
        env.get(TrainingContract.RUN).orElse("local"));
  }
}

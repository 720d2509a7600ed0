package io.modelkeeper.operator.retraining;

import io.fabric8.kubernetes.api.model.Quantity;
import io.modelkeeper.api.v1alpha1.Conditions;
import io.modelkeeper.api.v1alpha1.DatasetSpec;
import io.modelkeeper.api.v1alpha1.Durations;
import io.modelkeeper.api.v1alpha1.FetchSpec;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelRetraining;
import io.modelkeeper.api.v1alpha1.ModelRetrainingSpec;
import io.modelkeeper.api.v1alpha1.OutputSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What only the operator can check of a ModelRetraining: the ModelDeployment exists, the schedule
 * parses, hyperparameter names and values fit, the tuning space holds, durations read. Each problem
 * names the field, the rule and an example.
 */
public final class RetrainingValidation {

  static final int MAX_PARAMETER_VALUE = 1024;

  private RetrainingValidation() {}

  /**
   * The outcome: the parsed schedule (null without one), or the problem and its condition reason.
   */
  public record Result(CronSchedule schedule, String reason, String problem) {}

  public static Result check(ModelRetraining retraining, ModelDeployment md) {
    ModelRetrainingSpec spec = retraining.getSpec();
    if (md == null || md.getSpec() == null || md.getSpec().getModel() == null) {
      return new Result(
          null,
          Conditions.REASON_MODEL_DEPLOYMENT_NOT_FOUND,
          "spec.modelDeploymentRef.name: no ModelDeployment '"
              + spec.getModelDeploymentRef().getName()
              + "' in namespace "
              + retraining.getMetadata().getNamespace());
    }
    List<String> problems = new ArrayList<>();
    CronSchedule schedule = null;
    if (spec.getTriggers().getSchedule() != null && !spec.getTriggers().getSchedule().isBlank()) {
      try {
        schedule =
            CronSchedule.parse(spec.getTriggers().getSchedule(), spec.getTriggers().getTimeZone());
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    for (Map.Entry<String, String> parameter : spec.getTraining().getHyperparameters().entrySet()) {
      if (!parameter.getKey().matches("^[A-Za-z][A-Za-z0-9_]{0,63}$")) {
        problems.add(
            "spec.training.hyperparameters: '"
                + parameter.getKey()
                + "' is not a name of letters, digits and '_' starting with a letter, for example"
                + " learning_rate");
      }
      if (parameter.getValue() == null || parameter.getValue().length() > MAX_PARAMETER_VALUE) {
        problems.add(
            "spec.training.hyperparameters."
                + parameter.getKey()
                + ": a value of at most "
                + MAX_PARAMETER_VALUE
                + " characters, for example \"0.05\"");
      }
    }
    problems.addAll(datasetProblems(spec.getDataset()));
    problems.addAll(outputProblems(spec.getOutput()));
    problems.addAll(TuningSpace.problems(spec.getTuning()));
    duration(problems, "spec.dataset.maxAge", spec.getDataset().getMaxAge());
    duration(problems, "spec.guards.cooldown", spec.getGuards().getCooldown());
    duration(problems, "spec.training.activeDeadline", spec.getTraining().getActiveDeadline());
    if (problems.isEmpty()) {
      return new Result(schedule, null, null);
    }
    return new Result(null, Conditions.REASON_INVALID_SPEC, String.join("; ", problems));
  }

  /** Exactly one of a claim and an s3:// prefix; the store's settings only with the latter. */
  static List<String> datasetProblems(DatasetSpec dataset) {
    List<String> problems = new ArrayList<>();
    boolean claim = dataset.getClaimName() != null && !dataset.getClaimName().isBlank();
    boolean uri = dataset.getUri() != null;
    if (claim == uri) {
      problems.add(
          "spec.dataset: set exactly one of claimName and uri, for example {claimName:"
              + " fraud-data} or {uri: s3://datasets/fraud/}");
    }
    if (uri && !dataset.getUri().matches(OutputSpec.URI_PATTERN)) {
      problems.add(
          "spec.dataset.uri '"
              + dataset.getUri()
              + "' must be an s3:// prefix ending with '/', for example s3://datasets/fraud/");
    }
    if (!uri && (dataset.getS3() != null || dataset.getCredentialsSecret() != null)) {
      problems.add(
          "spec.dataset.s3 and spec.dataset.credentialsSecret are for an s3:// spec.dataset.uri"
              + " only");
    }
    if (uri && !validSize(dataset.getMaxDownloadSize())) {
      problems.add(
          "spec.dataset.maxDownloadSize '"
              + dataset.getMaxDownloadSize()
              + "' must be a positive quantity of bytes, for example 4Gi");
    }
    return problems;
  }

  private static boolean validSize(String size) {
    try {
      return size != null
          && size.matches(FetchSpec.BYTES_PATTERN)
          && new Quantity(size).getNumericalAmount().signum() > 0;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Exactly one of a claim and an s3:// prefix; the store's settings only with the latter. */
  static List<String> outputProblems(OutputSpec output) {
    List<String> problems = new ArrayList<>();
    if (output == null) {
      return List.of("spec.output: set claimName or uri, for example {claimName: fraud-models}");
    }
    boolean claim = output.getClaimName() != null && !output.getClaimName().isBlank();
    boolean uri = output.getUri() != null;
    if (claim == uri) {
      problems.add(
          "spec.output: set exactly one of claimName and uri, for example {claimName:"
              + " fraud-models} or {uri: s3://models/fraud/}");
    }
    if (uri && !output.getUri().matches(OutputSpec.URI_PATTERN)) {
      problems.add(
          "spec.output.uri '"
              + output.getUri()
              + "' must be an s3:// prefix ending with '/', for example s3://models/fraud/");
    }
    if (!uri && (output.getS3() != null || output.getCredentialsSecret() != null)) {
      problems.add(
          "spec.output.s3 and spec.output.credentialsSecret are for an s3:// spec.output.uri only");
    }
    return problems;
  }

  private static void duration(List<String> problems, String field, String text) {
    try {
      Durations.parse(text);
    } catch (IllegalArgumentException e) {
      problems.add(field + ": " + e.getMessage());
    }
  }
}

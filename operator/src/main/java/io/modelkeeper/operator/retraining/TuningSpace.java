package io.modelkeeper.operator.retraining;

import io.modelkeeper.api.v1alpha1.ObjectiveDirection;
import io.modelkeeper.api.v1alpha1.TuningParameter;
import io.modelkeeper.api.v1alpha1.TuningSpec;
import io.modelkeeper.operator.tuning.Direction;
import io.modelkeeper.operator.tuning.Parameter;
import io.modelkeeper.operator.tuning.SearchSpace;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * spec.tuning read as the search code's space and direction, and what the schema cannot check of
 * it: each problem names the field, the rule and an example.
 */
public final class TuningSpace {

  static final int MAX_PARAMETERS = 20;
  static final int MAX_VALUES = 50;
  static final int MAX_VALUE_LENGTH = 256;
  static final int MAX_PARALLEL = 20;
  private static final String NAME = "^[A-Za-z][A-Za-z0-9_]{0,63}$";

  private TuningSpace() {}

  /** The search space; call only on a spec without {@link #problems}. */
  public static SearchSpace of(TuningSpec tuning) {
    List<Parameter> parameters = new ArrayList<>();
    for (TuningParameter p : tuning.getParameters()) {
      parameters.add(
          switch (p.getType()) {
            case UNIFORM -> Parameter.uniform(p.getName(), p.getMin(), p.getMax());
            case LOG_UNIFORM -> Parameter.logUniform(p.getName(), p.getMin(), p.getMax());
            case INTEGER ->
                Parameter.integer(p.getName(), p.getMin().longValue(), p.getMax().longValue());
            case CATEGORICAL -> Parameter.categorical(p.getName(), List.copyOf(p.getValues()));
          });
    }
    return new SearchSpace(parameters);
  }

  public static Direction direction(TuningSpec tuning) {
    return tuning.getObjective().getDirection() == ObjectiveDirection.MAXIMIZE
        ? Direction.MAXIMIZE
        : Direction.MINIMIZE;
  }

  /** What is wrong with spec.tuning; empty when it can run (or is unset). */
  public static List<String> problems(TuningSpec tuning) {
    List<String> problems = new ArrayList<>();
    if (tuning == null) {
      return problems;
    }
    int trials = tuning.getTrials() == null ? 0 : tuning.getTrials();
    if (trials < 1 || trials > TuningSpec.MAX_TRIALS) {
      problems.add("spec.tuning.trials: from 1 to " + TuningSpec.MAX_TRIALS + ", for example 12");
    }
    int parallel = tuning.getParallelTrials() == null ? 0 : tuning.getParallelTrials();
    if (parallel < 1 || parallel > Math.min(trials, MAX_PARALLEL)) {
      problems.add(
          "spec.tuning.parallelTrials: from 1 to tuning.trials (and at most "
              + MAX_PARALLEL
              + "), for example trials: 12, parallelTrials: 3");
    }
    if (tuning.getMaxFailedTrials() == null || tuning.getMaxFailedTrials() < 0) {
      problems.add("spec.tuning.maxFailedTrials: 0 or more, for example 3");
    }
    if (tuning.getObjective() == null
        || tuning.getObjective().getMetric() == null
        || !tuning.getObjective().getMetric().matches("^[A-Za-z][A-Za-z0-9_.]{0,63}$")) {
      problems.add(
          "spec.tuning.objective.metric: the name of a metric the trainer prints, for example"
              + " val_loss");
    }
    List<TuningParameter> parameters =
        tuning.getParameters() == null ? List.of() : tuning.getParameters();
    if (parameters.isEmpty() || parameters.size() > MAX_PARAMETERS) {
      problems.add(
          "spec.tuning.parameters: from 1 to "
              + MAX_PARAMETERS
              + " parameters, for example [{name: learning_rate, type: logUniform, min: 0.0001,"
              + " max: 0.1}]");
    }
    Map<String, String> envNames = new HashMap<>();
    for (int i = 0; i < parameters.size(); i++) {
      parameter(problems, "spec.tuning.parameters[" + i + "]", parameters.get(i), envNames);
    }
    if (problems.isEmpty()) {
      try {
        of(tuning);
      } catch (IllegalArgumentException e) {
        problems.add("spec.tuning.parameters: " + e.getMessage());
      }
    }
    return problems;
  }

  private static void parameter(
      List<String> problems, String field, TuningParameter p, Map<String, String> envNames) {
    String name = p.getName();
    if (name == null || !name.matches(NAME)) {
      problems.add(
          field
              + ".name: letters, digits and '_' starting with a letter (it becomes"
              + " MODELKEEPER_PARAM_<NAME>), for example learning_rate");
      return;
    }
    String env = name.toUpperCase(Locale.ROOT);
    String other = envNames.putIfAbsent(env, name);
    if (other != null) {
      problems.add(
          field
              + ".name: '"
              + name
              + "' and '"
              + other
              + "' would both be MODELKEEPER_PARAM_"
              + env
              + "; name each parameter once");
    }
    if (p.getType() == null) {
      problems.add(field + ".type: uniform, logUniform, integer or categorical");
      return;
    }
    switch (p.getType()) {
      case CATEGORICAL -> values(problems, field, p.getValues());
      default -> range(problems, field, p);
    }
  }

  private static void range(List<String> problems, String field, TuningParameter p) {
    Double min = p.getMin();
    Double max = p.getMax();
    if (min == null || max == null || !Double.isFinite(min) || !Double.isFinite(max)) {
      problems.add(field + ".min, max: both are needed, for example min: 0.001, max: 0.1");
      return;
    }
    if (!(min < max)) {
      problems.add(field + ".min: " + min + " is not below max " + max);
    }
    switch (p.getType()) {
      case LOG_UNIFORM -> {
        if (!(min > 0)) {
          problems.add(
              field + ".min: a logUniform parameter needs min above 0, for example 0.0001");
        }
      }
      case INTEGER -> {
        if (min != Math.rint(min)
            || max != Math.rint(max)
            || Math.abs(min) > 1e15
            || Math.abs(max) > 1e15) {
          problems.add(
              field
                  + ".min, max: an integer parameter takes whole bounds, for example min: 8,"
                  + " max: 64");
        }
      }
      default -> {}
    }
  }

  private static void values(List<String> problems, String field, List<String> values) {
    if (values == null || values.isEmpty() || values.size() > MAX_VALUES) {
      problems.add(
          field
              + ".values: a categorical parameter takes 1 to "
              + MAX_VALUES
              + " values, for example [\"32\", \"64,32\"]");
      return;
    }
    for (String value : values) {
      if (value == null || value.length() > MAX_VALUE_LENGTH) {
        problems.add(field + ".values: each value is at most " + MAX_VALUE_LENGTH + " characters");
        return;
      }
    }
    if (values.stream().distinct().count() != values.size()) {
      problems.add(field + ".values: each value is given once");
    }
  }
}

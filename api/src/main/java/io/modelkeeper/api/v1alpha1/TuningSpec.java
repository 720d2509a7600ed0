package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/**
 * Hyperparameter tuning inside a run: several trials of the training Job with searched parameters;
 * the best trial's model is the run's candidate.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.parallelTrials) || !has(self.trials) || self.parallelTrials <= self.trials",
    message =
        "tuning.parallelTrials: at most tuning.trials trials run at once, for example trials: 12, parallelTrials: 3")
public class TuningSpec extends KnownFields {

  /** Most trials in one run: each one's parameters and figures stay in the run's status. */
  public static final int MAX_TRIALS = 100;

  @Default("random")
  @JsonPropertyDescription(
      "random, grid (evenly spaced points, walked in a fixed order) or tpe (Tree-structured Parzen Estimator: random start-up trials, then where good trials were).")
  private TuningAlgorithm algorithm = TuningAlgorithm.RANDOM;

  @Default("10")
  @Min(1)
  @Max(MAX_TRIALS)
  @JsonPropertyDescription("Trials of a run (at most 100).")
  private Integer trials = 10;

  @Default("1")
  @Min(1)
  @Max(20)
  @JsonPropertyDescription("Trials that run at the same time (at most trials, and 20).")
  private Integer parallelTrials = 1;

  @Default("3")
  @Min(0)
  @Max(MAX_TRIALS)
  @JsonPropertyDescription(
      "Failed trials a run tolerates; one more fails the run (serving is untouched).")
  private Integer maxFailedTrials = 3;

  @Min(0)
  @JsonPropertyDescription(
      "Seed of the search, so a run's suggestions can be repeated. Unset: the run's number.")
  private Long seed;

  @Required
  @JsonPropertyDescription("The metric the best trial is chosen by, and its direction.")
  private ObjectiveSpec objective;

  @Required
  @Size(min = 1, max = 20)
  @ValidationRule(
      value = "self.all(p, self.exists_one(q, q.name == p.name))",
      message =
          "tuning.parameters[].name: each parameter is named once, for example learning_rate and epochs")
  @JsonPropertyDescription(
      "The parameters searched (1 to 20); they win over spec.training.hyperparameters of the same name.")
  private List<TuningParameter> parameters = new ArrayList<>();

  @JsonPropertyDescription("Ending trials that will not win before they finish.")
  private EarlyStoppingSpec earlyStopping;

  public TuningAlgorithm getAlgorithm() {
    return algorithm;
  }

  public void setAlgorithm(TuningAlgorithm algorithm) {
    this.algorithm = algorithm;
  }

  public Integer getTrials() {
    return trials;
  }

  public void setTrials(Integer trials) {
    this.trials = trials;
  }

  public Integer getParallelTrials() {
    return parallelTrials;
  }

  public void setParallelTrials(Integer parallelTrials) {
    this.parallelTrials = parallelTrials;
  }

  public Integer getMaxFailedTrials() {
    return maxFailedTrials;
  }

  public void setMaxFailedTrials(Integer maxFailedTrials) {
    this.maxFailedTrials = maxFailedTrials;
  }

  public Long getSeed() {
    return seed;
  }

  public void setSeed(Long seed) {
    this.seed = seed;
  }

  public ObjectiveSpec getObjective() {
    return objective;
  }

  public void setObjective(ObjectiveSpec objective) {
    this.objective = objective;
  }

  public List<TuningParameter> getParameters() {
    return parameters;
  }

  public void setParameters(List<TuningParameter> parameters) {
    this.parameters = parameters;
  }

  public EarlyStoppingSpec getEarlyStopping() {
    return earlyStopping;
  }

  public void setEarlyStopping(EarlyStoppingSpec earlyStopping) {
    this.earlyStopping = earlyStopping;
  }
}

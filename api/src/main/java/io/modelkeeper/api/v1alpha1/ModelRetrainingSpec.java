package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** What the user asks for: which model to retrain, on what data, when, and how it is judged. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelRetrainingSpec extends KnownFields {

  @Required
  @JsonPropertyDescription("The ModelDeployment whose model is retrained, in the same namespace.")
  private ObjectName modelDeploymentRef;

  @Required
  @JsonPropertyDescription(
      "The labelled rows: the claim they are captured on, their age limit, the least count and the held-out fraction.")
  private DatasetSpec dataset;

  @Required
  @JsonPropertyDescription(
      "Where runs write their model files: a claim (claimName) or an s3:// prefix (uri).")
  private OutputSpec output;

  @JsonPropertyDescription(
      "What starts a run: a schedule, the ModelDeployment turning Degraded, or new labelled rows. Creating a RetrainingRun by hand always does.")
  private TriggersSpec triggers = new TriggersSpec();

  @JsonPropertyDescription(
      "Cooldown, runs per day and consecutive failures that hold triggered runs back.")
  private GuardsSpec guards = new GuardsSpec();

  @JsonPropertyDescription(
      "Mode, deadline, workers, hyperparameters and the Job template of training.")
  private TrainingSpec training = new TrainingSpec();

  @JsonPropertyDescription(
      "Hyperparameter tuning: each run trains several trials with searched parameters and the best trial's model is its candidate. Unset: one training Job per run.")
  private TuningSpec tuning;

  @JsonPropertyDescription(
      "The blessing: figure, floor and improvement a candidate needs to be rolled out.")
  private ValidationSpec validation = new ValidationSpec();

  @Default("automatic")
  @JsonPropertyDescription(
      "automatic: a blessed candidate is handed to the ModelDeployment at once; manual: it waits for the annotation modelkeeper.io/approve: <run> on this ModelRetraining.")
  private RetrainingRollout rollout = RetrainingRollout.AUTOMATIC;

  @Default("10")
  @Min(1)
  @Max(100)
  @JsonPropertyDescription("RetrainingRuns kept; older finished ones are deleted.")
  private Integer historyLimit = 10;

  public ObjectName getModelDeploymentRef() {
    return modelDeploymentRef;
  }

  public void setModelDeploymentRef(ObjectName modelDeploymentRef) {
    this.modelDeploymentRef = modelDeploymentRef;
  }

  public DatasetSpec getDataset() {
    return dataset;
  }

  public void setDataset(DatasetSpec dataset) {
    this.dataset = dataset;
  }

  public OutputSpec getOutput() {
    return output;
  }

  public void setOutput(OutputSpec output) {
    this.output = output;
  }

  public TriggersSpec getTriggers() {
    return triggers;
  }

  public void setTriggers(TriggersSpec triggers) {
    this.triggers = triggers;
  }

  public GuardsSpec getGuards() {
    return guards;
  }

  public void setGuards(GuardsSpec guards) {
    this.guards = guards;
  }

  public TrainingSpec getTraining() {
    return training;
  }

  public void setTraining(TrainingSpec training) {
    this.training = training;
  }

  public TuningSpec getTuning() {
    return tuning;
  }

  public void setTuning(TuningSpec tuning) {
    this.tuning = tuning;
  }

  public ValidationSpec getValidation() {
    return validation;
  }

  public void setValidation(ValidationSpec validation) {
    this.validation = validation;
  }

  public RetrainingRollout getRollout() {
    return rollout;
  }

  public void setRollout(RetrainingRollout rollout) {
    this.rollout = rollout;
  }

  public Integer getHistoryLimit() {
    return historyLimit;
  }

  public void setHistoryLimit(Integer historyLimit) {
    this.historyLimit = historyLimit;
  }
}

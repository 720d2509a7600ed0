package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The run's story; written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RetrainingRunStatus {

  @JsonPropertyDescription(
      "Pending, Training, Evaluating, NotBlessed, RollingOut, Promoted, RolledBack, Superseded (a newer spec.model or a newer blessed run came first) or Failed.")
  private RunPhase phase;

  @JsonPropertyDescription(
      "Number of the run within its ModelRetraining; the candidate's version ends in -r<number>.")
  private Long number;

  @JsonPropertyDescription("What started the run.")
  private RunTrigger trigger;

  @JsonPropertyDescription("Why it was started, in words.")
  private String reason;

  @JsonPropertyDescription("The ModelDeployment's spec.model the run started from.")
  private ModelRef base;

  @JsonPropertyDescription("Rows trained on and held out.")
  private RowCounts rows;

  @JsonPropertyDescription("The run's Jobs.")
  private RunJobs jobs;

  @JsonPropertyDescription(
      "Last value of each per-step metric the trainer printed; full curves are in the output directory.")
  private Map<String, Double> metrics;

  @JsonPropertyDescription(
      "The trials of a tuning run (spec.tuning of the ModelRetraining), in index order.")
  private List<TrialStatus> trials;

  @JsonPropertyDescription(
      "Trials over and trials of the run, as <over>/<trials> (the TRIALS column).")
  private String trialProgress;

  @JsonPropertyDescription(
      "The best trial so far by the objective; once every trial is over its model is the candidate.")
  private BestTrial best;

  @JsonPropertyDescription("The model file the run produced.")
  private RunCandidate candidate;

  @JsonPropertyDescription("The evaluator's verdict.")
  private Blessing blessing;

  @JsonPropertyDescription("Version the candidate is served as, when blessed.")
  private String version;

  @JsonPropertyDescription(
      "How its rollout went, in words, once it is handed to the ModelDeployment.")
  private String canary;

  @JsonPropertyDescription("When the run started (RFC 3339).")
  private String startTime;

  @JsonPropertyDescription("When it reached a final phase (RFC 3339).")
  private String completionTime;

  @JsonPropertyDescription("Why it is in its phase, in words (the failure reason when Failed).")
  private String message;

  @JsonPropertyDescription("Succeeded and Failed conditions, with reason and message.")
  private List<Condition> conditions = new ArrayList<>();

  public RunPhase getPhase() {
    return phase;
  }

  public void setPhase(RunPhase phase) {
    this.phase = phase;
  }

  public Long getNumber() {
    return number;
  }

  public void setNumber(Long number) {
    this.number = number;
  }

  public RunTrigger getTrigger() {
    return trigger;
  }

  public void setTrigger(RunTrigger trigger) {
    this.trigger = trigger;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public ModelRef getBase() {
    return base;
  }

  public void setBase(ModelRef base) {
    this.base = base;
  }

  public RowCounts getRows() {
    return rows;
  }

  public void setRows(RowCounts rows) {
    this.rows = rows;
  }

  public RunJobs getJobs() {
    return jobs;
  }

  public void setJobs(RunJobs jobs) {
    this.jobs = jobs;
  }

  public Map<String, Double> getMetrics() {
    return metrics;
  }

  public void setMetrics(Map<String, Double> metrics) {
    this.metrics = metrics;
  }

  public List<TrialStatus> getTrials() {
    return trials;
  }

  public void setTrials(List<TrialStatus> trials) {
    this.trials = trials;
  }

  public String getTrialProgress() {
    return trialProgress;
  }

  public void setTrialProgress(String trialProgress) {
    this.trialProgress = trialProgress;
  }

  public BestTrial getBest() {
    return best;
  }

  public void setBest(BestTrial best) {
    this.best = best;
  }

  public RunCandidate getCandidate() {
    return candidate;
  }

  public void setCandidate(RunCandidate candidate) {
    this.candidate = candidate;
  }

  public Blessing getBlessing() {
    return blessing;
  }

  public void setBlessing(Blessing blessing) {
    this.blessing = blessing;
  }

  public String getVersion() {
    return version;
  }

  public void setVersion(String version) {
    this.version = version;
  }

  public String getCanary() {
    return canary;
  }

  public void setCanary(String canary) {
    this.canary = canary;
  }

  public String getStartTime() {
    return startTime;
  }

  public void setStartTime(String startTime) {
    this.startTime = startTime;
  }

  public String getCompletionTime() {
    return completionTime;
  }

  public void setCompletionTime(String completionTime) {
    this.completionTime = completionTime;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }
}

package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Map;

/** One trial of a tuning run: its parameters, where it is and what it reached. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TrialStatus {

  @JsonPropertyDescription(
      "Number of the trial within the run, from 1 (MODELKEEPER_TRIAL); its Job is <run>-trial-<index> and its output directory <run>/trial-<index>/.")
  private Integer index;

  @JsonPropertyDescription("The parameter values the trial trains with, as text, by name.")
  private Map<String, String> parameters;

  @JsonPropertyDescription("Running, Succeeded, StoppedEarly (median stopping) or Failed.")
  private TrialState state;

  @JsonPropertyDescription(
      "The objective: for a succeeded trial its final value, the one its model has (the summary's, else the last metric line's); while it runs, and for one stopped early, the best value it reached.")
  private Double objective;

  @JsonPropertyDescription("Last step of the objective metric seen in the trial's log.")
  private Integer step;

  @JsonPropertyDescription(
      "The objective metric by step as read from the log (at most 100 points, thinned evenly), kept when median stopping is on: it compares running trials with these.")
  private Map<String, Double> curve;

  @JsonPropertyDescription("Name of the trial's Job.")
  private String job;

  @JsonPropertyDescription("Why it is in its state, in words.")
  private String message;

  @JsonPropertyDescription("sha256 of the trial's model.onnx, from its summary.")
  private String sha256;

  @JsonPropertyDescription("Rows the trial trained on and held out, from its summary.")
  private RowCounts rows;

  public Integer getIndex() {
    return index;
  }

  public void setIndex(Integer index) {
    this.index = index;
  }

  public Map<String, String> getParameters() {
    return parameters;
  }

  public void setParameters(Map<String, String> parameters) {
    this.parameters = parameters;
  }

  public TrialState getState() {
    return state;
  }

  public void setState(TrialState state) {
    this.state = state;
  }

  public Double getObjective() {
    return objective;
  }

  public void setObjective(Double objective) {
    this.objective = objective;
  }

  public Integer getStep() {
    return step;
  }

  public void setStep(Integer step) {
    this.step = step;
  }

  public Map<String, Double> getCurve() {
    return curve;
  }

  public void setCurve(Map<String, Double> curve) {
    this.curve = curve;
  }

  public String getJob() {
    return job;
  }

  public void setJob(String job) {
    this.job = job;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public String getSha256() {
    return sha256;
  }

  public void setSha256(String sha256) {
    this.sha256 = sha256;
  }

  public RowCounts getRows() {
    return rows;
  }

  public void setRows(RowCounts rows) {
    this.rows = rows;
  }
}

package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The version being rolled out and where its rollout stands. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CanaryStatus extends ArmStatus {

  @JsonPropertyDescription(
      "Percent of traffic the canary gets now, as realised (by ready pods with the replicas router).")
  private Integer weight;

  @JsonPropertyDescription("Percent of traffic the current step asks for.")
  private Integer requestedWeight;

  @JsonPropertyDescription("Why the realised weight differs from the requested one, when it does.")
  private String weightNote;

  @JsonPropertyDescription("Index of the current rollout step, from 0.")
  private Integer step;

  @JsonPropertyDescription(
      "The current step for people, as step/steps counted from 1 (for example 2/3); absent without rollout.steps.")
  private String stepDisplay;

  @JsonPropertyDescription(
      "True while spec.rollout.paused holds the canary at its step (checks keep running).")
  private Boolean paused;

  @JsonPropertyDescription("When the canary started (RFC 3339).")
  private String startedAt;

  @JsonPropertyDescription("When the current step started (RFC 3339).")
  private String stepStartedAt;

  @JsonPropertyDescription("Latest analysis of the canary against the stable version.")
  private AnalysisStatus analysis;

  public Integer getWeight() {
    return weight;
  }

  public void setWeight(Integer weight) {
    this.weight = weight;
  }

  public Integer getStep() {
    return step;
  }

  public void setStep(Integer step) {
    this.step = step;
  }

  public String getStartedAt() {
    return startedAt;
  }

  public void setStartedAt(String startedAt) {
    this.startedAt = startedAt;
  }

  public String getStepStartedAt() {
    return stepStartedAt;
  }

  public void setStepStartedAt(String stepStartedAt) {
    this.stepStartedAt = stepStartedAt;
  }

  public AnalysisStatus getAnalysis() {
    return analysis;
  }

  public void setAnalysis(AnalysisStatus analysis) {
    this.analysis = analysis;
  }

  public Integer getRequestedWeight() {
    return requestedWeight;
  }

  public void setRequestedWeight(Integer requestedWeight) {
    this.requestedWeight = requestedWeight;
  }

  public String getWeightNote() {
    return weightNote;
  }

  public void setWeightNote(String weightNote) {
    this.weightNote = weightNote;
  }

  public String getStepDisplay() {
    return stepDisplay;
  }

  public void setStepDisplay(String stepDisplay) {
    this.stepDisplay = stepDisplay;
  }

  public Boolean getPaused() {
    return paused;
  }

  public void setPaused(Boolean paused) {
    this.paused = paused;
  }
}

package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The evaluator's verdict on a candidate against the serving model, on the same held-out rows. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Blessing {

  @JsonPropertyDescription("The figure compared.")
  private String metric;

  @JsonPropertyDescription("The candidate's figure.")
  private Double candidate;

  @JsonPropertyDescription("The serving model's figure; absent when there was none to compare.")
  private Double serving;

  @JsonPropertyDescription(
      "candidate minus serving (serving minus candidate for lower-is-better figures).")
  private Double delta;

  @JsonPropertyDescription("Whether the candidate is blessed.")
  private Boolean passed;

  @JsonPropertyDescription("Why, in words.")
  private String reason;

  public String getMetric() {
    return metric;
  }

  public void setMetric(String metric) {
    this.metric = metric;
  }

  public Double getCandidate() {
    return candidate;
  }

  public void setCandidate(Double candidate) {
    this.candidate = candidate;
  }

  public Double getServing() {
    return serving;
  }

  public void setServing(Double serving) {
    this.serving = serving;
  }

  public Double getDelta() {
    return delta;
  }

  public void setDelta(Double delta) {
    this.delta = delta;
  }

  public Boolean getPassed() {
    return passed;
  }

  public void setPassed(Boolean passed) {
    this.passed = passed;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }
}

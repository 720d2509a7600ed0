package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The Jobs of a run. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RunJobs {

  @JsonPropertyDescription("Name of the training Job.")
  private String training;

  @JsonPropertyDescription("Name of the evaluation Job.")
  private String evaluation;

  public String getTraining() {
    return training;
  }

  public void setTraining(String training) {
    this.training = training;
  }

  public String getEvaluation() {
    return evaluation;
  }

  public void setEvaluation(String evaluation) {
    this.evaluation = evaluation;
  }
}

package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Map;

/** The best trial of a tuning run so far; once all trials are over, its model is the candidate. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BestTrial {

  @JsonPropertyDescription("Index of the trial.")
  private Integer trial;

  @JsonPropertyDescription("Its objective.")
  private Double objective;

  @JsonPropertyDescription("Its parameters.")
  private Map<String, String> parameters;

  public Integer getTrial() {
    return trial;
  }

  public void setTrial(Integer trial) {
    this.trial = trial;
  }

  public Double getObjective() {
    return objective;
  }

  public void setObjective(Double objective) {
    this.objective = objective;
  }

  public Map<String, String> getParameters() {
    return parameters;
  }

  public void setParameters(Map<String, String> parameters) {
    this.parameters = parameters;
  }
}

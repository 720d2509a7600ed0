package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** An objective of spec.monitoring.slo that the serving version's figures cross, and since when. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SloCrossing {

  @JsonPropertyDescription(
      "The objective crossed, named by its field in spec.monitoring.slo: minAccuracy, maxDrift, maxLatencyP99 or maxErrorRate.")
  private String objective;

  @JsonPropertyDescription(
      "When the first reading of this unbroken run of crossed readings was taken (RFC 3339). Degraded turns True once the latest reading is spec.monitoring.slo.for later.")
  private String since;

  public SloCrossing() {}

  public SloCrossing(String objective, String since) {
    this.objective = objective;
    this.since = since;
  }

  public String getObjective() {
    return objective;
  }

  public void setObjective(String objective) {
    this.objective = objective;
  }

  public String getSince() {
    return since;
  }

  public void setSince(String since) {
    this.since = since;
  }
}

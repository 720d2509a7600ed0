package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** The median stopping rule of Katib and Vizier. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MedianStopSpec extends KnownFields {

  @Default("3")
  @Min(1)
  @Max(100)
  @JsonPropertyDescription(
      "Completed trials of the run that must have reached a step before a running trial is compared at that step.")
  private Integer minTrials = 3;

  @Default("1")
  @Min(0)
  @Max(1000000)
  @JsonPropertyDescription("First step at which a running trial may be stopped.")
  private Integer startStep = 1;

  public Integer getMinTrials() {
    return minTrials;
  }

  public void setMinTrials(Integer minTrials) {
    this.minTrials = minTrials;
  }

  public Integer getStartStep() {
    return startStep;
  }

  public void setStartStep(Integer startStep) {
    this.startStep = startStep;
  }
}

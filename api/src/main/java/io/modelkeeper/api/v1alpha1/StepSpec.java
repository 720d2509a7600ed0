package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** One canary step: a traffic weight held for a duration. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StepSpec extends KnownFields {

  @Required
  @Min(1)
  @Max(100)
  @JsonPropertyDescription("Percent of traffic sent to the canary during this step, 1-100.")
  private Integer weight;

  @Required
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription(
      "How long the step lasts with passing analysis before the next one, as a duration such as 2m.")
  private String duration;

  public Integer getWeight() {
    return weight;
  }

  public void setWeight(Integer weight) {
    this.weight = weight;
  }

  public String getDuration() {
    return duration;
  }

  public void setDuration(String duration) {
    this.duration = duration;
  }
}

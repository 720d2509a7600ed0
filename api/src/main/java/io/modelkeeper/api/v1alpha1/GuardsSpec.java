package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** What keeps triggers from starting too many runs. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GuardsSpec extends KnownFields {

  @Default("6h")
  @Pattern(Durations.LONG_PATTERN)
  @JsonPropertyDescription(
      "Least time between the start of one run and the next triggered run, such as 6h. Runs created by hand are not held by it.")
  private String cooldown = "6h";

  @Default("4")
  @Min(1)
  @Max(1000)
  @JsonPropertyDescription(
      "Most runs started in any 24 hours, runs created by hand included in the count but never refused by it.")
  private Integer maxRunsPerDay = 4;

  @Default("3")
  @Min(1)
  @Max(100)
  @JsonPropertyDescription(
      "After this many failed runs in a row, triggers start nothing (condition Stalled, reason ConsecutiveFailures) until the spec changes or the annotation modelkeeper.io/reset-failures is given a new value.")
  private Integer maxConsecutiveFailures = 3;

  public String getCooldown() {
    return cooldown;
  }

  public void setCooldown(String cooldown) {
    this.cooldown = cooldown;
  }

  public Integer getMaxRunsPerDay() {
    return maxRunsPerDay;
  }

  public void setMaxRunsPerDay(Integer maxRunsPerDay) {
    this.maxRunsPerDay = maxRunsPerDay;
  }

  public Integer getMaxConsecutiveFailures() {
    return maxConsecutiveFailures;
  }

  public void setMaxConsecutiveFailures(Integer maxConsecutiveFailures) {
    this.maxConsecutiveFailures = maxConsecutiveFailures;
  }
}

package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A trigger that started no run, and why. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SkippedTrigger {

  @JsonPropertyDescription("Schedule, Degraded or NewRows.")
  private RunTrigger trigger;

  @JsonPropertyDescription(
      "What held it: Cooldown, MaxRunsPerDay, RunInFlight, CanaryRunning, ConsecutiveFailures or NotEnoughRows.")
  private String guard;

  @JsonPropertyDescription("The guard's explanation.")
  private String message;

  @JsonPropertyDescription("When (RFC 3339).")
  private String at;

  public RunTrigger getTrigger() {
    return trigger;
  }

  public void setTrigger(RunTrigger trigger) {
    this.trigger = trigger;
  }

  public String getGuard() {
    return guard;
  }

  public void setGuard(String guard) {
    this.guard = guard;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public String getAt() {
    return at;
  }

  public void setAt(String at) {
    this.at = at;
  }
}

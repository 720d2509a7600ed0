package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** One attempt at retraining: which ModelRetraining, and what started it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RetrainingRunSpec extends KnownFields {

  @Required
  @JsonPropertyDescription("The ModelRetraining this run belongs to, in the same namespace.")
  private ObjectName retrainingRef;

  @Default("Manual")
  @JsonPropertyDescription(
      "What started the run: Manual (created by hand), Schedule, Degraded or NewRows.")
  private RunTrigger trigger = RunTrigger.Manual;

  @Size(max = 1024)
  @JsonPropertyDescription("Why, in words.")
  private String reason;

  public ObjectName getRetrainingRef() {
    return retrainingRef;
  }

  public void setRetrainingRef(ObjectName retrainingRef) {
    this.retrainingRef = retrainingRef;
  }

  public RunTrigger getTrigger() {
    return trigger;
  }

  public void setTrigger(RunTrigger trigger) {
    this.trigger = trigger;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }
}

package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** The last judgement of a canary, with the figures of both arms it was based on. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AnalysisStatus {

  @JsonPropertyDescription(
      "Figures of the stable version: requests and errors since the canary started, latency over the last interval, quality over its window.")
  private MetricsStatus stable;

  @JsonPropertyDescription(
      "Figures of the canary: requests and errors since it started, latency over the last interval, quality over its window.")
  private MetricsStatus canary;

  @JsonPropertyDescription(
      "How the live importance of features differs between the stable version and the canary, largest change first (at most five features): shown, not a gate.")
  private List<ImportanceChange> importanceChanges;

  @JsonPropertyDescription("Last decision: Advance, Promote, RollBack or Wait.")
  private String decision;

  @JsonPropertyDescription("Why the last decision was taken, in words.")
  private String reason;

  @JsonPropertyDescription("Consecutive failed checks so far.")
  private Integer failedChecks;

  @JsonPropertyDescription("When the last check ran (RFC 3339).")
  private String checkedAt;

  @JsonPropertyDescription("Requests the stable version served since the current step started.")
  private Long stableStepRequests;

  @JsonPropertyDescription("Requests the canary served since the current step started.")
  private Long canaryStepRequests;

  public MetricsStatus getStable() {
    return stable;
  }

  public void setStable(MetricsStatus stable) {
    this.stable = stable;
  }

  public MetricsStatus getCanary() {
    return canary;
  }

  public void setCanary(MetricsStatus canary) {
    this.canary = canary;
  }

  public List<ImportanceChange> getImportanceChanges() {
    return importanceChanges;
  }

  public void setImportanceChanges(List<ImportanceChange> importanceChanges) {
    this.importanceChanges = importanceChanges;
  }

  public String getDecision() {
    return decision;
  }

  public void setDecision(String decision) {
    this.decision = decision;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public Integer getFailedChecks() {
    return failedChecks;
  }

  public void setFailedChecks(Integer failedChecks) {
    this.failedChecks = failedChecks;
  }

  public String getCheckedAt() {
    return checkedAt;
  }

  public void setCheckedAt(String checkedAt) {
    this.checkedAt = checkedAt;
  }

  public Long getStableStepRequests() {
    return stableStepRequests;
  }

  public void setStableStepRequests(Long stableStepRequests) {
    this.stableStepRequests = stableStepRequests;
  }

  public Long getCanaryStepRequests() {
    return canaryStepRequests;
  }

  public void setCanaryStepRequests(Long canaryStepRequests) {
    this.canaryStepRequests = canaryStepRequests;
  }
}

package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the retraining controller observed and decided; written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelRetrainingStatus {

  @JsonPropertyDescription("metadata.generation of the spec this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("Name of the latest RetrainingRun.")
  private String lastRun;

  @JsonPropertyDescription("When the latest run started (RFC 3339).")
  private String lastRunTime;

  @JsonPropertyDescription("Number given to the latest run; the next gets the one after.")
  private Long lastRunNumber;

  @JsonPropertyDescription(
      "Start times (RFC 3339) of the runs of the last 24 hours, for guards.maxRunsPerDay.")
  private List<String> recentRunTimes = new ArrayList<>();

  @JsonPropertyDescription(
      "Number of the latest finished run counted in consecutiveFailures, so each run counts once.")
  private Long lastCountedRun;

  @JsonPropertyDescription("Failed runs in a row since the last success, spec change or reset.")
  private Integer consecutiveFailures;

  @JsonPropertyDescription(
      "The value of the annotation modelkeeper.io/reset-failures last acted on.")
  private String failuresReset;

  @JsonPropertyDescription(
      "Labelled rows the model-server pods reported when the latest run started.")
  private Long labelledRowsAtLastRun;

  @JsonPropertyDescription("Labelled rows the model-server pods report now.")
  private Long labelledRows;

  @JsonPropertyDescription("Next time the schedule fires (RFC 3339).")
  private String nextScheduleTime;

  @JsonPropertyDescription(
      "The last scheduled time that was acted on (RFC 3339), so that an operator restart neither repeats nor skips it.")
  private String lastScheduleTime;

  @JsonPropertyDescription("The latest trigger that a guard held back, and which guard.")
  private SkippedTrigger lastSkipped;

  @JsonPropertyDescription(
      "The blessed model offered to the ModelDeployment, read by its reconciler: run, version, uri, sha256, base and approved.")
  private RetrainingCandidate candidate;

  @JsonPropertyDescription(
      "Candidate versions rolled back by the ModelDeployment's canary; never offered again.")
  private List<String> rejectedVersions = new ArrayList<>();

  @JsonPropertyDescription(
      "Ready and Stalled conditions, each with reason, message and observedGeneration.")
  private List<Condition> conditions = new ArrayList<>();

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public String getLastRun() {
    return lastRun;
  }

  public void setLastRun(String lastRun) {
    this.lastRun = lastRun;
  }

  public String getLastRunTime() {
    return lastRunTime;
  }

  public void setLastRunTime(String lastRunTime) {
    this.lastRunTime = lastRunTime;
  }

  public Long getLastRunNumber() {
    return lastRunNumber;
  }

  public void setLastRunNumber(Long lastRunNumber) {
    this.lastRunNumber = lastRunNumber;
  }

  public List<String> getRecentRunTimes() {
    return recentRunTimes;
  }

  public void setRecentRunTimes(List<String> recentRunTimes) {
    this.recentRunTimes = recentRunTimes;
  }

  public Long getLastCountedRun() {
    return lastCountedRun;
  }

  public void setLastCountedRun(Long lastCountedRun) {
    this.lastCountedRun = lastCountedRun;
  }

  public Integer getConsecutiveFailures() {
    return consecutiveFailures;
  }

  public void setConsecutiveFailures(Integer consecutiveFailures) {
    this.consecutiveFailures = consecutiveFailures;
  }

  public String getFailuresReset() {
    return failuresReset;
  }

  public void setFailuresReset(String failuresReset) {
    this.failuresReset = failuresReset;
  }

  public Long getLabelledRowsAtLastRun() {
    return labelledRowsAtLastRun;
  }

  public void setLabelledRowsAtLastRun(Long labelledRowsAtLastRun) {
    this.labelledRowsAtLastRun = labelledRowsAtLastRun;
  }

  public Long getLabelledRows() {
    return labelledRows;
  }

  public void setLabelledRows(Long labelledRows) {
    this.labelledRows = labelledRows;
  }

  public String getNextScheduleTime() {
    return nextScheduleTime;
  }

  public void setNextScheduleTime(String nextScheduleTime) {
    this.nextScheduleTime = nextScheduleTime;
  }

  public String getLastScheduleTime() {
    return lastScheduleTime;
  }

  public void setLastScheduleTime(String lastScheduleTime) {
    this.lastScheduleTime = lastScheduleTime;
  }

  public SkippedTrigger getLastSkipped() {
    return lastSkipped;
  }

  public void setLastSkipped(SkippedTrigger lastSkipped) {
    this.lastSkipped = lastSkipped;
  }

  public RetrainingCandidate getCandidate() {
    return candidate;
  }

  public void setCandidate(RetrainingCandidate candidate) {
    this.candidate = candidate;
  }

  public List<String> getRejectedVersions() {
    return rejectedVersions;
  }

  public void setRejectedVersions(List<String> rejectedVersions) {
    this.rejectedVersions = rejectedVersions;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }
}

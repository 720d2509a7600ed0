package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** What starts a run; any one of them suffices, the guards permitting. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TriggersSpec extends KnownFields {

  @Size(max = 100)
  @JsonPropertyDescription(
      "Cron schedule in the five-field Unix format, for example \"0 3 * * 0\" (Sundays at 03:00). Unset: no scheduled runs.")
  private String schedule;

  @Default("UTC")
  @Size(max = 64)
  @JsonPropertyDescription("Time zone of the schedule, an IANA name such as UTC or Europe/Paris.")
  private String timeZone = "UTC";

  @Size(max = 4)
  @ValidationRule(
      value =
          "self.all(r, r in ['AccuracyBelowSlo', 'DriftAboveSlo', 'LatencyAboveSlo', 'ErrorRateAboveSlo'])",
      message =
          "triggers.onDegraded: each reason must be one of AccuracyBelowSlo, DriftAboveSlo, LatencyAboveSlo, ErrorRateAboveSlo, for example [AccuracyBelowSlo, DriftAboveSlo]")
  @JsonPropertyDescription(
      "Reasons of the ModelDeployment's Degraded condition that start a run (after its spec.monitoring.slo.for hold): AccuracyBelowSlo, DriftAboveSlo, LatencyAboveSlo, ErrorRateAboveSlo.")
  private List<String> onDegraded = new ArrayList<>();

  @Min(1)
  @JsonPropertyDescription(
      "Start a run when this many labelled rows have been captured since the last run (read from the model-server pods' labelled-row counters). Unset: row counts trigger nothing.")
  private Long newLabelledRows;

  public String getSchedule() {
    return schedule;
  }

  public void setSchedule(String schedule) {
    this.schedule = schedule;
  }

  public String getTimeZone() {
    return timeZone;
  }

  public void setTimeZone(String timeZone) {
    this.timeZone = timeZone;
  }

  public List<String> getOnDegraded() {
    return onDegraded;
  }

  public void setOnDegraded(List<String> onDegraded) {
    this.onDegraded = onDegraded;
  }

  public Long getNewLabelledRows() {
    return newLabelledRows;
  }

  public void setNewLabelledRows(Long newLabelledRows) {
    this.newLabelledRows = newLabelledRows;
  }
}

package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** The gates a canary must pass, compared absolutely and against the serving version. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AnalysisSpec extends KnownFields {

  @Default("30s")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("How often the canary is judged, as a duration such as 30s.")
  private String interval = "30s";

  @Default("200")
  @Min(0)
  @JsonPropertyDescription(
      "Fewest requests each version must have served in a step before a decision; fewer extends the step.")
  private Integer minRequests = 200;

  @Default("100")
  @Min(0)
  @JsonPropertyDescription(
      "Fewest labelled predictions each version needs before quality gates are judged.")
  private Integer minLabelled = 100;

  @Default("2")
  @Min(1)
  @JsonPropertyDescription("Consecutive failed checks that roll the canary back.")
  private Integer failureLimit = 2;

  @Min(0)
  @Max(1)
  @JsonPropertyDescription("Highest acceptable canary error rate, between 0 and 1.")
  private Double maxErrorRate;

  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription(
      "Highest acceptable canary 99th-percentile latency, as a duration such as 100ms.")
  private String maxLatencyP99;

  @Min(1)
  @JsonPropertyDescription(
      "Highest acceptable ratio of the canary's p99 latency to the serving version's, for example 1.2.")
  private Double maxLatencyRatio;

  @Min(0)
  @Max(1)
  @JsonPropertyDescription(
      "Largest acceptable drop of the canary's accuracy below the serving version's, between 0 and 1 (0.01 = one point).")
  private Double maxAccuracyDrop;

  @Default("0.95")
  @Min(0.5)
  @Max(0.999)
  @JsonPropertyDescription(
      "Confidence of the statistical tests that compare error rates and accuracy, between 0.5 and 0.999.")
  private Double confidence = 0.95;

  public String getInterval() {
    return interval;
  }

  public void setInterval(String interval) {
    this.interval = interval;
  }

  public Integer getMinRequests() {
    return minRequests;
  }

  public void setMinRequests(Integer minRequests) {
    this.minRequests = minRequests;
  }

  public Integer getMinLabelled() {
    return minLabelled;
  }

  public void setMinLabelled(Integer minLabelled) {
    this.minLabelled = minLabelled;
  }

  public Integer getFailureLimit() {
    return failureLimit;
  }

  public void setFailureLimit(Integer failureLimit) {
    this.failureLimit = failureLimit;
  }

  public Double getMaxErrorRate() {
    return maxErrorRate;
  }

  public void setMaxErrorRate(Double maxErrorRate) {
    this.maxErrorRate = maxErrorRate;
  }

  public String getMaxLatencyP99() {
    return maxLatencyP99;
  }

  public void setMaxLatencyP99(String maxLatencyP99) {
    this.maxLatencyP99 = maxLatencyP99;
  }

  public Double getMaxLatencyRatio() {
    return maxLatencyRatio;
  }

  public void setMaxLatencyRatio(Double maxLatencyRatio) {
    this.maxLatencyRatio = maxLatencyRatio;
  }

  public Double getMaxAccuracyDrop() {
    return maxAccuracyDrop;
  }

  public void setMaxAccuracyDrop(Double maxAccuracyDrop) {
    this.maxAccuracyDrop = maxAccuracyDrop;
  }

  public Double getConfidence() {
    return confidence;
  }

  public void setConfidence(Double confidence) {
    this.confidence = confidence;
  }
}

package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/**
 * Service-level objectives of the serving version and how long one must stay crossed before the
 * version counts as degraded. Unset objectives are not checked.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SloSpec extends KnownFields {

  /** The hold when spec.monitoring.slo.for is not set. */
  public static final String DEFAULT_FOR = "5m";

  @Default(DEFAULT_FOR)
  @Pattern(Durations.PATTERN)
  @JsonProperty("for")
  @JsonPropertyDescription(
      "How long an objective must stay crossed, reading after reading, before Degraded turns True, as a duration such as 5m, like the for of a Prometheus alerting rule. 0s degrades on the first crossed reading. Degraded clears on the first reading back within every objective.")
  private String holdFor = DEFAULT_FOR;

  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription(
      "Highest acceptable 99th-percentile request latency, as a duration such as 50ms.")
  private String maxLatencyP99;

  @Min(0)
  @Max(1)
  @JsonPropertyDescription(
      "Highest acceptable share of requests answered with an error, client (4xx) or server (5xx), between 0 and 1 (0.01 = 1%).")
  private Double maxErrorRate;

  @Min(0)
  @Max(1)
  @JsonPropertyDescription(
      "Lowest acceptable accuracy over the quality window, between 0 and 1. Classification tasks only.")
  private Double minAccuracy;

  @Min(0)
  @JsonPropertyDescription(
      "Highest acceptable overall input drift score (population stability index), for example 0.2.")
  private Double maxDrift;

  public String getHoldFor() {
    return holdFor;
  }

  public void setHoldFor(String holdFor) {
    this.holdFor = holdFor;
  }

  public String getMaxLatencyP99() {
    return maxLatencyP99;
  }

  public void setMaxLatencyP99(String maxLatencyP99) {
    this.maxLatencyP99 = maxLatencyP99;
  }

  public Double getMaxErrorRate() {
    return maxErrorRate;
  }

  public void setMaxErrorRate(Double maxErrorRate) {
    this.maxErrorRate = maxErrorRate;
  }

  public Double getMinAccuracy() {
    return minAccuracy;
  }

  public void setMinAccuracy(Double minAccuracy) {
    this.minAccuracy = minAccuracy;
  }

  public Double getMaxDrift() {
    return maxDrift;
  }

  public void setMaxDrift(Double maxDrift) {
    this.maxDrift = maxDrift;
  }
}

package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How trials that will not win are ended before they finish. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EarlyStoppingSpec extends KnownFields {

  @JsonPropertyDescription(
      "Stop a running trial when, at its latest step S (from startStep on), its best objective so far is worse than the median of the completed trials' running averages at S.")
  private MedianStopSpec medianStop;

  public MedianStopSpec getMedianStop() {
    return medianStop;
  }

  public void setMedianStop(MedianStopSpec medianStop) {
    this.medianStop = medianStop;
  }
}

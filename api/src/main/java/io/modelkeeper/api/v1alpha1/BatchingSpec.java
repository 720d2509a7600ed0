package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** Dynamic batching: requests wait up to maxQueueDelay to fill a batch of maxBatchSize rows. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BatchingSpec extends KnownFields {

  @Default("32")
  @Min(1)
  @Max(4096)
  @JsonPropertyDescription(
      "Largest number of rows run in one ONNX Runtime call. 1 turns batching off.")
  private Integer maxBatchSize = 32;

  @Default("2ms")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription(
      "Longest time a request waits for others to fill a batch, as a duration such as 2ms, 1s.")
  private String maxQueueDelay = "2ms";

  public Integer getMaxBatchSize() {
    return maxBatchSize;
  }

  public void setMaxBatchSize(Integer maxBatchSize) {
    this.maxBatchSize = maxBatchSize;
  }

  public String getMaxQueueDelay() {
    return maxQueueDelay;
  }

  public void setMaxQueueDelay(String maxQueueDelay) {
    this.maxQueueDelay = maxQueueDelay;
  }
}

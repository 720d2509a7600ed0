package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Rows a run used. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RowCounts {

  @JsonPropertyDescription("Rows trained on.")
  private Long training;

  @JsonPropertyDescription("Rows held out for the blessing.")
  private Long heldOut;

  public Long getTraining() {
    return training;
  }

  public void setTraining(Long training) {
    this.training = training;
  }

  public Long getHeldOut() {
    return heldOut;
  }

  public void setHeldOut(Long heldOut) {
    this.heldOut = heldOut;
  }
}

package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a run trains: from scratch, or warm-started from the serving model. */
public enum TrainingMode {
  @JsonProperty("full")
  FULL("full"),
  @JsonProperty("incremental")
  INCREMENTAL("incremental");

  private final String value;

  TrainingMode(String value) {
    this.value = value;
  }

  /** The value as written in the spec and given to the training pod. */
  public String value() {
    return value;
  }
}

package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a tuning run chooses the next trials' parameters. */
public enum TuningAlgorithm {
  @JsonProperty("random")
  RANDOM("random"),
  @JsonProperty("grid")
  GRID("grid"),
  @JsonProperty("tpe")
  TPE("tpe");

  private final String value;

  TuningAlgorithm(String value) {
    this.value = value;
  }

  /** The name in the spec, which the search strategies are chosen by. */
  public String value() {
    return value;
  }
}

package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether a lower or a higher value of the objective metric is better. */
public enum ObjectiveDirection {
  @JsonProperty("minimize")
  MINIMIZE,
  @JsonProperty("maximize")
  MAXIMIZE
}

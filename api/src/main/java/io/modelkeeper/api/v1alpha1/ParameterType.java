package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The kind of values a tuned parameter takes. */
public enum ParameterType {
  @JsonProperty("uniform")
  UNIFORM,
  @JsonProperty("logUniform")
  LOG_UNIFORM,
  @JsonProperty("integer")
  INTEGER,
  @JsonProperty("categorical")
  CATEGORICAL
}

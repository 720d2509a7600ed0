package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether a blessed candidate is handed to the ModelDeployment at once or after an approval. */
public enum RetrainingRollout {
  @JsonProperty("automatic")
  AUTOMATIC,
  @JsonProperty("manual")
  MANUAL
}

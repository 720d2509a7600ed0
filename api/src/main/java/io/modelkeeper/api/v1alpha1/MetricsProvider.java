package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where the operator reads per-version metrics from. */
public enum MetricsProvider {
  @JsonProperty("pods")
  PODS,
  @JsonProperty("prometheus")
  PROMETHEUS
}

package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How canary weights are put into effect. */
public enum TrafficRouter {
  @JsonProperty("replicas")
  REPLICAS,
  @JsonProperty("gateway-api")
  GATEWAY_API
}

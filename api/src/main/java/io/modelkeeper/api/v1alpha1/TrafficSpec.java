package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.ValidationRule;

/** How traffic is split between the serving version and a canary. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.router) || self.router != 'gateway-api' || has(self.httpRouteRef)",
    message =
        "rollout.traffic.router gateway-api needs rollout.traffic.httpRouteRef naming the HTTPRoute to weight, for example {name: fraud}")
public class TrafficSpec extends KnownFields {

  @Default("replicas")
  @JsonPropertyDescription(
      "replicas: one Service over both versions, weights realised by replica counts (works on any cluster). gateway-api: per-version Services weighted in the backendRefs of httpRouteRef.")
  private TrafficRouter router = TrafficRouter.REPLICAS;

  @JsonPropertyDescription(
      "The Gateway API HTTPRoute whose backendRefs the operator weights. Required when router is gateway-api.")
  private HttpRouteRef httpRouteRef;

  public TrafficRouter getRouter() {
    return router;
  }

  public void setRouter(TrafficRouter router) {
    this.router = router;
  }

  public HttpRouteRef getHttpRouteRef() {
    return httpRouteRef;
  }

  public void setHttpRouteRef(HttpRouteRef httpRouteRef) {
    this.httpRouteRef = httpRouteRef;
  }
}

package io.modelkeeper.operator.routing;

import io.modelkeeper.api.v1alpha1.TrafficSpec;
import io.modelkeeper.operator.routing.gatewayapi.GatewayApiRouter;
import io.modelkeeper.operator.routing.replicas.ReplicasRouter;

/** The one place a router is chosen from spec.rollout.traffic.router. */
public final class Routers {

  private static final Router REPLICAS = new ReplicasRouter();
  private static final Router GATEWAY_API = new GatewayApiRouter();

  private Routers() {}

  public static Router of(TrafficSpec traffic) {
    return switch (traffic.getRouter()) {
      case REPLICAS -> REPLICAS;
      case GATEWAY_API -> GATEWAY_API;
    };
  }
}

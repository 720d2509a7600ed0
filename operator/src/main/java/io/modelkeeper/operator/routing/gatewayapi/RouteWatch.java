package io.modelkeeper.operator.routing.gatewayapi;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.modelkeeper.api.v1alpha1.HttpRouteRef;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Watches the HTTPRoutes the gateway-api router weights, so that a route put back by a GitOps sync
 * (or edited by hand) is weighted again at once, not at the next periodic reconcile. Registered the
 * first time a ModelDeployment uses the router: clusters without the Gateway API are never asked
 * for HTTPRoutes.
 */
final class RouteWatch {

  static final String NAME = "httproutes";

  private RouteWatch() {}

  /** Starts the watch unless it runs already. */
  static void ensure(Context<ModelDeployment> context) {
    var retriever = context.eventSourceRetriever();
    IndexedResourceCache<ModelDeployment> models = context.getPrimaryCache();
    InformerEventSourceConfiguration<GenericKubernetesResource> configuration =
        InformerEventSourceConfiguration.from(
                new GroupVersionKind(
                    GatewayApiRouter.HTTP_ROUTE.getGroup(),
                    GatewayApiRouter.HTTP_ROUTE.getVersion(),
                    GatewayApiRouter.HTTP_ROUTE.getKind()),
                ModelDeployment.class)
            .withName(NAME)
            .withSecondaryToPrimaryMapper(route -> weightedBy(route, models))
            .build();
    retriever.dynamicallyRegisterEventSource(
        new InformerEventSource<>(
            configuration, retriever.eventSourceContextForDynamicRegistration()));
  }

  /** The ModelDeployments whose spec names this route. */
  private static Set<ResourceID> weightedBy(
      GenericKubernetesResource route, IndexedResourceCache<ModelDeployment> models) {
    String namespace = route.getMetadata().getNamespace();
    String name = route.getMetadata().getName();
    return models
        .list(md -> names(md, namespace, name))
        .map(md -> ResourceID.fromResource(md))
        .collect(Collectors.toSet());
  }

  private static boolean names(ModelDeployment md, String namespace, String name) {
    if (md.getSpec() == null
        || md.getSpec().getRollout() == null
        || md.getSpec().getRollout().getTraffic() == null) {
      return false;
    }
    HttpRouteRef ref = md.getSpec().getRollout().getTraffic().getHttpRouteRef();
    return ref != null
        && name.equals(ref.getName())
        && namespace.equals(md.getMetadata().getNamespace());
  }
}

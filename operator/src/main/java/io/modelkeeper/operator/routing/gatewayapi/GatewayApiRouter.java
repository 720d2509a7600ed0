package io.modelkeeper.operator.routing.gatewayapi;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.modelkeeper.api.v1alpha1.Conditions;
import io.modelkeeper.api.v1alpha1.HttpRouteRef;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.TrafficSpec;
import io.modelkeeper.operator.observe.ObservedWorkloads;
import io.modelkeeper.operator.observe.WorkloadProblem;
import io.modelkeeper.operator.routing.Router;
import io.modelkeeper.operator.workload.ModelServerDeployment;
import io.modelkeeper.operator.workload.ModelService;
import io.modelkeeper.operator.workload.ModelVersion;
import io.modelkeeper.operator.workload.Ownership;
import io.modelkeeper.operator.workload.WorkloadLabels;
import io.modelkeeper.operator.workload.WorkloadNames;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The gateway-api router: one Service per running revision, and the canary's weight written into
 * the backendRefs of the HTTPRoute the spec names. Traffic is split by route weight, so the canary
 * gets a matching share of capacity.
 */
public class GatewayApiRouter implements Router {

  private volatile boolean watching;

  public static final ResourceDefinitionContext HTTP_ROUTE =
      new ResourceDefinitionContext.Builder()
          .withGroup("gateway.networking.k8s.io")
          .withVersion("v1")
          .withKind("HTTPRoute")
          .withPlural("httproutes")
          .withNamespaced(true)
          .build();

  /**
   * Marks per-version Services; they lack the managed-by label so the shared Service's informer
   * ignores them.
   */
  static final String VERSION_SERVICE = "modelkeeper.io/version-service";

  /** HTTPRoutes are watched from the first ModelDeployment that uses this router on. */
  @Override
  public void watch(Context<ModelDeployment> context) {
    if (!watching) {
      RouteWatch.ensure(context);
      watching = true;
    }
  }

  /** The canary needs the weight's share of the stable capacity. */
  @Override
  public int podsFor(int stable, int weight) {
    return (int) Math.ceil(stable * weight / 100.0);
  }

  /** The route sends the canary its weight as soon as one canary pod is ready. */
  @Override
  public Weight weightInEffect(Pods pods, int requested, int budgetPods) {
    return pods.canaryReady() > 0
        ? new Weight(requested, null)
        : new Weight(0, "no canary pod is ready, so the route sends it nothing");
  }

  @Override
  public Optional<String> validate(TrafficSpec traffic) {
    if (traffic.getHttpRouteRef() == null) {
      return Optional.of(
          "spec.rollout.traffic.router gateway-api needs spec.rollout.traffic.httpRouteRef,"
              + " for example {name: fraud}");
    }
    if (traffic.getHttpRouteRef().getNamespace() != null) {
      // Checked here too for API servers with an older copy of the CRD: weighting a route of
      // another namespace would let one tenant move another's traffic.
      return Optional.of(
          "spec.rollout.traffic.httpRouteRef.namespace: the HTTPRoute must be in the"
              + " ModelDeployment's own namespace; leave namespace out");
    }
    return Optional.empty();
  }

  /**
   * Points the route at the target's revisions, with the canary at its weight. Returns why the
   * route could not be weighted (it is missing, or routes to none of the model's Services), or
   * null; the Services are kept either way, and the shared Service keeps serving.
   */
  @Override
  public WorkloadProblem apply(
      ModelDeployment md, Target target, ObservedWorkloads observed, KubernetesClient client) {
    if (target.stable() == null) {
      return null;
    }
    String namespace = md.getMetadata().getNamespace();
    ModelVersion canary = target.canary();
    // Each Service is named like its revision's Deployment, which keeps its name once made.
    Map<String, ModelVersion> running = new LinkedHashMap<>();
    running.put(observed.deploymentName(md, target.stable()), target.stable());
    if (canary != null) {
      running.put(observed.deploymentName(md, canary), canary);
    }
    Set<String> owned = new HashSet<>();
    owned.add(WorkloadNames.service(md));
    List<Service> existing =
        client
            .services()
            .inNamespace(namespace)
            .withLabel(WorkloadLabels.DEPLOYMENT, md.getMetadata().getName())
            .withLabel(VERSION_SERVICE)
            .list()
            .getItems();
    existing.forEach(service -> owned.add(service.getMetadata().getName()));
    for (var entry : running.entrySet()) {
      Service desired =
          versionService(
              md, entry.getValue(), entry.getKey(), observed.deployment(entry.getValue()));
      owned.add(desired.getMetadata().getName());
      Service actual =
          client.services().inNamespace(namespace).withName(desired.getMetadata().getName()).get();
      if (actual == null) {
        client.resource(desired).create();
      } else if (!desired.getSpec().getSelector().equals(actual.getSpec().getSelector())
          || !actual
              .getMetadata()
              .getLabels()
              .entrySet()
              .containsAll(desired.getMetadata().getLabels().entrySet())) {
        actual.getSpec().setSelector(desired.getSpec().getSelector());
        actual.getMetadata().getLabels().putAll(desired.getMetadata().getLabels());
        client.resource(actual).update();
      }
    }
    boolean canaryServes = canary != null && observed.readyReplicas(canary) > 0;
    WorkloadProblem problem =
        weighRoute(
            md,
            client,
            owned,
            observed.deploymentName(md, target.stable()),
            canary == null ? null : observed.deploymentName(md, canary),
            canaryServes ? target.canaryWeight() : 0);
    // Only once the route no longer sends anything to them, so no request meets a missing Service.
    existing.stream()
        .filter(service -> !running.containsKey(service.getMetadata().getName()))
        .forEach(service -> client.resource(service).delete());
    return problem;
  }

  private static WorkloadProblem weighRoute(
      ModelDeployment md,
      KubernetesClient client,
      Set<String> owned,
      String stableService,
      String canaryService,
      int canaryWeight) {
    HttpRouteRef ref = md.getSpec().getRollout().getTraffic().getHttpRouteRef();
    String namespace = md.getMetadata().getNamespace();
    var route =
        client
            .genericKubernetesResources(HTTP_ROUTE)
            .inNamespace(namespace)
            .withName(ref.getName());
    GenericKubernetesResource current = route.get();
    String howTo =
        " Add a backendRef to Service "
            + WorkloadNames.service(md)
            + " (port "
            + ModelService.PORT
            + ") in one of its rules, or use spec.rollout.traffic.router: replicas. Until then no canary gets"
            + " traffic through the route; Service "
            + WorkloadNames.service(md)
            + " keeps serving.";
    if (current == null) {
      return new WorkloadProblem(
          Conditions.REASON_HTTP_ROUTE_NOT_FOUND,
          "spec.rollout.traffic.httpRouteRef"
              + " names HTTPRoute "
              + namespace
              + "/"
              + ref.getName()
              + ", which does not exist."
              + howTo);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) current.getAdditionalProperties().get("spec");
    if (!HttpRouteWeights.routesTo(spec, owned)) {
      return new WorkloadProblem(
          Conditions.REASON_HTTP_ROUTE_WITHOUT_MODEL,
          "HTTPRoute "
              + namespace
              + "/"
              + ref.getName()
              + " (spec.rollout.traffic.httpRouteRef) routes to none of this model's Services."
              + howTo);
    }
    Optional<String> other = otherOwnersBackend(md, client, spec, owned);
    if (other.isPresent()) {
      return new WorkloadProblem(
          Conditions.REASON_HTTP_ROUTE_OF_ANOTHER_OWNER,
          "HTTPRoute "
              + namespace
              + "/"
              + ref.getName()
              + " (spec.rollout.traffic.httpRouteRef) also sends traffic to "
              + other.get()
              + ", so it is not written: a route is weighted only when every Service it sends to"
              + " is this model's or has no owner. Name a route of this model's own, or use"
              + " spec.rollout.traffic.router: replicas. Service "
              + WorkloadNames.service(md)
              + " keeps serving.");
    }
    if (HttpRouteWeights.apply(spec, owned, stableService, canaryService, canaryWeight)) {
      // Only backendRefs changed; the update carries the route's resourceVersion, so a change
      // made meanwhile (a GitOps sync) is a 409 and is looked at again, never overwritten.
      client
          .genericKubernetesResources(HTTP_ROUTE)
          .inNamespace(namespace)
          .resource(current)
          .update();
    }
    return null;
  }

  /**
   * The first backend of the route that belongs to someone else, described for a message: a Service
   * in another namespace, one of another ModelDeployment, or one another object controls. Services
   * of this model, and Services with no owner (a fallback the user wrote beside the model's), are
   * not.
   */
  private static Optional<String> otherOwnersBackend(
      ModelDeployment md, KubernetesClient client, Map<String, Object> spec, Set<String> owned) {
    String namespace = md.getMetadata().getNamespace();
    for (Map<?, ?> ref : HttpRouteWeights.serviceRefs(spec)) {
      String name = String.valueOf(ref.get("name"));
      Object refNamespace = ref.get("namespace");
      if (refNamespace != null && !namespace.equals(refNamespace)) {
        return Optional.of("Service " + refNamespace + "/" + name + " in another namespace");
      }
      if (owned.contains(name)) {
        continue;
      }
      Service service = client.services().inNamespace(namespace).withName(name).get();
      if (service == null) {
        continue;
      }
      String model =
          service.getMetadata().getLabels() == null
              ? null
              : service.getMetadata().getLabels().get(WorkloadLabels.DEPLOYMENT);
      if (model != null && !model.equals(md.getMetadata().getName())) {
        return Optional.of("Service " + name + " of ModelDeployment " + model);
      }
      var owner =
          service.getMetadata().getOwnerReferences() == null
              ? Optional.<io.fabric8.kubernetes.api.model.OwnerReference>empty()
              : service.getMetadata().getOwnerReferences().stream()
                  .filter(o -> !java.util.Objects.equals(md.getMetadata().getUid(), o.getUid()))
                  .findFirst();
      if (owner.isPresent()) {
        return Optional.of(
            "Service " + name + " owned by " + owner.get().getKind() + " " + owner.get().getName());
      }
    }
    return Optional.empty();
  }

  /**
   * The Service over one revision's pods, named like its Deployment and selecting what that
   * Deployment selects (by revision; by version alone for a Deployment of an earlier release).
   */
  static Service versionService(
      ModelDeployment md, ModelVersion model, String name, Deployment running) {
    Map<String, String> labels = new LinkedHashMap<>(WorkloadLabels.forModel(md));
    labels.remove(WorkloadLabels.MANAGED_BY);
    labels.put(WorkloadLabels.MODEL_VERSION, model.version());
    labels.put(WorkloadLabels.REVISION, model.revision());
    labels.put(VERSION_SERVICE, "true");
    Map<String, String> selector =
        running != null && running.getSpec().getSelector() != null
            ? running.getSpec().getSelector().getMatchLabels()
            : WorkloadLabels.versionSelector(md, model);
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(md.getMetadata().getNamespace())
        .withLabels(labels)
        .withOwnerReferences(Ownership.controlledBy(md))
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(selector)
        .addNewPort()
        .withName(ModelServerDeployment.HTTP_PORT_NAME)
        .withPort(ModelService.PORT)
        .withTargetPort(new IntOrString(ModelServerDeployment.HTTP_PORT_NAME))
        .endPort()
        .endSpec()
        .build();
  }
}

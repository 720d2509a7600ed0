package io.modelkeeper.operator;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.modelkeeper.api.v1alpha1.CanaryStatus;
import io.modelkeeper.api.v1alpha1.HttpRouteRef;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.TrafficRouter;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The gateway-api router: one Service per running version, and the canary's weight written into
 * the backendRefs of the HTTPRoute the spec names. The replicas router needs nothing here: the
 * shared Service and the pod counts do the split.
 */
@ApplicationScoped
public class TrafficRouting {

    static final ResourceDefinitionContext HTTP_ROUTE = new ResourceDefinitionContext.Builder()
            .withGroup("gateway.networking.k8s.io").withVersion("v1").withKind("HTTPRoute")
            .withPlural("httproutes").withNamespaced(true).build();
    /** Marks per-version Services; they lack the managed-by label so the shared Service's informer ignores them. */
    static final String VERSION_SERVICE = "modelkeeper.io/version-service";

    /** Points the route at the plan's versions, with the canary at its current weight. */
    public void apply(ModelDeployment md, RolloutPlan plan, ObservedWorkloads observed,
            Context<ModelDeployment> context) {
        if (md.getSpec().getRollout().getTraffic().getRouter() != TrafficRouter.GATEWAY_API || plan.stable() == null) {
            return;
        }
        KubernetesClient client = context.getClient();
        String namespace = md.getMetadata().getNamespace();
        CanaryStatus canary = plan.rollout() == null ? null : plan.rollout().canary();
        Set<String> running = new HashSet<>();
        running.add(plan.stable().version());
        if (canary != null) {
            running.add(canary.getVersion());
        }
        Set<String> owned = new HashSet<>();
        owned.add(WorkloadNames.service(md));
        for (Service existing : client.services().inNamespace(namespace)
                .withLabel(WorkloadLabels.DEPLOYMENT, md.getMetadata().getName()).withLabel(VERSION_SERVICE).list()
                .getItems()) {
            owned.add(existing.getMetadata().getName());
            String version = existing.getMetadata().getLabels().get(WorkloadLabels.MODEL_VERSION);
            if (!running.contains(version)) {
                client.resource(existing).delete();
            }
        }
        for (String version : running) {
            Service desired = versionService(md, version);
            owned.add(desired.getMetadata().getName());
            Service actual = client.services().inNamespace(namespace).withName(desired.getMetadata().getName()).get();
            if (actual == null) {
                client.resource(desired).create();
            } else if (!desired.getSpec().getSelector().equals(actual.getSpec().getSelector())) {
                actual.getSpec().setSelector(desired.getSpec().getSelector());
                client.resource(actual).update();
            }
        }
        boolean canaryServes = canary != null && observed.readyReplicas(canary.getVersion()) > 0;
        weighRoute(md, client, owned, plan.stable().version(), canary, canaryServes);
    }

    private static void weighRoute(ModelDeployment md, KubernetesClient client, Set<String> owned,
            String stableVersion, CanaryStatus canary, boolean canaryServes) {
        HttpRouteRef ref = md.getSpec().getRollout().getTraffic().getHttpRouteRef();
        String namespace = Objects.requireNonNullElse(ref.getNamespace(), md.getMetadata().getNamespace());
        var route = client.genericKubernetesResources(HTTP_ROUTE).inNamespace(namespace).withName(ref.getName());
        GenericKubernetesResource current = route.get();
        if (current == null) {
            throw new IllegalStateException("spec.rollout.traffic.httpRouteRef names HTTPRoute " + namespace + "/"
                    + ref.getName() + ", which does not exist; create it or use router: replicas");
        }
        String stable = WorkloadNames.deployment(md, stableVersion);
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) current.getAdditionalProperties().get("spec");
        if (HttpRouteWeights.apply(spec, owned, stable,
                canary == null ? null : WorkloadNames.deployment(md, canary.getVersion()),
                canaryServes ? Objects.requireNonNullElse(canary.getRequestedWeight(), 0) : 0)) {
            client.genericKubernetesResources(HTTP_ROUTE).inNamespace(namespace).resource(current).update();
        }
    }

    /** The Service over one version's pods, named like its Deployment. */
    static Service versionService(ModelDeployment md, String version) {
        Map<String, String> labels = new LinkedHashMap<>(WorkloadLabels.forModel(md));
        labels.remove(WorkloadLabels.MANAGED_BY);
        labels.put(WorkloadLabels.MODEL_VERSION, version);
        labels.put(VERSION_SERVICE, "true");
        return new ServiceBuilder()
                .withNewMetadata()
                    .withName(WorkloadNames.deployment(md, version))
                    .withNamespace(md.getMetadata().getNamespace())
                    .withLabels(labels)
                    .withOwnerReferences(Ownership.controlledBy(md))
                .endMetadata()
                .withNewSpec()
                    .withType("ClusterIP")
                    .withSelector(WorkloadLabels.versionSelector(md, version))
                    .addNewPort()
                        .withName(ModelServerDeployment.HTTP_PORT_NAME)
                        .withPort(ModelService.PORT)
                        .withTargetPort(new IntOrString(ModelServerDeployment.HTTP_PORT_NAME))
                    .endPort()
                .endSpec()
                .build();
    }
}

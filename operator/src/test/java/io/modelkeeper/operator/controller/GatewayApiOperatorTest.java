package io.modelkeeper.operator.controller;

import static io.modelkeeper.operator.testing.TestModels.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.modelkeeper.api.v1alpha1.Conditions;
import io.modelkeeper.api.v1alpha1.HttpRouteRef;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.RolloutResult;
import io.modelkeeper.api.v1alpha1.TrafficRouter;
import io.modelkeeper.operator.routing.gatewayapi.GatewayApiRouter;
import io.modelkeeper.operator.testing.CrdInMockServer;
import io.modelkeeper.operator.testing.FakeMetricsSource;
import io.modelkeeper.operator.testing.TestCluster;
import io.modelkeeper.operator.testing.TestModels;
import io.modelkeeper.operator.workload.ModelVersion;
import io.modelkeeper.operator.workload.WorkloadLabels;
import io.modelkeeper.operator.workload.WorkloadNames;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * The gateway-api router against the mock API server: per-revision Services, and the weights of the
 * operator's backends in a user's HTTPRoute that also routes to a backend the user owns.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = CrdInMockServer.class)
class GatewayApiOperatorTest {

  private static final Duration WAIT = Duration.ofSeconds(40);

  @Inject KubernetesClient client;

  @Inject FakeMetricsSource metrics;

  @Test
  void routeWeightsFollowEveryStepAndPromotionLeavesTheNewRevisionsServiceAlone() {
    GenericKubernetesResource original = createRoute("gate");
    ModelVersion one = serveVersionOne("gate");
    ModelVersion two = TestModels.file("gate", "2");
    String stableService = WorkloadNames.deployment(md("gate"), one);
    String canaryService = WorkloadNames.deployment(md("gate"), two);
    metrics.set("gate", one, FakeMetricsSource.serving(1000, 10, 0.05));
    metrics.set("gate", two, FakeMetricsSource.serving(400, 4, 0.05));

    await()
        .ignoreExceptions()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(backends("gate"))
                    .containsExactly(userBackend(), backend(stableService, 50)));
    assertVersionService("gate", stableService, one);

    newVersion("gate", "2");
    List<List<Map<String, Object>>> seen = new ArrayList<>();
    await()
        .ignoreExceptions()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              actAsDeploymentController(canaryService);
              List<Map<String, Object>> now = backends("gate");
              if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(now)) {
                seen.add(now);
              }
              ModelDeployment md = cluster().model("gate");
              assertThat(md.getStatus().getCanary()).isNull();
              assertThat(md.getStatus().getStable().getRevision()).isEqualTo(two.revision());
              assertThat(md.getStatus().getHistory())
                  .last()
                  .satisfies(h -> assertThat(h.getResult()).isEqualTo(RolloutResult.Promoted));
              assertThat(now).containsExactly(userBackend(), backend(canaryService, 50));
            });
    assertThat(seen)
        .as("the model's 50 of 100 split as each step asks, the user's backend kept")
        .containsSubsequence(
            List.of(userBackend(), backend(stableService, 50), backend(canaryService, 0)),
            List.of(userBackend(), backend(stableService, 37), backend(canaryService, 13)),
            List.of(userBackend(), backend(stableService, 25), backend(canaryService, 25)),
            List.of(userBackend(), backend(canaryService, 50)));
    assertVersionService("gate", canaryService, two);
    await()
        .ignoreExceptions()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(service(stableService).get())
                    .as("the old revision's Service goes with it")
                    .isNull());
    assertOnlyBackendsChanged(original, route("gate").get());
  }

  @Test
  void aRoutePutBackByAGitOpsSyncIsWeightedAgainAtOnce() {
    GenericKubernetesResource original = createRoute("sync");
    // Measured figures, so the next read of them (and so the next reconcile) is 30 s away.
    metrics.set("sync", "1", FakeMetricsSource.serving(100, 0, 0.01));
    ModelVersion one = serveVersionOne("sync");
    String stableService = WorkloadNames.deployment(md("sync"), one);
    await()
        .ignoreExceptions()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(backends("sync"))
                    .containsExactly(userBackend(), backend(stableService, 50)));

    // Once the operator is idle, Git's copy of the route comes back, as a sync would write it; the
    // periodic reconcile is a minute away, so only a watch on the route can answer within seconds.
    await()
        .during(Duration.ofSeconds(3))
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(backends("sync"))
                    .containsExactly(userBackend(), backend(stableService, 50)));
    GenericKubernetesResource fromGit = route("sync").get();
    fromGit
        .getAdditionalProperties()
        .put("spec", copy(original.getAdditionalProperties().get("spec")));
    routes().resource(fromGit).update();
    assertThat(backends("sync")).contains(backend("sync", 50));

    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(backends("sync"))
                    .containsExactly(userBackend(), backend(stableService, 50)));
  }

  @Test
  void aRolledBackCanaryLeavesTheRouteOnStableAndItsServiceGoes() {
    GenericKubernetesResource original = createRoute("lapse");
    ModelVersion one = serveVersionOne("lapse");
    ModelVersion two = TestModels.file("lapse", "2");
    String stableService = WorkloadNames.deployment(md("lapse"), one);
    String canaryService = WorkloadNames.deployment(md("lapse"), two);
    metrics.set("lapse", one, FakeMetricsSource.serving(1000, 0, 0.05));
    metrics.set("lapse", two, FakeMetricsSource.serving(400, 400, 0.05));
    await()
        .ignoreExceptions()
        .atMost(WAIT)
        .until(() -> backends("lapse").contains(backend(stableService, 50)));

    // The canary fails its first check, which can come before its Service was ever made (the
    // walk to promotion checks that Service's shape); what matters here is what is left after.
    newVersion("lapse", "2");
    await()
        .ignoreExceptions()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              actAsDeploymentController(canaryService);
              ModelDeployment md = cluster().model("lapse");
              assertThat(md.getStatus().getHistory())
                  .last()
                  .satisfies(h -> assertThat(h.getResult()).isEqualTo(RolloutResult.RolledBack));
              assertThat(backends("lapse"))
                  .containsExactly(userBackend(), backend(stableService, 50));
              assertThat(service(canaryService).get()).isNull();
            });
    assertVersionService("lapse", stableService, one);
    assertOnlyBackendsChanged(original, route("lapse").get());
  }

  @Test
  void aMissingRouteIsReportedNamingTheFieldWhileStableServes() {
    serveVersionOne("stray");

    await()
        .ignoreExceptions()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              var degraded = cluster().condition("stray", Conditions.DEGRADED);
              assertThat(degraded.getStatus()).isEqualTo("True");
              assertThat(degraded.getReason()).isEqualTo(Conditions.REASON_HTTP_ROUTE_NOT_FOUND);
              assertThat(degraded.getMessage())
                  .contains("spec.rollout.traffic.httpRouteRef")
                  .contains(TestModels.NAMESPACE + "/stray-route");
              assertThat(warnings("stray")).contains(Conditions.REASON_HTTP_ROUTE_NOT_FOUND);
            });
    ModelDeployment md = cluster().model("stray");
    assertThat(cluster().condition("stray", Conditions.READY).getStatus())
        .as("stable keeps serving")
        .isEqualTo("True");
    assertThat(md.getStatus().getStable().getVersion()).isEqualTo("1");

    createRoute("stray");
    String stableService = WorkloadNames.deployment(md, TestModels.file("stray", "1"));
    await()
        .ignoreExceptions()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(cluster().condition("stray", Conditions.DEGRADED).getStatus())
                  .isEqualTo("False");
              assertThat(backends("stray"))
                  .containsExactly(userBackend(), backend(stableService, 50));
            });
  }

  @Test
  void aRouteThatAlsoSendsToAnotherModelsServiceIsNotWritten() {
    serveVersionOne("victim");
    String yaml =
        """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata:
                  name: intruder-route
                  namespace: %s
                spec:
                  rules:
                  - backendRefs:
                    - {name: intruder, port: 80, weight: 50}
                    - {name: victim, port: 80, weight: 50}
                """
            .formatted(TestModels.NAMESPACE);
    routes()
        .resource(
            client.getKubernetesSerialization().unmarshal(yaml, GenericKubernetesResource.class))
        .create();
    List<Map<String, Object>> written = backends("intruder");

    serveVersionOne("intruder");
    await()
        .ignoreExceptions()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              var degraded = cluster().condition("intruder", Conditions.DEGRADED);
              assertThat(degraded.getStatus()).isEqualTo("True");
              assertThat(degraded.getReason())
                  .isEqualTo(Conditions.REASON_HTTP_ROUTE_OF_ANOTHER_OWNER);
              assertThat(degraded.getMessage())
                  .contains("spec.rollout.traffic.httpRouteRef")
                  .contains("Service victim of ModelDeployment victim");
              assertThat(warnings("intruder"))
                  .contains(Conditions.REASON_HTTP_ROUTE_OF_ANOTHER_OWNER);
            });
    assertThat(backends("intruder")).as("the route is not written").isEqualTo(written);
    assertThat(cluster().condition("intruder", Conditions.READY).getStatus())
        .as("the model keeps serving through its own Service")
        .isEqualTo("True");
  }

  /**
   * A route as a user writes it: the model's shared Service and the user's own backend share a
   * rule.
   */
  private GenericKubernetesResource createRoute(String name) {
    String yaml =
        """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata:
                  name: %1$s-route
                  namespace: %2$s
                  labels: {team: payments}
                  annotations: {owner: web-team}
                spec:
                  parentRefs:
                  - {name: public-gateway, namespace: infra}
                  hostnames: [models.example.com]
                  rules:
                  - matches:
                    - path: {type: PathPrefix, value: /v2/models/%1$s}
                    filters:
                    - type: RequestHeaderModifier
                      requestHeaderModifier:
                        add: [{name: x-model, value: %1$s}]
                    backendRefs:
                    - {name: %1$s, port: 80, weight: 50}
                    - {name: user-shadow, port: 8080, weight: 50}
                  - matches:
                    - path: {type: PathPrefix, value: /}
                    backendRefs:
                    - {name: website, port: 80}
                """
            .formatted(name, TestModels.NAMESPACE);
    GenericKubernetesResource route =
        client.getKubernetesSerialization().unmarshal(yaml, GenericKubernetesResource.class);
    return routes().resource(route).create();
  }

  private ModelVersion serveVersionOne(String name) {
    cluster()
        .models()
        .resource(
            TestModels.model(
                name,
                "1",
                spec -> {
                  spec.getServing().setReplicas(2);
                  spec.getRollout().setSteps(List.of(step(25, "3s"), step(50, "3s")));
                  spec.getRollout().getAnalysis().setInterval("1s");
                  spec.getRollout().getAnalysis().setMinRequests(100);
                  spec.getRollout().getTraffic().setRouter(TrafficRouter.GATEWAY_API);
                  HttpRouteRef ref = new HttpRouteRef();
                  ref.setName(name + "-route");
                  spec.getRollout().getTraffic().setHttpRouteRef(ref);
                }))
        .create();
    String stable = TestModels.deploymentName(name, "1");
    await()
        .ignoreExceptions()
        .atMost(WAIT)
        .until(() -> cluster().deployment(stable).get(), Objects::nonNull);
    cluster().markReady(stable, 2);
    await()
        .ignoreExceptions()
        .atMost(WAIT)
        .until(() -> "True".equals(cluster().condition(name, Conditions.READY).getStatus()));
    return TestModels.file(name, "1");
  }

  private void newVersion(String name, String version) {
    cluster()
        .editModel(
            name,
            md -> {
              md.getSpec().getModel().setVersion(version);
              md.getSpec().getModel().setUri(TestModels.file(name, version).uri());
              return md;
            });
  }

  /**
   * Reports the pods a Deployment asks for as ready, as the Deployment controller would once they
   * are.
   */
  private void actAsDeploymentController(String name) {
    Deployment deployment = cluster().deployment(name).get();
    if (deployment == null) {
      return;
    }
    int asked = deployment.getSpec().getReplicas();
    var status = deployment.getStatus();
    boolean current =
        status != null
            && Objects.equals(
                status.getObservedGeneration(), deployment.getMetadata().getGeneration())
            && Objects.equals(status.getReadyReplicas(), asked);
    if (!current) {
      cluster().markReady(name, asked);
    }
  }

  private void assertVersionService(String md, String name, ModelVersion model) {
    Service service = service(name).get();
    assertThat(service).as("Service " + name).isNotNull();
    assertThat(service.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            owner -> {
              assertThat(owner.getKind()).isEqualTo("ModelDeployment");
              assertThat(owner.getName()).isEqualTo(md);
              assertThat(owner.getController()).isTrue();
            });
    assertThat(service.getSpec().getSelector())
        .isEqualTo(
            Map.of(
                WorkloadLabels.NAME,
                WorkloadLabels.SERVER_NAME,
                WorkloadLabels.DEPLOYMENT,
                md,
                WorkloadLabels.MODEL_VERSION,
                model.version(),
                WorkloadLabels.REVISION,
                model.revision()));
    assertThat(service.getSpec().getPorts())
        .singleElement()
        .satisfies(
            port -> {
              assertThat(port.getPort()).isEqualTo(80);
              assertThat(port.getTargetPort().getStrVal()).isEqualTo("http");
            });
  }

  /** Everything but the model's backendRefs in the first rule is as the user wrote it. */
  @SuppressWarnings("unchecked")
  private void assertOnlyBackendsChanged(
      GenericKubernetesResource before, GenericKubernetesResource after) {
    assertThat(after.getMetadata().getLabels()).isEqualTo(before.getMetadata().getLabels());
    assertThat(after.getMetadata().getAnnotations())
        .isEqualTo(before.getMetadata().getAnnotations());
    Map<String, Object> expected = copy(before.getAdditionalProperties().get("spec"));
    Map<String, Object> actual = copy(after.getAdditionalProperties().get("spec"));
    ((Map<String, Object>) ((List<Object>) expected.get("rules")).get(0)).remove("backendRefs");
    ((Map<String, Object>) ((List<Object>) actual.get("rules")).get(0)).remove("backendRefs");
    assertThat(actual).isEqualTo(expected);
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> copy(Object spec) {
    var json = client.getKubernetesSerialization();
    return json.unmarshal(json.asJson(spec), Map.class);
  }

  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> backends(String name) {
    GenericKubernetesResource route = route(name).get();
    Map<String, Object> spec = (Map<String, Object>) route.getAdditionalProperties().get("spec");
    Map<String, Object> rule = (Map<String, Object>) ((List<Object>) spec.get("rules")).get(0);
    return (List<Map<String, Object>>) rule.get("backendRefs");
  }

  private static Map<String, Object> backend(String service, int weight) {
    return Map.of("name", service, "port", 80, "weight", weight);
  }

  private static Map<String, Object> userBackend() {
    return Map.of("name", "user-shadow", "port", 8080, "weight", 50);
  }

  private List<String> warnings(String name) {
    return client.v1().events().inNamespace(TestModels.NAMESPACE).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()) && "Warning".equals(e.getType()))
        .map(Event::getReason)
        .toList();
  }

  private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<
          GenericKubernetesResource,
          io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      routes() {
    return client
        .genericKubernetesResources(GatewayApiRouter.HTTP_ROUTE)
        .inNamespace(TestModels.NAMESPACE);
  }

  private Resource<GenericKubernetesResource> route(String name) {
    return routes().withName(name + "-route");
  }

  private Resource<Service> service(String name) {
    return client.services().inNamespace(TestModels.NAMESPACE).withName(name);
  }

  private ModelDeployment md(String name) {
    return TestModels.model(name, "1");
  }

  private TestCluster cluster() {
    return new TestCluster(client);
  }
}

package io.modelkeeper.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelkeeper.api.v1alpha1.Conditions;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.Phase;
import io.modelkeeper.api.v1alpha1.RolloutResult;
import io.modelkeeper.operator.testing.CrdInMockServer;
import io.modelkeeper.operator.testing.TestCluster;
import io.modelkeeper.operator.testing.TestModels;
import io.modelkeeper.operator.workload.WorkloadLabels;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator's real event loop against the mock API server; the test plays kubelet and Deployment
 * controller.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = CrdInMockServer.class)
class ModelDeploymentOperatorTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Inject KubernetesClient client;

  private TestCluster cluster;

  @BeforeEach
  void connect() {
    cluster = new TestCluster(client);
  }

  @Test
  void createsWorkloadReportsReadyFollowsEditsAndPutsBackManualScaling() {
    cluster.models().resource(TestModels.model("fraud", "1")).create();

    Deployment deployment =
        await()
            .atMost(WAIT)
            .until(
                () -> cluster.deployment(TestModels.deploymentName("fraud", "1")).get(),
                d -> d != null);
    Service service =
        await()
            .atMost(WAIT)
            .until(
                () -> client.services().inNamespace(TestModels.NAMESPACE).withName("fraud").get(),
                s -> s != null);
    assertOwnedByModel(deployment, "fraud");
    assertOwnedByModel(service, "fraud");
    assertThat(service.getSpec().getSelector()).containsEntry(WorkloadLabels.DEPLOYMENT, "fraud");
    Service pods =
        await()
            .atMost(WAIT)
            .until(
                () ->
                    client
                        .services()
                        .inNamespace(TestModels.NAMESPACE)
                        .withName("fraud-pods")
                        .get(),
                s -> s != null);
    assertOwnedByModel(pods, "fraud");
    assertThat(pods.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(pods.getSpec().getSelector()).isEqualTo(service.getSpec().getSelector());
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(cluster.condition("fraud", Conditions.READY))
                    .extracting(Condition::getStatus, Condition::getReason)
                    .containsExactly("False", Conditions.REASON_WAITING_FOR_PODS));

    cluster.markReady(TestModels.deploymentName("fraud", "1"), 1);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              ModelDeployment md = cluster.model("fraud");
              assertThat(cluster.condition("fraud", Conditions.READY).getStatus())
                  .isEqualTo("True");
              assertThat(md.getStatus().getPhase()).isEqualTo(Phase.Ready);
              assertThat(md.getStatus().getStable().getVersion()).isEqualTo("1");
              assertThat(md.getStatus().getEndpoint())
                  .isEqualTo("http://fraud.ml.svc.cluster.local/v2/models/fraud");
            });
    assertThat(cluster.events("fraud")).contains("Created", "VersionReady");

    cluster.editModel(
        "fraud",
        md -> {
          md.getSpec().getServing().setReplicas(2);
          return md;
        });
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(
                      cluster
                          .deployment(TestModels.deploymentName("fraud", "1"))
                          .get()
                          .getSpec()
                          .getReplicas())
                  .isEqualTo(2);
              ModelDeployment md = cluster.model("fraud");
              assertThat(md.getStatus().getObservedGeneration())
                  .isEqualTo(md.getMetadata().getGeneration());
              assertThat(cluster.condition("fraud", Conditions.READY).getObservedGeneration())
                  .isEqualTo(md.getMetadata().getGeneration());
            });

    cluster.editDeployment(
        TestModels.deploymentName("fraud", "1"),
        d -> {
          d.getSpec().setReplicas(7);
          return d;
        });
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        cluster
                            .deployment(TestModels.deploymentName("fraud", "1"))
                            .get()
                            .getSpec()
                            .getReplicas())
                    .isEqualTo(2));

    client
        .services()
        .inNamespace(TestModels.NAMESPACE)
        .withName("fraud")
        .edit(
            s -> {
              s.getSpec().getSelector().put(WorkloadLabels.DEPLOYMENT, "someone-else");
              return s;
            });
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .services()
                            .inNamespace(TestModels.NAMESPACE)
                            .withName("fraud")
                            .get()
                            .getSpec()
                            .getSelector())
                    .containsEntry(WorkloadLabels.DEPLOYMENT, "fraud"));
  }

  @Test
  void bothServicesAreKeptFromTheOneServiceInformer() {
    cluster.models().resource(TestModels.model("loans", "1")).create();
    var services = client.services().inNamespace(TestModels.NAMESPACE);
    await().atMost(WAIT).until(() -> services.withName("loans-pods").get(), s -> s != null);

    for (String name : List.of("loans", "loans-pods")) {
      services
          .withName(name)
          .edit(
              service -> {
                service.getSpec().getSelector().put(WorkloadLabels.DEPLOYMENT, "someone-else");
                return service;
              });
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(services.withName(name).get().getSpec().getSelector())
                      .containsEntry(WorkloadLabels.DEPLOYMENT, "loans"));
    }
    assertThat(services.withName("loans-pods").get().getSpec().getClusterIP()).isEqualTo("None");
    assertThat(services.withName("loans").get().getSpec().getClusterIP()).isNotEqualTo("None");
  }

  @Test
  void unreachableModelMakesReadyFalseWithTheReason() {
    cluster.models().resource(TestModels.model("broken", "1")).create();
    await()
        .atMost(WAIT)
        .until(
            () -> cluster.deployment(TestModels.deploymentName("broken", "1")).get(),
            d -> d != null);

    cluster.createPod(
        "broken",
        "1",
        TestCluster.fetchFailed(
            "fetch failed: GET https://models.example.com/broken/1/model.onnx" + " answered 404"));

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Condition ready = cluster.condition("broken", Conditions.READY);
              assertThat(ready.getStatus()).isEqualTo("False");
              assertThat(ready.getReason()).isEqualTo(Conditions.REASON_MODEL_FETCH_FAILED);
              assertThat(ready.getMessage()).contains("answered 404").contains("spec.model.uri");
              assertThat(cluster.model("broken").getStatus().getPhase()).isEqualTo(Phase.Failed);
            });
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(cluster.events("broken"))
                    .containsOnlyOnce(Conditions.REASON_MODEL_FETCH_FAILED));
  }

  @Test
  void badNewVersionNeverTakesDownTheServingOneAndAGoodOneReplacesIt() {
    cluster.models().resource(TestModels.model("churn", "1")).create();
    await()
        .atMost(WAIT)
        .until(
            () -> cluster.deployment(TestModels.deploymentName("churn", "1")).get(),
            d -> d != null);
    cluster.markReady(TestModels.deploymentName("churn", "1"), 1);
    await()
        .atMost(WAIT)
        .until(() -> "True".equals(cluster.condition("churn", Conditions.READY).getStatus()));

    cluster.editModel(
        "churn",
        md -> {
          md.getSpec().getModel().setVersion("2");
          md.getSpec().getModel().setUri("https://models.example.com/churn/2/model.onnx");
          return md;
        });
    await()
        .atMost(WAIT)
        .until(
            () -> cluster.deployment(TestModels.deploymentName("churn", "2")).get(),
            d -> d != null);
    cluster.createPod("churn", "2", TestCluster.fetchFailed("fetch failed: sha256 mismatch"));

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              ModelDeployment md = cluster.model("churn");
              assertThat(cluster.condition("churn", Conditions.DEGRADED).getReason())
                  .isEqualTo(Conditions.REASON_MODEL_FETCH_FAILED);
              assertThat(cluster.condition("churn", Conditions.READY).getStatus())
                  .isEqualTo("False");
              assertThat(cluster.condition("churn", Conditions.READY).getReason())
                  .isEqualTo(Conditions.REASON_MODEL_FETCH_FAILED);
              assertThat(md.getStatus().getStable().getVersion()).isEqualTo("1");
              assertThat(md.getStatus().getCanary().getVersion()).isEqualTo("2");
              assertThat(md.getStatus().getPhase()).isEqualTo(Phase.Degraded);
            });
    assertThat(cluster.deployment(TestModels.deploymentName("churn", "1")).get())
        .as("the serving version stays")
        .isNotNull();

    cluster.deletePod("churn", "2");
    cluster.markReady(TestModels.deploymentName("churn", "2"), 1);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              ModelDeployment md = cluster.model("churn");
              assertThat(md.getStatus().getStable().getVersion()).isEqualTo("2");
              assertThat(md.getStatus().getCanary()).isNull();
              assertThat(md.getStatus().getHistory())
                  .last()
                  .satisfies(h -> assertThat(h.getResult()).isEqualTo(RolloutResult.Promoted));
              assertThat(cluster.condition("churn", Conditions.DEGRADED).getStatus())
                  .isEqualTo("False");
              assertThat(cluster.deployment(TestModels.deploymentName("churn", "1")).get())
                  .isNull();
            });
    assertThat(cluster.events("churn")).contains("Recovered", "Promoted");
  }

  private static void assertOwnedByModel(HasMetadata resource, String name) {
    assertThat(resource.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            owner -> {
              assertThat(owner.getKind()).isEqualTo("ModelDeployment");
              assertThat(owner.getName()).isEqualTo(name);
              assertThat(owner.getController()).isTrue();
            });
  }
}

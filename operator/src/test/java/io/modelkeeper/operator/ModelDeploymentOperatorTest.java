package io.modelkeeper.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.modelkeeper.api.v1alpha1.Conditions;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.Phase;
import io.modelkeeper.api.v1alpha1.RolloutResult;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The operator's real event loop against the mock API server; the test plays kubelet and Deployment controller. */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = CrdInMockServer.class)
class ModelDeploymentOperatorTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    KubernetesClient client;

    @Test
    void createsWorkloadReportsReadyFollowsEditsAndPutsBackManualScaling() {
        models().resource(TestModels.model("fraud", "1")).create();

        Deployment deployment = await().atMost(WAIT).until(() -> deployment("fraud-1").get(), d -> d != null);
        Service service = await().atMost(WAIT).until(() -> client.services().inNamespace(TestModels.NAMESPACE)
                .withName("fraud").get(), s -> s != null);
        assertOwnedByModel(deployment, "fraud");
        assertOwnedByModel(service, "fraud");
        assertThat(service.getSpec().getSelector()).containsEntry(WorkloadLabels.DEPLOYMENT, "fraud");
        await().atMost(WAIT).untilAsserted(() -> assertThat(condition("fraud", Conditions.READY))
                .extracting(Condition::getStatus, Condition::getReason)
                .containsExactly("False", Conditions.REASON_WAITING_FOR_PODS));

        markReady("fraud-1", 1);
        await().atMost(WAIT).untilAsserted(() -> {
            ModelDeployment md = model("fraud");
            assertThat(condition("fraud", Conditions.READY).getStatus()).isEqualTo("True");
            assertThat(md.getStatus().getPhase()).isEqualTo(Phase.Ready);
            assertThat(md.getStatus().getStable().getVersion()).isEqualTo("1");
            assertThat(md.getStatus().getEndpoint())
                    .isEqualTo("http://fraud.ml.svc.cluster.local/v2/models/fraud");
        });
        assertThat(events("fraud")).contains("Created", "VersionReady");

        models().withName("fraud").edit(md -> {
            md.getSpec().getServing().setReplicas(2);
            return md;
        });
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(deployment("fraud-1").get().getSpec().getReplicas()).isEqualTo(2);
            ModelDeployment md = model("fraud");
            assertThat(md.getStatus().getObservedGeneration()).isEqualTo(md.getMetadata().getGeneration());
            assertThat(condition("fraud", Conditions.READY).getObservedGeneration())
                    .isEqualTo(md.getMetadata().getGeneration());
        });

        deployment("fraud-1").edit(d -> {
            d.getSpec().setReplicas(7);
            return d;
        });
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(deployment("fraud-1").get().getSpec().getReplicas()).isEqualTo(2));
    }

    @Test
    void unreachableModelMakesReadyFalseWithTheReason() {
        models().resource(TestModels.model("broken", "1")).create();
        await().atMost(WAIT).until(() -> deployment("broken-1").get(), d -> d != null);

        createPod("broken", "1", fetchFailed("fetch failed: GET https://models.example.com/broken/1/model.onnx"
                + " answered 404"));

        await().atMost(WAIT).untilAsserted(() -> {
            Condition ready = condition("broken", Conditions.READY);
            assertThat(ready.getStatus()).isEqualTo("False");
            assertThat(ready.getReason()).isEqualTo(Conditions.REASON_MODEL_FETCH_FAILED);
            assertThat(ready.getMessage()).contains("answered 404").contains("spec.model.uri");
            assertThat(model("broken").getStatus().getPhase()).isEqualTo(Phase.Failed);
        });
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(events("broken")).containsOnlyOnce(Conditions.REASON_MODEL_FETCH_FAILED));
    }

    @Test
    void badNewVersionNeverTakesDownTheServingOneAndAGoodOneReplacesIt() {
        models().resource(TestModels.model("churn", "1")).create();
        await().atMost(WAIT).until(() -> deployment("churn-1").get(), d -> d != null);
        markReady("churn-1", 1);
        await().atMost(WAIT).until(() -> "True".equals(condition("churn", Conditions.READY).getStatus()));

        models().withName("churn").edit(md -> {
            md.getSpec().getModel().setVersion("2");
            md.getSpec().getModel().setUri("https://models.example.com/churn/2/model.onnx");
            return md;
        });
        await().atMost(WAIT).until(() -> deployment("churn-2").get(), d -> d != null);
        createPod("churn", "2", fetchFailed("fetch failed: sha256 mismatch"));

        await().atMost(WAIT).untilAsserted(() -> {
            ModelDeployment md = model("churn");
            assertThat(condition("churn", Conditions.DEGRADED).getReason())
                    .isEqualTo(Conditions.REASON_MODEL_FETCH_FAILED);
            assertThat(condition("churn", Conditions.READY).getStatus()).isEqualTo("True");
            assertThat(md.getStatus().getStable().getVersion()).isEqualTo("1");
            assertThat(md.getStatus().getCanary().getVersion()).isEqualTo("2");
            assertThat(md.getStatus().getPhase()).isEqualTo(Phase.Degraded);
        });
        assertThat(deployment("churn-1").get()).as("the serving version stays").isNotNull();

        client.pods().inNamespace(TestModels.NAMESPACE).withName("churn-2-pod").delete();
        markReady("churn-2", 1);
        await().atMost(WAIT).untilAsserted(() -> {
            ModelDeployment md = model("churn");
            assertThat(md.getStatus().getStable().getVersion()).isEqualTo("2");
            assertThat(md.getStatus().getCanary()).isNull();
            assertThat(md.getStatus().getHistory()).last()
                    .satisfies(h -> assertThat(h.getResult()).isEqualTo(RolloutResult.Promoted));
            assertThat(condition("churn", Conditions.DEGRADED).getStatus()).isEqualTo("False");
            assertThat(deployment("churn-1").get()).isNull();
        });
        assertThat(events("churn")).contains("Recovered", "Promoted");
    }

    private NonNamespaceOperation<ModelDeployment, KubernetesResourceList<ModelDeployment>,
            Resource<ModelDeployment>> models() {
        return client.resources(ModelDeployment.class).inNamespace(TestModels.NAMESPACE);
    }

    private ModelDeployment model(String name) {
        return models().withName(name).get();
    }

    private Condition condition(String name, String type) {
        ModelDeployment md = model(name);
        Condition condition = StatusAggregator.find(md == null ? null : md.getStatus(), type);
        return condition != null ? condition : new Condition();
    }

    private Resource<Deployment> deployment(String name) {
        return client.apps().deployments().inNamespace(TestModels.NAMESPACE).withName(name);
    }

    private List<String> events(String name) {
        return client.v1().events().inNamespace(TestModels.NAMESPACE).list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName()))
                .map(Event::getReason)
                .toList();
    }

    /** What the Deployment controller and kubelet would report once the pods are up. */
    private void markReady(String deploymentName, int pods) {
        Deployment current = deployment(deploymentName).get();
        current.setStatus(new DeploymentStatusBuilder()
                .withReplicas(pods).withReadyReplicas(pods).withAvailableReplicas(pods).withUpdatedReplicas(pods)
                .withObservedGeneration(current.getMetadata().getGeneration())
                .build());
        deployment(deploymentName).updateStatus(current);
    }

    private void createPod(String model, String version, io.fabric8.kubernetes.api.model.PodStatus status) {
        Pod pod = new PodBuilder()
                .withNewMetadata()
                    .withName(model + "-" + version + "-pod")
                    .withNamespace(TestModels.NAMESPACE)
                    .addToLabels(WorkloadLabels.MANAGED_BY, WorkloadLabels.MANAGER)
                    .addToLabels(WorkloadLabels.DEPLOYMENT, model)
                    .addToLabels(WorkloadLabels.MODEL_VERSION, version)
                .endMetadata()
                .withNewSpec().addNewContainer().withName("model-server").withImage("x").endContainer().endSpec()
                .withStatus(status)
                .build();
        client.pods().inNamespace(TestModels.NAMESPACE).resource(pod).create();
    }

    private static io.fabric8.kubernetes.api.model.PodStatus fetchFailed(String message) {
        return new io.fabric8.kubernetes.api.model.PodStatusBuilder()
                .withPhase("Pending")
                .addNewInitContainerStatus()
                    .withName(ModelServerDeployment.FETCH_CONTAINER)
                    .withNewState().withNewTerminated().withExitCode(1).withReason("Error").withMessage(message)
                        .endTerminated().endState()
                .endInitContainerStatus()
                .build();
    }

    private static void assertOwnedByModel(HasMetadata resource, String name) {
        assertThat(resource.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
            assertThat(owner.getKind()).isEqualTo("ModelDeployment");
            assertThat(owner.getName()).isEqualTo(name);
            assertThat(owner.getController()).isTrue();
        });
    }
}

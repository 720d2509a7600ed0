package io.modelkeeper.operator.testing;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.operator.status.StatusAggregator;
import io.modelkeeper.operator.workload.ModelServerDeployment;
import io.modelkeeper.operator.workload.WorkloadLabels;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The test's hands on the mock API server: it reads state and plays Deployment controller and
 * kubelet.
 */
public final class TestCluster {

  /** User agent of the test's own requests, so they can be told from the operator's. */
  public static final String TEST_AGENT = "modelkeeper-test-kubelet";

  private final KubernetesClient client;

  public TestCluster(KubernetesClient client) {
    this.client = client;
  }

  /** A client of the same server that signs its requests as the test's. */
  public static KubernetesClient testClient(KubernetesClient like) {
    return new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder(like.getConfiguration()).withUserAgent(TEST_AGENT).build())
        .build();
  }

  public NonNamespaceOperation<
          ModelDeployment, KubernetesResourceList<ModelDeployment>, Resource<ModelDeployment>>
      models() {
    return client.resources(ModelDeployment.class).inNamespace(TestModels.NAMESPACE);
  }

  public ModelDeployment model(String name) {
    return models().withName(name).get();
  }

  /** A condition of a ModelDeployment, or an empty one while it has none. */
  public Condition condition(String name, String type) {
    ModelDeployment md = model(name);
    Condition condition = StatusAggregator.find(md == null ? null : md.getStatus(), type);
    return condition != null ? condition : new Condition();
  }

  /** Edits a ModelDeployment as a user would, retrying when the operator wrote it in between. */
  public void editModel(String name, UnaryOperator<ModelDeployment> change) {
    retryOnConflict(() -> models().withName(name).edit(change));
  }

  /** Edits a Deployment behind the operator's back, retrying on a concurrent write. */
  public void editDeployment(String name, UnaryOperator<Deployment> change) {
    retryOnConflict(() -> deployment(name).edit(change));
  }

  private static void retryOnConflict(Runnable write) {
    for (int attempt = 1; ; attempt++) {
      try {
        write.run();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 10) {
          throw e;
        }
      }
    }
  }

  public Resource<Deployment> deployment(String name) {
    return client.apps().deployments().inNamespace(TestModels.NAMESPACE).withName(name);
  }

  /** Reasons of the Events recorded on a ModelDeployment. */
  public List<String> events(String name) {
    return client.v1().events().inNamespace(TestModels.NAMESPACE).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .map(Event::getReason)
        .toList();
  }

  /** What the Deployment controller and kubelet report once {@code pods} pods are up. */
  public void markReady(String deploymentName, int pods) {
    retryOnConflict(
        () -> {
          Deployment current = deployment(deploymentName).get();
          current.setStatus(
              new DeploymentStatusBuilder()
                  .withReplicas(pods)
                  .withReadyReplicas(pods)
                  .withAvailableReplicas(pods)
                  .withUpdatedReplicas(pods)
                  .withObservedGeneration(current.getMetadata().getGeneration())
                  .build());
          deployment(deploymentName).updateStatus(current);
        });
  }

  /**
   * A pod of a model version in the given state, labelled as the pods of that version's Deployment
   * are (by version alone when there is no such Deployment).
   */
  public void createPod(String model, String version, PodStatus status) {
    List<Deployment> running =
        client
            .apps()
            .deployments()
            .inNamespace(TestModels.NAMESPACE)
            .withLabel(WorkloadLabels.DEPLOYMENT, model)
            .withLabel(WorkloadLabels.MODEL_VERSION, version)
            .list()
            .getItems();
    Map<String, String> labels =
        running.size() == 1
            ? running.get(0).getSpec().getTemplate().getMetadata().getLabels()
            : Map.of(
                WorkloadLabels.MANAGED_BY,
                WorkloadLabels.MANAGER,
                WorkloadLabels.DEPLOYMENT,
                model,
                WorkloadLabels.MODEL_VERSION,
                version);
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(model + "-" + version + "-pod")
            .withNamespace(TestModels.NAMESPACE)
            .addToLabels(labels)
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("model-server")
            .withImage("x")
            .endContainer()
            .endSpec()
            .withStatus(status)
            .build();
    client.pods().inNamespace(TestModels.NAMESPACE).resource(pod).create();
  }

  public void deletePod(String model, String version) {
    client
        .pods()
        .inNamespace(TestModels.NAMESPACE)
        .withName(model + "-" + version + "-pod")
        .delete();
  }

  /**
   * A pod whose fetch-model init container exited 1 with {@code message} as termination message.
   */
  public static PodStatus fetchFailed(String message) {
    return new PodStatusBuilder()
        .withPhase("Pending")
        .addNewInitContainerStatus()
        .withName(ModelServerDeployment.FETCH_CONTAINER)
        .withNewState()
        .withNewTerminated()
        .withExitCode(1)
        .withReason("Error")
        .withMessage(message)
        .endTerminated()
        .endState()
        .endInitContainerStatus()
        .build();
  }
}

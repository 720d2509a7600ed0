package io.modelkeeper.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelkeeper.e2e.api.LocalApiServer;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The local Deployment controller and garbage collector against the local API server, without
 * processes.
 */
class DeploymentControllerTest {

  private LocalApiServer api;
  private KubernetesClient client;
  private DeploymentController controller;

  @BeforeEach
  void start() {
    api = LocalApiServer.start(null);
    client = api.client();
    controller = new DeploymentController(client);
  }

  @AfterEach
  void stop() {
    client.close();
    api.close();
  }

  private Deployment deployment(int replicas, String image) {
    Deployment wanted =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName("fraud-1")
            .withNamespace("default")
            .endMetadata()
            .withNewSpec()
            .withReplicas(replicas)
            .withNewSelector()
            .addToMatchLabels("app", "fraud")
            .endSelector()
            .withNewStrategy()
            .withType("RollingUpdate")
            .withNewRollingUpdate()
            .withMaxSurge(new IntOrString(1))
            .withMaxUnavailable(new IntOrString(0))
            .endRollingUpdate()
            .endStrategy()
            .withNewTemplate()
            .withNewMetadata()
            .addToLabels("app", "fraud")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("model-server")
            .withImage(image)
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    return client.apps().deployments().resource(wanted).createOr(existing -> existing.update());
  }

  private Deployment current() {
    return client.apps().deployments().withName("fraud-1").get();
  }

  private List<Pod> pods() {
    String uid = current() == null ? "" : current().getMetadata().getUid();
    return client.pods().list().getItems().stream()
        .filter(
            p ->
                p.getMetadata().getOwnerReferences().stream()
                    .anyMatch(o -> Objects.equals(uid, o.getUid())))
        .toList();
  }

  private void sync() {
    controller.sync(current(), pods());
  }

  private void markReady(Pod pod) {
    pod.setStatus(
        new PodStatusBuilder()
            .withPhase("Running")
            .withConditions(new PodConditionBuilder().withType("Ready").withStatus("True").build())
            .build());
    client.pods().resource(pod).updateStatus();
  }

  @Test
  void createsOwnedPodsFromTheTemplateAndReportsStatus() {
    deployment(2, "ghcr.io/modelkeeper/model-server:1");
    sync();
    List<Pod> pods = pods();
    assertThat(pods)
        .hasSize(2)
        .allSatisfy(
            pod -> {
              assertThat(pod.getMetadata().getLabels())
                  .containsEntry("app", "fraud")
                  .containsKey("pod-template-hash");
              assertThat(pod.getMetadata().getOwnerReferences().get(0).getKind())
                  .isEqualTo("Deployment");
              assertThat(pod.getSpec().getContainers().get(0).getImage())
                  .isEqualTo("ghcr.io/modelkeeper/model-server:1");
            });
    sync();
    assertThat(current().getStatus().getReadyReplicas()).isZero();
    assertThat(current().getStatus().getUpdatedReplicas()).isEqualTo(2);

    pods.forEach(this::markReady);
    sync();
    var status = current().getStatus();
    assertThat(status.getReadyReplicas()).isEqualTo(2);
    assertThat(status.getAvailableReplicas()).isEqualTo(2);
    assertThat(status.getObservedGeneration()).isEqualTo(current().getMetadata().getGeneration());
    assertThat(status.getConditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("Available");
              assertThat(c.getStatus()).isEqualTo("True");
            });
  }

  @Test
  void aTemplateChangeKeepsTheOldPodsUntilNewOnesAreReady() {
    deployment(2, "ghcr.io/modelkeeper/model-server:1");
    sync();
    pods().forEach(this::markReady);
    List<String> old = pods().stream().map(p -> p.getMetadata().getName()).toList();

    deployment(2, "ghcr.io/modelkeeper/model-server:2");
    sync();
    sync();
    // maxSurge 1, maxUnavailable 0: one new pod beside the two old ones, none of which goes yet.
    assertThat(pods()).hasSize(3);
    assertThat(pods().stream().map(p -> p.getMetadata().getName())).containsAll(old);

    Pod fresh =
        pods().stream()
            .filter(p -> !old.contains(p.getMetadata().getName()))
            .findFirst()
            .orElseThrow();
    markReady(fresh);
    sync();
    assertThat(pods()).hasSize(2);
    sync();
    pods().stream().filter(p -> !old.contains(p.getMetadata().getName())).forEach(this::markReady);
    sync();
    sync();
    assertThat(pods()).hasSize(2).noneMatch(p -> old.contains(p.getMetadata().getName()));
    assertThat(current().getStatus().getUpdatedReplicas()).isEqualTo(2);
  }

  @Test
  void scaleDownRemovesPodsAndTheCollectorRemovesOrphans() {
    deployment(3, "ghcr.io/modelkeeper/model-server:1");
    sync();
    assertThat(pods()).hasSize(3);
    deployment(1, "ghcr.io/modelkeeper/model-server:1");
    sync();
    assertThat(pods()).hasSize(1);

    client.apps().deployments().withName("fraud-1").delete();
    assertThat(client.pods().list().getItems()).hasSize(1);
    assertThat(new OwnerCollector(client).sweep()).isEqualTo(1);
    assertThat(client.pods().list().getItems()).isEmpty();
  }
}

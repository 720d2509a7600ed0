package io.modelkeeper.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelkeeper.e2e.api.LocalApiServer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The local Deployment and ReplicaSet controllers and garbage collector against the local API
 * server, without processes.
 */
class DeploymentControllerTest {

  private LocalApiServer api;
  private KubernetesClient client;
  private DeploymentController controller;
  private ReplicaSetController replicaSetController;

  @BeforeEach
  void start() {
    api = LocalApiServer.start(null);
    client = api.client();
    controller = new DeploymentController(client);
    replicaSetController = new ReplicaSetController(client);
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

  private List<ReplicaSet> replicaSets() {
    String uid = current() == null ? "" : current().getMetadata().getUid();
    return client.apps().replicaSets().list().getItems().stream()
        .filter(rs -> ownedBy(rs, uid))
        .toList();
  }

  private List<Pod> podsOf(ReplicaSet rs) {
    return client.pods().list().getItems().stream()
        .filter(p -> ownedBy(p, rs.getMetadata().getUid()))
        .toList();
  }

  private List<Pod> pods() {
    return replicaSets().stream().flatMap(rs -> podsOf(rs).stream()).toList();
  }

  private static boolean ownedBy(HasMetadata object, String uid) {
    return object.getMetadata().getOwnerReferences().stream()
        .anyMatch(o -> Objects.equals(uid, o.getUid()));
  }

  /** One pass of the node: the Deployment controller, then the ReplicaSet controller. */
  private void sync() {
    Map<String, List<Pod>> pods = new HashMap<>();
    replicaSets().forEach(rs -> pods.put(rs.getMetadata().getUid(), podsOf(rs)));
    controller.sync(current(), replicaSets(), pods);
    replicaSets().forEach(rs -> replicaSetController.sync(rs, podsOf(rs)));
  }

  private List<String> eventsOf(HasMetadata object) {
    return client
        .v1()
        .events()
        .withField("involvedObject.uid", object.getMetadata().getUid())
        .list()
        .getItems()
        .stream()
        .map(e -> e.getReason() + ": " + e.getMessage())
        .toList();
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
  void ownsAReplicaSetThatOwnsThePodsAndReportsStatus() {
    deployment(2, "ghcr.io/modelkeeper/model-server:1");
    sync();
    List<ReplicaSet> replicaSets = replicaSets();
    assertThat(replicaSets).hasSize(1);
    ReplicaSet rs = replicaSets.get(0);
    String hash = rs.getMetadata().getLabels().get("pod-template-hash");
    assertThat(rs.getMetadata().getName()).isEqualTo("fraud-1-" + hash);
    assertThat(rs.getMetadata().getOwnerReferences().get(0).getKind()).isEqualTo("Deployment");
    assertThat(rs.getMetadata().getAnnotations())
        .containsEntry("deployment.kubernetes.io/revision", "1");
    assertThat(rs.getSpec().getSelector().getMatchLabels())
        .containsEntry("app", "fraud")
        .containsEntry("pod-template-hash", hash);
    assertThat(current().getMetadata().getAnnotations())
        .containsEntry("deployment.kubernetes.io/revision", "1");
    assertThat(current().getMetadata().getGeneration()).isEqualTo(1);
    List<Pod> pods = pods();
    assertThat(pods)
        .hasSize(2)
        .allSatisfy(
            pod -> {
              assertThat(pod.getMetadata().getName()).startsWith("fraud-1-" + hash + "-");
              assertThat(pod.getMetadata().getLabels())
                  .containsEntry("app", "fraud")
                  .containsEntry("pod-template-hash", hash);
              assertThat(pod.getMetadata().getOwnerReferences().get(0).getKind())
                  .isEqualTo("ReplicaSet");
              assertThat(pod.getMetadata().getOwnerReferences().get(0).getName())
                  .isEqualTo(rs.getMetadata().getName());
              assertThat(pod.getSpec().getContainers().get(0).getImage())
                  .isEqualTo("ghcr.io/modelkeeper/model-server:1");
            });
    sync();
    assertThat(current().getStatus().getReadyReplicas()).isZero();
    assertThat(current().getStatus().getUpdatedReplicas()).isEqualTo(2);
    // The Events kubectl describe shows, found as it finds them (by involved object).
    assertThat(eventsOf(current()))
        .containsExactly(
            "ScalingReplicaSet: Scaled up replica set "
                + rs.getMetadata().getName()
                + " from 0 to 2");
    assertThat(eventsOf(rs))
        .hasSize(2)
        .allMatch(e -> e.startsWith("SuccessfulCreate: Created pod: fraud-1-" + hash + "-"));

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
    // The old ReplicaSet stays, scaled to zero, as revision 1; the new one is revision 2.
    assertThat(replicaSets())
        .hasSize(2)
        .extracting(
            rs -> rs.getMetadata().getAnnotations().get("deployment.kubernetes.io/revision"),
            rs -> rs.getSpec().getReplicas())
        .containsExactlyInAnyOrder(tuple("1", 0), tuple("2", 2));
    assertThat(current().getMetadata().getAnnotations())
        .containsEntry("deployment.kubernetes.io/revision", "2");

    // Back to the first template: its ReplicaSet serves again, as revision 3.
    deployment(2, "ghcr.io/modelkeeper/model-server:1");
    for (int i = 0; i < 6; i++) {
      sync();
      pods().forEach(this::markReady);
    }
    assertThat(replicaSets())
        .extracting(
            rs -> rs.getMetadata().getAnnotations().get("deployment.kubernetes.io/revision"),
            rs -> rs.getSpec().getReplicas())
        .containsExactlyInAnyOrder(tuple("3", 2), tuple("2", 0));
    assertThat(current().getMetadata().getAnnotations())
        .containsEntry("deployment.kubernetes.io/revision", "3");
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
    // The ReplicaSet goes with its Deployment, and the pod with its ReplicaSet.
    assertThat(new OwnerCollector(client).sweep()).isEqualTo(2);
    assertThat(client.apps().replicaSets().list().getItems()).isEmpty();
    assertThat(client.pods().list().getItems()).isEmpty();
  }
}

package io.modelkeeper.e2e.node;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The ReplicaSet controller of the local cluster: keeps {@code spec.replicas} pods from the
 * ReplicaSet's template, owned by the ReplicaSet, named {@code <replicaset>-<5 characters>}, and
 * writes the ReplicaSet's status.
 */
final class ReplicaSetController {

  private static final String SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

  private final KubernetesClient client;

  ReplicaSetController(KubernetesClient client) {
    this.client = client;
  }

  /** Creates or deletes pods until the ReplicaSet owns {@code spec.replicas}; writes its status. */
  void sync(ReplicaSet replicaSet, List<Pod> owned) {
    int desired = Objects.requireNonNullElse(replicaSet.getSpec().getReplicas(), 1);
    List<Pod> pods = new ArrayList<>(owned);
    while (pods.size() < desired) {
      pods.add(create(replicaSet));
    }
    // Scale down: the not-ready and the newest go first, as Kubernetes ranks them.
    pods.sort(
        Comparator.comparing(DeploymentController::isReady)
            .thenComparing(
                p -> Objects.toString(p.getMetadata().getCreationTimestamp(), ""),
                Comparator.reverseOrder()));
    while (pods.size() > desired) {
      delete(pods.remove(0));
    }
    writeStatus(replicaSet, pods);
  }

  private void writeStatus(ReplicaSet replicaSet, List<Pod> pods) {
    int ready = (int) pods.stream().filter(DeploymentController::isReady).count();
    ReplicaSetStatus status =
        new ReplicaSetStatusBuilder()
            .withReplicas(pods.size())
            .withFullyLabeledReplicas(pods.size())
            .withReadyReplicas(ready)
            .withAvailableReplicas(ready)
            .withObservedGeneration(replicaSet.getMetadata().getGeneration())
            .build();
    if (Serialization.asJson(status).equals(Serialization.asJson(replicaSet.getStatus()))) {
      return;
    }
    try {
      client
          .apps()
          .replicaSets()
          .inNamespace(replicaSet.getMetadata().getNamespace())
          .withName(replicaSet.getMetadata().getName())
          .subresource("status")
          .patch(
              PatchContext.of(PatchType.JSON),
              Serialization.asJson(
                  List.of(Map.of("op", "add", "path", "/status", "value", status))));
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  private Pod create(ReplicaSet replicaSet) {
    var template = replicaSet.getSpec().getTemplate();
    Map<String, String> labels = new HashMap<>();
    if (template.getMetadata() != null && template.getMetadata().getLabels() != null) {
      labels.putAll(template.getMetadata().getLabels());
    }
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(replicaSet.getMetadata().getName() + "-" + randomSuffix())
            .withNamespace(replicaSet.getMetadata().getNamespace())
            .withLabels(labels)
            .withAnnotations(
                template.getMetadata() == null ? null : template.getMetadata().getAnnotations())
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion("apps/v1")
                    .withKind("ReplicaSet")
                    .withName(replicaSet.getMetadata().getName())
                    .withUid(replicaSet.getMetadata().getUid())
                    .withController(true)
                    .withBlockOwnerDeletion(true)
                    .build())
            .endMetadata()
            .withSpec(template.getSpec())
            .build();
    Pod created =
        client.pods().inNamespace(replicaSet.getMetadata().getNamespace()).resource(pod).create();
    NodeEvents.record(
        client,
        replicaSet,
        "replicaset-controller",
        "Normal",
        "SuccessfulCreate",
        "Created pod: " + created.getMetadata().getName());
    return created;
  }

  private void delete(Pod pod) {
    client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .delete();
  }

  private static String randomSuffix() {
    StringBuilder suffix = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      suffix.append(
          SAFE_ALPHABET.charAt(ThreadLocalRandom.current().nextInt(SAFE_ALPHABET.length())));
    }
    return suffix.toString();
  }
}

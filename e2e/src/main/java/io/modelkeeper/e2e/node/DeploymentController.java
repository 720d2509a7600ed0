package io.modelkeeper.e2e.node;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The Deployment controller of the local cluster. It keeps {@code spec.replicas} pods from the
 * current template, rolling a template change with the Deployment's surge and unavailability limits
 * (so old pods serve until new ones are ready), and writes a true status. Pods are owned by the
 * Deployment directly: the local cluster has no ReplicaSets.
 */
final class DeploymentController {

  static final String TEMPLATE_HASH = "pod-template-hash";

  private final KubernetesClient client;

  DeploymentController(KubernetesClient client) {
    this.client = client;
  }

  /** Brings one Deployment's pods one step closer to its spec and writes its status. */
  void sync(Deployment deployment, List<Pod> owned) {
    String hash = templateHash(deployment);
    int desired = Objects.requireNonNullElse(deployment.getSpec().getReplicas(), 1);
    List<Pod> current =
        new ArrayList<>(owned.stream().filter(p -> hash.equals(hashOf(p))).toList());
    List<Pod> old = new ArrayList<>(owned.stream().filter(p -> !hash.equals(hashOf(p))).toList());
    int surge = limit(deployment, true, desired);
    int unavailable = limit(deployment, false, desired);
    if (surge == 0 && unavailable == 0) {
      unavailable = 1;
    }

    int creatable = Math.min(desired - current.size(), desired + surge - owned.size());
    for (int i = 0; i < creatable; i++) {
      current.add(create(deployment, hash));
    }
    // Scale down: the not-ready and the newest go first.
    current.sort(
        Comparator.comparing(DeploymentController::isReady)
            .thenComparing(
                p -> Objects.toString(p.getMetadata().getCreationTimestamp(), ""),
                Comparator.reverseOrder()));
    while (current.size() > desired) {
      delete(current.remove(0));
    }
    // Old pods go while enough ready pods remain: desired - maxUnavailable.
    old.sort(Comparator.comparing(DeploymentController::isReady));
    long ready = owned.stream().filter(DeploymentController::isReady).count();
    for (Pod pod : new ArrayList<>(old)) {
      boolean podReady = isReady(pod);
      if (!podReady || ready - 1 >= desired - unavailable) {
        delete(pod);
        old.remove(pod);
        if (podReady) {
          ready--;
        }
      }
    }
    writeStatus(deployment, desired, current, old, unavailable);
  }

  private void writeStatus(
      Deployment deployment, int desired, List<Pod> current, List<Pod> old, int unavailable) {
    int total = current.size() + old.size();
    int ready =
        (int)
            (current.stream().filter(DeploymentController::isReady).count()
                + old.stream().filter(DeploymentController::isReady).count());
    boolean complete =
        old.isEmpty()
            && current.size() == desired
            && current.stream().allMatch(DeploymentController::isReady);
    DeploymentStatus before = deployment.getStatus();
    List<DeploymentCondition> conditions =
        List.of(
            condition(
                before,
                "Available",
                ready >= desired - unavailable,
                ready >= desired - unavailable
                    ? "MinimumReplicasAvailable"
                    : "MinimumReplicasUnavailable",
                "Deployment has " + ready + " of " + desired + " pods ready."),
            condition(
                before,
                "Progressing",
                true,
                complete ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
                complete
                    ? "Deployment \""
                        + deployment.getMetadata().getName()
                        + "\" has successfully progressed."
                    : "Deployment \"" + deployment.getMetadata().getName() + "\" is progressing."));
    DeploymentStatus status =
        new DeploymentStatusBuilder()
            .withObservedGeneration(deployment.getMetadata().getGeneration())
            .withReplicas(total)
            .withUpdatedReplicas(current.size())
            .withReadyReplicas(ready)
            .withAvailableReplicas(ready)
            .withUnavailableReplicas(Math.max(0, total - ready))
            .withConditions(conditions)
            .build();
    if (Serialization.asJson(status).equals(Serialization.asJson(before))) {
      return;
    }
    try {
      client
          .apps()
          .deployments()
          .inNamespace(deployment.getMetadata().getNamespace())
          .withName(deployment.getMetadata().getName())
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

  /** Keeps a condition's transition time while its status stays the same. */
  private static DeploymentCondition condition(
      DeploymentStatus before, String type, boolean status, String reason, String message) {
    String value = status ? "True" : "False";
    String since = Instant.now().toString();
    if (before != null && before.getConditions() != null) {
      for (DeploymentCondition old : before.getConditions()) {
        if (type.equals(old.getType()) && value.equals(old.getStatus())) {
          since = old.getLastTransitionTime();
          if (reason.equals(old.getReason()) && message.equals(old.getMessage())) {
            return old;
          }
        }
      }
    }
    return new DeploymentConditionBuilder()
        .withType(type)
        .withStatus(value)
        .withReason(reason)
        .withMessage(message)
        .withLastTransitionTime(since)
        .withLastUpdateTime(Instant.now().toString())
        .build();
  }

  private Pod create(Deployment deployment, String hash) {
    var template = deployment.getSpec().getTemplate();
    Map<String, String> labels = new HashMap<>();
    if (template.getMetadata() != null && template.getMetadata().getLabels() != null) {
      labels.putAll(template.getMetadata().getLabels());
    }
    labels.put(TEMPLATE_HASH, hash);
    String name = deployment.getMetadata().getName() + "-" + hash + "-" + randomSuffix();
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(deployment.getMetadata().getNamespace())
            .withLabels(labels)
            .withAnnotations(
                template.getMetadata() == null ? null : template.getMetadata().getAnnotations())
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion("apps/v1")
                    .withKind("Deployment")
                    .withName(deployment.getMetadata().getName())
                    .withUid(deployment.getMetadata().getUid())
                    .withController(true)
                    .withBlockOwnerDeletion(true)
                    .build())
            .endMetadata()
            .withSpec(template.getSpec())
            .withNewStatus()
            .withPhase("Pending")
            .endStatus()
            .build();
    return client
        .pods()
        .inNamespace(deployment.getMetadata().getNamespace())
        .resource(pod)
        .create();
  }

  private void delete(Pod pod) {
    client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .delete();
  }

  static boolean isReady(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static String hashOf(Pod pod) {
    return pod.getMetadata().getLabels() == null
        ? null
        : pod.getMetadata().getLabels().get(TEMPLATE_HASH);
  }

  /** maxSurge or maxUnavailable as a pod count (25% each when unset, as Kubernetes defaults). */
  private static int limit(Deployment deployment, boolean surge, int desired) {
    var strategy = deployment.getSpec().getStrategy();
    if (strategy != null && "Recreate".equals(strategy.getType())) {
      return surge ? 0 : desired;
    }
    IntOrString value = null;
    if (strategy != null && strategy.getRollingUpdate() != null) {
      value =
          surge
              ? strategy.getRollingUpdate().getMaxSurge()
              : strategy.getRollingUpdate().getMaxUnavailable();
    }
    if (value == null) {
      value = new IntOrString("25%");
    }
    if (value.getIntVal() != null) {
      return value.getIntVal();
    }
    double percent = Double.parseDouble(value.getStrVal().replace("%", "")) / 100.0;
    return (int) (surge ? Math.ceil(desired * percent) : Math.floor(desired * percent));
  }

  static String templateHash(Deployment deployment) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  Serialization.asJson(deployment.getSpec().getTemplate())
                      .getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 5);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String randomSuffix() {
    String alphabet = "bcdfghjklmnpqrstvwxz2456789";
    StringBuilder suffix = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      suffix.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
    }
    return suffix.toString();
  }
}

package io.modelkeeper.e2e.node;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Deployment controller of the local cluster. Like Kubernetes' own, it keeps one ReplicaSet per
 * pod template ({@code <deployment>-<pod-template-hash>}, owned by the Deployment, numbered by the
 * {@code deployment.kubernetes.io/revision} annotation it also puts on the Deployment) and rolls a
 * template change by scaling the new ReplicaSet up and the old ones down within {@code maxSurge}
 * and {@code maxUnavailable}, so old pods serve until new ones are ready. It writes a true status.
 * The pods themselves are the {@link ReplicaSetController}'s.
 */
final class DeploymentController {

  static final String TEMPLATE_HASH = "pod-template-hash";
  static final String REVISION = "deployment.kubernetes.io/revision";
  static final String DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
  static final String MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";
  private static final int REVISION_HISTORY_LIMIT = 10;

  private final KubernetesClient client;

  DeploymentController(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Brings one Deployment's ReplicaSets one step closer to its spec and writes its status; {@code
   * pods} holds the live pods of each owned ReplicaSet, by the ReplicaSet's uid.
   */
  void sync(Deployment deployment, List<ReplicaSet> owned, Map<String, List<Pod>> pods) {
    String hash = templateHash(deployment);
    int desired = Objects.requireNonNullElse(deployment.getSpec().getReplicas(), 1);
    int surge = limit(deployment, true, desired);
    int unavailable = limit(deployment, false, desired);
    if (surge == 0 && unavailable == 0) {
      unavailable = 1;
    }
    List<ReplicaSet> old = new ArrayList<>();
    ReplicaSet current = null;
    for (ReplicaSet rs : owned) {
      if (hash.equals(labels(rs).get(TEMPLATE_HASH))) {
        current = rs;
      } else {
        old.add(rs);
      }
    }
    long maxOldRevision = old.stream().mapToLong(DeploymentController::revision).max().orElse(0);
    if (current == null) {
      current = create(deployment, hash, maxOldRevision + 1, desired, surge);
    }
    long revision = Math.max(revision(current), maxOldRevision + 1);

    int oldReplicas = old.stream().mapToInt(DeploymentController::replicas).sum();
    int newReplicas;
    if (oldReplicas == 0) {
      newReplicas = desired;
    } else if (isRecreate(deployment)) {
      newReplicas = 0;
    } else {
      int room = desired + surge - (oldReplicas + replicas(current));
      newReplicas = Math.min(desired, replicas(current) + Math.max(0, room));
    }
    // Old pods go while enough ready pods remain (desired - maxUnavailable); not-ready ones at
    // once.
    long ready =
        pods.values().stream().flatMap(List::stream).filter(DeploymentController::isReady).count();
    long removable = isRecreate(deployment) ? Long.MAX_VALUE : ready - (desired - unavailable);
    old.sort(Comparator.comparingLong(DeploymentController::revision));
    for (ReplicaSet rs : old) {
      List<Pod> rsPods = pods.getOrDefault(rs.getMetadata().getUid(), List.of());
      int notReady = (int) rsPods.stream().filter(p -> !isReady(p)).count();
      int target = Math.max(0, replicas(rs) - notReady);
      int readyGoing = (int) Math.min(target, Math.max(0, removable));
      removable -= readyGoing;
      scale(deployment, rs, target - readyGoing, revision(rs), desired, surge);
    }
    scale(deployment, current, newReplicas, revision, desired, surge);
    pruneHistory(old);
    annotate(deployment, revision);
    writeStatus(deployment, desired, current, owned, pods, unavailable);
  }

  private ReplicaSet create(
      Deployment deployment, String hash, long revision, int desired, int surge) {
    var template = deployment.getSpec().getTemplate();
    Map<String, String> podLabels = new LinkedHashMap<>();
    if (template.getMetadata() != null && template.getMetadata().getLabels() != null) {
      podLabels.putAll(template.getMetadata().getLabels());
    }
    podLabels.put(TEMPLATE_HASH, hash);
    Map<String, String> selector = new LinkedHashMap<>();
    if (deployment.getSpec().getSelector() != null
        && deployment.getSpec().getSelector().getMatchLabels() != null) {
      selector.putAll(deployment.getSpec().getSelector().getMatchLabels());
    }
    selector.put(TEMPLATE_HASH, hash);
    ReplicaSet rs =
        new ReplicaSetBuilder()
            .withNewMetadata()
            .withName(deployment.getMetadata().getName() + "-" + hash)
            .withNamespace(deployment.getMetadata().getNamespace())
            .withLabels(podLabels)
            .withAnnotations(annotations(revision, desired, surge))
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
            .withNewSpec()
            .withReplicas(0)
            .withSelector(
                new LabelSelectorBuilder()
                    .withMatchLabels(selector)
                    .withMatchExpressions(
                        deployment.getSpec().getSelector() == null
                            ? null
                            : deployment.getSpec().getSelector().getMatchExpressions())
                    .build())
            .withTemplate(
                new PodTemplateSpecBuilder(template)
                    .editOrNewMetadata()
                    .withLabels(podLabels)
                    .endMetadata()
                    .build())
            .endSpec()
            .build();
    return client.apps().replicaSets().resource(rs).create();
  }

  private static Map<String, String> annotations(long revision, int desired, int surge) {
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(REVISION, String.valueOf(revision));
    annotations.put(DESIRED_REPLICAS, String.valueOf(desired));
    annotations.put(MAX_REPLICAS, String.valueOf(desired + surge));
    return annotations;
  }

  /** Sets a ReplicaSet's replicas and annotations when they differ. */
  private void scale(
      Deployment deployment, ReplicaSet rs, int replicas, long revision, int desired, int surge) {
    Map<String, String> wanted = annotations(revision, desired, surge);
    Map<String, String> have =
        Objects.requireNonNullElse(rs.getMetadata().getAnnotations(), Map.of());
    boolean annotated =
        wanted.entrySet().stream().allMatch(e -> e.getValue().equals(have.get(e.getKey())));
    if (replicas(rs) == replicas && annotated) {
      return;
    }
    int before = replicas(rs);
    rs.getSpec().setReplicas(replicas);
    if (before != replicas) {
      NodeEvents.record(
          client,
          deployment,
          "deployment-controller",
          "Normal",
          "ScalingReplicaSet",
          "Scaled "
              + (replicas > before ? "up" : "down")
              + " replica set "
              + rs.getMetadata().getName()
              + " from "
              + before
              + " to "
              + replicas);
    }
    Map<String, Object> patch =
        Map.of("metadata", Map.of("annotations", wanted), "spec", Map.of("replicas", replicas));
    patchQuietly(
        () ->
            client
                .apps()
                .replicaSets()
                .inNamespace(rs.getMetadata().getNamespace())
                .withName(rs.getMetadata().getName())
                .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(patch)));
  }

  /** Old ReplicaSets scaled to zero are kept as rollout history, up to the default limit. */
  private void pruneHistory(List<ReplicaSet> old) {
    List<ReplicaSet> empty =
        old.stream()
            .filter(rs -> replicas(rs) == 0)
            .sorted(Comparator.comparingLong(DeploymentController::revision))
            .toList();
    for (int i = 0; i < empty.size() - REVISION_HISTORY_LIMIT; i++) {
      client.apps().replicaSets().resource(empty.get(i)).delete();
    }
  }

  private void annotate(Deployment deployment, long revision) {
    Map<String, String> annotations =
        Objects.requireNonNullElse(deployment.getMetadata().getAnnotations(), Map.of());
    if (String.valueOf(revision).equals(annotations.get(REVISION))) {
      return;
    }
    Map<String, Object> patch =
        Map.of("metadata", Map.of("annotations", Map.of(REVISION, String.valueOf(revision))));
    patchQuietly(
        () ->
            client
                .apps()
                .deployments()
                .inNamespace(deployment.getMetadata().getNamespace())
                .withName(deployment.getMetadata().getName())
                .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(patch)));
  }

  private void writeStatus(
      Deployment deployment,
      int desired,
      ReplicaSet current,
      List<ReplicaSet> owned,
      Map<String, List<Pod>> pods,
      int unavailable) {
    List<Pod> all = pods.values().stream().flatMap(List::stream).toList();
    List<Pod> updated = pods.getOrDefault(current.getMetadata().getUid(), List.of());
    int ready = (int) all.stream().filter(DeploymentController::isReady).count();
    boolean complete =
        all.size() == desired
            && updated.size() == desired
            && updated.stream().allMatch(DeploymentController::isReady);
    boolean available = ready >= desired - unavailable;
    String rsName = current.getMetadata().getName();
    DeploymentStatus before = deployment.getStatus();
    List<DeploymentCondition> conditions =
        List.of(
            condition(
                before,
                "Available",
                available,
                available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                available
                    ? "Deployment has minimum availability."
                    : "Deployment does not have minimum availability."),
            condition(
                before,
                "Progressing",
                true,
                complete ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
                complete
                    ? "ReplicaSet \"" + rsName + "\" has successfully progressed."
                    : "ReplicaSet \"" + rsName + "\" is progressing."));
    DeploymentStatus status =
        new DeploymentStatusBuilder()
            .withObservedGeneration(deployment.getMetadata().getGeneration())
            .withReplicas(all.size())
            .withUpdatedReplicas(updated.size())
            .withReadyReplicas(ready)
            .withAvailableReplicas(ready)
            .withUnavailableReplicas(Math.max(0, all.size() - ready))
            .withConditions(conditions)
            .build();
    if (Serialization.asJson(status).equals(Serialization.asJson(before))) {
      return;
    }
    patchQuietly(
        () ->
            client
                .apps()
                .deployments()
                .inNamespace(deployment.getMetadata().getNamespace())
                .withName(deployment.getMetadata().getName())
                .subresource("status")
                .patch(
                    PatchContext.of(PatchType.JSON),
                    Serialization.asJson(
                        List.of(Map.of("op", "add", "path", "/status", "value", status)))));
  }

  /** Runs a write; the object may be gone meanwhile (its owner was deleted), which is fine. */
  private static void patchQuietly(Runnable write) {
    try {
      write.run();
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

  static boolean isReady(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static Map<String, String> labels(ReplicaSet rs) {
    return Objects.requireNonNullElse(rs.getMetadata().getLabels(), new HashMap<>());
  }

  private static int replicas(ReplicaSet rs) {
    return Objects.requireNonNullElse(rs.getSpec().getReplicas(), 0);
  }

  private static long revision(ReplicaSet rs) {
    Map<String, String> annotations = rs.getMetadata().getAnnotations();
    try {
      return annotations == null ? 0 : Long.parseLong(annotations.getOrDefault(REVISION, "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static boolean isRecreate(Deployment deployment) {
    var strategy = deployment.getSpec().getStrategy();
    return strategy != null && "Recreate".equals(strategy.getType());
  }

  /** maxSurge or maxUnavailable as a pod count (25% each when unset, as Kubernetes defaults). */
  private static int limit(Deployment deployment, boolean surge, int desired) {
    var strategy = deployment.getSpec().getStrategy();
    if (isRecreate(deployment)) {
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

  /** Ten characters of the safe alphabet from a hash of the pod template, like Kubernetes'. */
  static String templateHash(Deployment deployment) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  Serialization.asJson(deployment.getSpec().getTemplate())
                      .getBytes(StandardCharsets.UTF_8));
      String alphabet = "bcdfghjklmnpqrstvwxz2456789";
      StringBuilder hash = new StringBuilder();
      for (int i = 0; i < 10; i++) {
        hash.append(alphabet.charAt((digest[i] & 0xff) % alphabet.length()));
      }
      return hash.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

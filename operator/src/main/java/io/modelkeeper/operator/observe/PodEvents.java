package io.modelkeeper.operator.observe;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The Events of pods stuck before their containers start: a volume that cannot be mounted shows
 * only there, never in the pod's status. Read only while such a pod exists, so a healthy model
 * costs no request.
 */
public final class PodEvents {

  /** Event reasons of the kubelet failing to mount or attach a volume. */
  static final Set<String> MOUNT_FAILURES = Set.of("FailedMount", "FailedAttachVolume");

  /** How long a pod may take to start before its Events are read. */
  private static final Duration STUCK_AFTER = Duration.ofSeconds(20);

  private PodEvents() {}

  /** The Events about pods that have been scheduled but not started for a while; usually none. */
  public static List<Event> ofStuckPods(
      KubernetesClient client, String namespace, List<Pod> pods, Instant now) {
    Set<String> stuck =
        pods.stream()
            .filter(pod -> stuck(pod, now))
            .map(pod -> pod.getMetadata().getName())
            .collect(Collectors.toSet());
    if (stuck.isEmpty()) {
      return List.of();
    }
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(
            e ->
                e.getInvolvedObject() != null
                    && "Pod".equals(e.getInvolvedObject().getKind())
                    && stuck.contains(e.getInvolvedObject().getName()))
        .toList();
  }

  private static boolean stuck(Pod pod, Instant now) {
    if (pod.getStatus() == null || !"Pending".equals(pod.getStatus().getPhase())) {
      return false;
    }
    String created = pod.getMetadata().getCreationTimestamp();
    if (created == null || Instant.parse(created).plus(STUCK_AFTER).isAfter(now)) {
      return false;
    }
    boolean scheduled =
        pod.getStatus().getConditions() != null
            && pod.getStatus().getConditions().stream()
                .anyMatch(c -> "PodScheduled".equals(c.getType()) && "True".equals(c.getStatus()));
    return scheduled && nothingRunning(pod);
  }

  private static boolean nothingRunning(Pod pod) {
    List<ContainerStatus> init = pod.getStatus().getInitContainerStatuses();
    List<ContainerStatus> main = pod.getStatus().getContainerStatuses();
    return Stream.concat(
            init == null ? Stream.empty() : init.stream(),
            main == null ? Stream.empty() : main.stream())
        .allMatch(s -> s.getState() == null || s.getState().getRunning() == null);
  }
}

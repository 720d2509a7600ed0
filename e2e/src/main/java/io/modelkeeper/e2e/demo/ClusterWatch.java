package io.modelkeeper.e2e.demo;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Looks at the cluster twice a second and tells the timeline what changed: ModelDeployment phase
 * and conditions, Deployments, each pod's progress, and the operator's Events.
 */
final class ClusterWatch implements AutoCloseable {

  static final ResourceDefinitionContext MODEL_DEPLOYMENTS =
      new ResourceDefinitionContext.Builder()
          .withGroup("modelkeeper.io")
          .withVersion("v1alpha1")
          .withPlural("modeldeployments")
          .withKind("ModelDeployment")
          .withNamespaced(true)
          .build();

  static final ResourceDefinitionContext RETRAINING_RUNS =
      new ResourceDefinitionContext.Builder()
          .withGroup("modelkeeper.io")
          .withVersion("v1alpha1")
          .withPlural("retrainingruns")
          .withKind("RetrainingRun")
          .withNamespaced(true)
          .build();

  private final KubernetesClient client;
  private final Timeline timeline;
  private final Map<String, String> seen = new HashMap<>();
  private final Set<String> seenEvents = new HashSet<>();
  private final Thread thread;
  private volatile boolean closed;

  ClusterWatch(KubernetesClient client, Timeline timeline) {
    this.client = client;
    this.timeline = timeline;
    this.thread = new Thread(this::run, "demo-watch");
    this.thread.setDaemon(true);
  }

  ClusterWatch start() {
    thread.start();
    return this;
  }

  private void run() {
    while (!closed) {
      try {
        look();
        Thread.sleep(500);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // The cluster is stopping or briefly busy: look again on the next turn.
      }
    }
  }

  private synchronized void look() {
    Map<String, String> now = new HashMap<>();
    for (GenericKubernetesResource md :
        client.genericKubernetesResources(MODEL_DEPLOYMENTS).list().getItems()) {
      now.put("ModelDeployment " + md.getMetadata().getName(), describe(md));
    }
    for (GenericKubernetesResource run :
        client.genericKubernetesResources(RETRAINING_RUNS).list().getItems()) {
      now.put("RetrainingRun " + run.getMetadata().getName(), describeRun(run));
    }
    for (Deployment deployment : client.apps().deployments().list().getItems()) {
      now.put("Deployment " + deployment.getMetadata().getName(), "exists");
    }
    for (Pod pod : client.pods().list().getItems()) {
      now.put("pod " + pod.getMetadata().getName(), describe(pod));
    }
    for (var entry : now.entrySet()) {
      String before = seen.get(entry.getKey());
      if (!entry.getValue().equals(before)) {
        timeline.event(
            entry.getKey()
                + (before == null && entry.getValue().equals("exists")
                    ? " created"
                    : ": " + entry.getValue()));
      }
    }
    for (String gone : seen.keySet()) {
      if (!now.containsKey(gone)) {
        timeline.event(gone + " deleted");
      }
    }
    seen.clear();
    seen.putAll(now);
    for (Event event : client.v1().events().list().getItems()) {
      if (seenEvents.add(event.getMetadata().getName())) {
        timeline.event(
            "event " + event.getType() + " " + event.getReason() + ": " + event.getMessage());
      }
    }
  }

  @SuppressWarnings("unchecked")
  static String describe(GenericKubernetesResource md) {
    Object statusValue = md.getAdditionalProperties().get("status");
    if (!(statusValue instanceof Map<?, ?> status)) {
      return "accepted, no status yet";
    }
    StringBuilder text = new StringBuilder("phase " + status.get("phase"));
    if (status.get("stable") instanceof Map<?, ?> stable) {
      text.append(", serving version ")
          .append(stable.get("version"))
          .append(" (")
          .append(stable.get("readyReplicas"))
          .append('/')
          .append(stable.get("replicas"))
          .append(" ready)");
    }
    if (status.get("canary") instanceof Map<?, ?> canary) {
      text.append(", canary ")
          .append(canary.get("version"))
          .append(" at weight ")
          .append(canary.get("weight"));
    }
    if (status.get("conditions") instanceof List<?> conditions) {
      for (Object item : conditions) {
        Map<String, Object> condition = (Map<String, Object>) item;
        if ("True".equals(condition.get("status")) || "Ready".equals(condition.get("type"))) {
          text.append(", ")
              .append(condition.get("type"))
              .append('=')
              .append(condition.get("status"))
              .append(" (")
              .append(condition.get("reason"))
              .append(')');
        }
      }
    }
    return text.toString();
  }

  /** A run's phase, and its message once it says more than the phase. */
  static String describeRun(GenericKubernetesResource run) {
    if (!(run.getAdditionalProperties().get("status") instanceof Map<?, ?> status)
        || status.get("phase") == null) {
      return "created, not numbered yet";
    }
    return "phase " + status.get("phase") + " - " + status.get("message");
  }

  /** A pod's progress in a few words, like kubectl's STATUS column but with the failure message. */
  static String describe(Pod pod) {
    String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
    String where = ip == null ? "" : " on " + ip;
    if (pod.getStatus() == null) {
      return "scheduled";
    }
    List<ContainerStatus> inits =
        Objects.requireNonNullElse(pod.getStatus().getInitContainerStatuses(), List.of());
    for (ContainerStatus init : inits) {
      var state = init.getState();
      if (state.getTerminated() != null && state.getTerminated().getExitCode() != 0) {
        return "Init:Error"
            + where
            + " - "
            + Objects.requireNonNullElse(
                state.getTerminated().getMessage(),
                "exit code " + state.getTerminated().getExitCode());
      }
      if (state.getWaiting() != null) {
        return "Init:" + state.getWaiting().getReason() + where;
      }
      if (state.getRunning() != null) {
        return "fetching the model (" + init.getName() + ")" + where;
      }
    }
    for (ContainerStatus container :
        Objects.requireNonNullElse(
            pod.getStatus().getContainerStatuses(), List.<ContainerStatus>of())) {
      if (container.getState().getWaiting() != null) {
        return container.getState().getWaiting().getReason() + where;
      }
      if (container.getState().getRunning() != null) {
        boolean modelServer =
            pod.getMetadata().getLabels() != null
                && pod.getMetadata().getLabels().containsKey("modelkeeper.io/deployment");
        return (Boolean.TRUE.equals(container.getReady())
                ? "Ready"
                : modelServer ? "Running, model loading" : "Running")
            + where;
      }
    }
    return pod.getStatus().getPhase() + where;
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package io.modelkeeper.e2e.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The local stand-in for Prometheus' Kubernetes service discovery of pods ({@code
 * kubernetes_sd_configs} with {@code role: pod}): a file for {@code file_sd_configs} with one
 * target per container port of every pod that has an address, labelled with the {@code
 * __meta_kubernetes_*} labels Kubernetes discovery gives (namespace, pod name, IP, phase,
 * readiness, every pod label and annotation, container and port), so the same relabelings that a
 * Prometheus Operator generates from a PodMonitor pick and label the targets. Containers without
 * ports, which Kubernetes discovery lists by address only, are left out: a monitor selects targets
 * by port name. The file is replaced atomically, and only when it changes.
 */
final class PodTargets {

  private static final Logger LOG = Logger.getLogger(PodTargets.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private String written;

  PodTargets(Path file) {
    this.file = file;
  }

  Path file() {
    return file;
  }

  /**
   * Writes the targets of {@code pods}; pods without an IP have none. Terminating pods keep theirs
   * until they are gone, as with Kubernetes discovery (their containers still answer during the
   * grace period).
   */
  void write(List<Pod> pods) {
    List<Map<String, Object>> groups = new ArrayList<>();
    pods.stream()
        .sorted(
            Comparator.comparing((Pod p) -> p.getMetadata().getNamespace())
                .thenComparing(p -> p.getMetadata().getName()))
        .forEach(pod -> groups.addAll(targets(pod)));
    try {
      String content = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(groups);
      if (content.equals(written)) {
        return;
      }
      Files.createDirectories(file.getParent());
      Path next = file.resolveSibling(file.getFileName() + ".next");
      Files.writeString(next, content);
      Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      written = content;
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot write the scrape targets " + file, e);
    }
  }

  /** One target group per container port of {@code pod}, as Kubernetes discovery lists them. */
  static List<Map<String, Object>> targets(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getPodIP() == null || pod.getSpec() == null) {
      return List.of();
    }
    Map<String, String> common = new TreeMap<>();
    var meta = pod.getMetadata();
    var status = pod.getStatus();
    common.put("__meta_kubernetes_namespace", meta.getNamespace());
    common.put("__meta_kubernetes_pod_name", meta.getName());
    common.put("__meta_kubernetes_pod_ip", status.getPodIP());
    put(common, "__meta_kubernetes_pod_uid", meta.getUid());
    put(common, "__meta_kubernetes_pod_phase", status.getPhase());
    common.put("__meta_kubernetes_pod_ready", String.valueOf(DeploymentController.isReady(pod)));
    put(common, "__meta_kubernetes_pod_node_name", pod.getSpec().getNodeName());
    put(common, "__meta_kubernetes_pod_host_ip", status.getHostIP());
    if (meta.getLabels() != null) {
      meta.getLabels()
          .forEach(
              (key, value) -> {
                common.put("__meta_kubernetes_pod_label_" + sanitize(key), value);
                common.put("__meta_kubernetes_pod_labelpresent_" + sanitize(key), "true");
              });
    }
    if (meta.getAnnotations() != null) {
      meta.getAnnotations()
          .forEach(
              (key, value) -> {
                common.put("__meta_kubernetes_pod_annotation_" + sanitize(key), value);
                common.put("__meta_kubernetes_pod_annotationpresent_" + sanitize(key), "true");
              });
    }
    if (meta.getOwnerReferences() != null) {
      meta.getOwnerReferences().stream()
          .filter(owner -> Boolean.TRUE.equals(owner.getController()))
          .findFirst()
          .ifPresent(owner -> controller(common, owner));
    }
    List<Map<String, Object>> groups = new ArrayList<>();
    for (Container container : pod.getSpec().getContainers()) {
      if (container.getPorts() == null) {
        continue;
      }
      for (ContainerPort port : container.getPorts()) {
        if (port.getContainerPort() == null) {
          continue;
        }
        Map<String, String> labels = new TreeMap<>(common);
        labels.put("__meta_kubernetes_pod_container_name", container.getName());
        put(labels, "__meta_kubernetes_pod_container_image", container.getImage());
        labels.put("__meta_kubernetes_pod_container_init", "false");
        put(labels, "__meta_kubernetes_pod_container_port_name", port.getName());
        labels.put(
            "__meta_kubernetes_pod_container_port_number", port.getContainerPort().toString());
        labels.put(
            "__meta_kubernetes_pod_container_port_protocol",
            port.getProtocol() == null ? "TCP" : port.getProtocol());
        groups.add(
            Map.of(
                "targets",
                List.of(status.getPodIP() + ":" + port.getContainerPort()),
                "labels",
                labels));
      }
    }
    return groups;
  }

  private static void controller(Map<String, String> labels, OwnerReference owner) {
    labels.put("__meta_kubernetes_pod_controller_kind", owner.getKind());
    labels.put("__meta_kubernetes_pod_controller_name", owner.getName());
  }

  private static void put(Map<String, String> labels, String name, String value) {
    if (value != null) {
      labels.put(name, value);
    }
  }

  /**
   * A Kubernetes label or annotation key as Prometheus discovery spells it in a label name: every
   * character outside {@code [a-zA-Z0-9_]} becomes an underscore.
   */
  static String sanitize(String key) {
    return key.replaceAll("[^a-zA-Z0-9_]", "_");
  }
}

package io.modelkeeper.e2e.node;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The local stand-in for cluster DNS of pod hostnames: the local node has no DNS server, so it
 * writes each pod a hosts file ({@code MODELKEEPER_LOCAL_HOSTS} names it) with the records a
 * cluster's DNS would answer. As in Kubernetes, a pod with {@code hostname} and {@code subdomain}
 * gets {@code <hostname>.<subdomain>.<namespace>.svc.cluster.local} (and the shorter {@code
 * <hostname>.<subdomain>.<namespace>.svc} and {@code <hostname>.<subdomain>}) when a headless
 * Service named like the subdomain selects it and it is ready (or the Service publishes not-ready
 * addresses). The files are rewritten as pods come and go; a program reads them itself (a JVM with
 * {@code -Djdk.net.hosts.file=$MODELKEEPER_LOCAL_HOSTS}).
 */
final class PodHosts {

  private static final Logger LOG = Logger.getLogger(PodHosts.class.getName());

  private final Map<Path, String> written = new HashMap<>();

  /** Writes the hosts file of every pod {@code dirs} knows a directory for. */
  void write(List<Pod> pods, List<Service> services, Function<Pod, Path> dirs) {
    Map<String, List<String>> records = new HashMap<>();
    for (Pod pod : pods) {
      String record = record(pod, services);
      if (record != null) {
        records
            .computeIfAbsent(pod.getMetadata().getNamespace(), k -> new ArrayList<>())
            .add(record);
      }
    }
    for (Pod pod : pods) {
      Path dir = dirs.apply(pod);
      if (dir == null || pod.getStatus() == null || pod.getStatus().getPodIP() == null) {
        continue;
      }
      StringBuilder file = new StringBuilder("127.0.0.1 localhost\n");
      file.append(pod.getStatus().getPodIP()).append(' ').append(hostname(pod)).append('\n');
      records
          .getOrDefault(pod.getMetadata().getNamespace(), List.of())
          .forEach(r -> file.append(r).append('\n'));
      Path hosts = dir.resolve("hosts");
      String content = file.toString();
      if (content.equals(written.get(hosts))) {
        continue;
      }
      try {
        Path next = dir.resolve("hosts.next");
        Files.writeString(next, content, StandardCharsets.UTF_8);
        Files.move(
            next, hosts, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        written.put(hosts, content);
      } catch (IOException e) {
        LOG.log(Level.FINE, "cannot write " + hosts, e);
      }
    }
    written.keySet().removeIf(path -> !Files.isDirectory(path.getParent()));
  }

  /** The DNS names of a pod, as one hosts-file line, or null when a cluster's DNS has none. */
  static String record(Pod pod, List<Service> services) {
    var spec = pod.getSpec();
    var status = pod.getStatus();
    if (spec == null
        || status == null
        || status.getPodIP() == null
        || spec.getSubdomain() == null
        || spec.getSubdomain().isEmpty()
        || pod.getMetadata().getDeletionTimestamp() != null
        || !"Running".equals(status.getPhase())) {
      return null;
    }
    String namespace = pod.getMetadata().getNamespace();
    Service service =
        services.stream()
            .filter(
                s ->
                    namespace.equals(s.getMetadata().getNamespace())
                        && spec.getSubdomain().equals(s.getMetadata().getName())
                        && s.getSpec() != null
                        && "None".equals(s.getSpec().getClusterIP())
                        && selects(s, pod))
            .findFirst()
            .orElse(null);
    if (service == null
        || (!DeploymentController.isReady(pod)
            && !Boolean.TRUE.equals(service.getSpec().getPublishNotReadyAddresses()))) {
      return null;
    }
    String name = hostname(pod) + "." + spec.getSubdomain();
    return status.getPodIP()
        + " "
        + name
        + "."
        + namespace
        + ".svc.cluster.local "
        + name
        + "."
        + namespace
        + ".svc "
        + name;
  }

  private static boolean selects(Service service, Pod pod) {
    Map<String, String> selector = service.getSpec().getSelector();
    Map<String, String> labels = pod.getMetadata().getLabels();
    if (selector == null || selector.isEmpty()) {
      return false;
    }
    return selector.entrySet().stream()
        .allMatch(e -> labels != null && Objects.equals(labels.get(e.getKey()), e.getValue()));
  }

  /** A pod's hostname: {@code spec.hostname}, else its name. */
  static String hostname(Pod pod) {
    String hostname = pod.getSpec() == null ? null : pod.getSpec().getHostname();
    return hostname == null || hostname.isEmpty() ? pod.getMetadata().getName() : hostname;
  }
}

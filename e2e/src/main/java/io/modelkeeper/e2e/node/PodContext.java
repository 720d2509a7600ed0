package io.modelkeeper.e2e.node;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A pod as the local node runs it: its address and its directory of volumes and container logs.
 *
 * <p>Containers are host processes, so the paths a container sees are mapped onto host directories:
 * a mount path to its volume's directory (an emptyDir under the pod's directory, a
 * PersistentVolumeClaim's directory shared by every pod that mounts it, {@code subPath} below
 * either), the termination message path to a file of the pod's directory, any other absolute path
 * to the container's own root directory in the pod's directory.
 */
record PodContext(Pod pod, String ip, Path dir, NodeConfig config) {

  /** Where a container's termination message goes when its spec names none. */
  static final String DEFAULT_TERMINATION_MESSAGE_PATH = "/dev/termination-log";

  static PodContext create(Pod pod, String ip, NodeConfig config) {
    Path dir = config.podDir(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
    try {
      Files.createDirectories(dir.resolve("volumes"));
      // The pod's own names until the node writes the records of its neighbours (PodHosts).
      Files.writeString(
          dir.resolve("hosts"), "127.0.0.1 localhost\n" + ip + " " + PodHosts.hostname(pod) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new PodContext(pod, ip, dir, config);
  }

  String name() {
    return pod.getMetadata().getName();
  }

  String namespace() {
    return pod.getMetadata().getNamespace();
  }

  /** The claim a volume of this pod names, or null when the volume is not a claim. */
  String claimOf(String volume) {
    Volume declared = volume(volume);
    return declared == null || declared.getPersistentVolumeClaim() == null
        ? null
        : declared.getPersistentVolumeClaim().getClaimName();
  }

  /** The claims the pod's volumes name. */
  List<String> claims() {
    if (pod.getSpec() == null || pod.getSpec().getVolumes() == null) {
      return List.of();
    }
    return pod.getSpec().getVolumes().stream()
        .filter(v -> v.getPersistentVolumeClaim() != null)
        .map(v -> v.getPersistentVolumeClaim().getClaimName())
        .distinct()
        .toList();
  }

  private Volume volume(String name) {
    if (pod.getSpec() == null || pod.getSpec().getVolumes() == null) {
      return null;
    }
    return pod.getSpec().getVolumes().stream()
        .filter(v -> Objects.equals(name, v.getName()))
        .findFirst()
        .orElse(null);
  }

  /**
   * A volume's directory, made on first use: a claim's shared directory, else (emptyDir and the
   * other kinds) a directory of the pod.
   */
  Path volumeDir(String volume) {
    String claim = claimOf(volume);
    return directory(
        claim != null
            ? config.claimDir(namespace(), claim)
            : dir.resolve("volumes").resolve(volume));
  }

  /** The host directory behind one mount: the volume's directory, or its {@code subPath}. */
  Path mountDir(VolumeMount mount) {
    Path volume = volumeDir(mount.getName());
    String subPath = mount.getSubPath();
    if (subPath == null || subPath.isEmpty()) {
      return volume;
    }
    Path sub = volume.resolve(subPath).normalize();
    if (subPath.startsWith("/") || !sub.startsWith(volume)) {
      throw new IllegalArgumentException(
          "subPath " + subPath + " of volume " + mount.getName() + " leaves the volume");
    }
    return directory(sub);
  }

  /**
   * The local directory behind {@code mountPath} in this container, or null when nothing is mounted
   * there.
   */
  Path mountedDir(Container container, String mountPath) {
    for (VolumeMount mount : mounts(container)) {
      if (trimmed(mount.getMountPath()).equals(trimmed(mountPath))) {
        return mountDir(mount);
      }
    }
    return null;
  }

  /** The file the container's termination message path stands for. */
  Path terminationLog(Container container) {
    return dir.resolve(container.getName() + ".termination-log");
  }

  String terminationMessagePath(Container container) {
    return Objects.requireNonNullElse(
        container.getTerminationMessagePath(), DEFAULT_TERMINATION_MESSAGE_PATH);
  }

  /** The container's own root: absolute paths under no mount land below it. */
  Path rootDir(Container container) {
    return dir.resolve("rootfs").resolve(container.getName());
  }

  /**
   * The host path for a path as the container sees it: under the longest mount path that holds it,
   * the termination message path, or the container's root directory.
   */
  Path hostPath(Container container, String containerPath) {
    String path = trimmed(containerPath);
    if (path.equals(trimmed(terminationMessagePath(container)))) {
      return terminationLog(container);
    }
    for (VolumeMount mount : longestFirst(container)) {
      String mountPath = trimmed(mount.getMountPath());
      if (path.equals(mountPath)) {
        return mountDir(mount);
      }
      if (path.startsWith(mountPath + "/")) {
        return mountDir(mount).resolve(path.substring(mountPath.length() + 1));
      }
    }
    return rootDir(container).resolve(path.replaceFirst("^/+", ""));
  }

  /**
   * An env value or argument that names a mounted path or the termination message path, bare or as
   * a {@code file://} URI, rewritten to the host path; any other value unchanged.
   */
  String rewrite(Container container, String value) {
    for (String prefix : List.of("", "file://")) {
      if (!value.startsWith(prefix + "/")) {
        continue;
      }
      String path = value.substring(prefix.length());
      if (path.equals(trimmed(terminationMessagePath(container)))) {
        return prefix + terminationLog(container);
      }
      for (VolumeMount mount : longestFirst(container)) {
        String mountPath = trimmed(mount.getMountPath());
        if (path.equals(mountPath) || path.startsWith(mountPath + "/")) {
          return prefix + mountDir(mount) + path.substring(mountPath.length());
        }
      }
    }
    return value;
  }

  /** The working directory: the spec's, mapped like any path; the pod's directory otherwise. */
  Path workingDir(Container container) {
    if (container.getWorkingDir() == null || container.getWorkingDir().isEmpty()) {
      return dir;
    }
    return directory(hostPath(container, container.getWorkingDir()));
  }

  private static List<VolumeMount> mounts(Container container) {
    return container.getVolumeMounts() == null ? List.of() : container.getVolumeMounts();
  }

  private static List<VolumeMount> longestFirst(Container container) {
    return mounts(container).stream()
        .sorted(
            Comparator.comparingInt((VolumeMount m) -> trimmed(m.getMountPath()).length())
                .reversed())
        .toList();
  }

  private static String trimmed(String path) {
    String trimmed = path.replaceAll("/+$", "");
    return trimmed.isEmpty() ? "/" : trimmed;
  }

  private static Path directory(Path path) {
    try {
      Files.createDirectories(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return path;
  }

  Path logFile(String container) {
    return dir.resolve(container + ".log");
  }

  /** The hosts file of the pod: the local stand-in for cluster DNS of pod hostnames. */
  Path hostsFile() {
    return dir.resolve("hosts");
  }

  /** The port named http, else the first declared port, else 8080. */
  int httpPort(Container container) {
    if (container.getPorts() == null || container.getPorts().isEmpty()) {
      return 8080;
    }
    for (ContainerPort port : container.getPorts()) {
      if ("http".equals(port.getName())) {
        return port.getContainerPort();
      }
    }
    return container.getPorts().get(0).getContainerPort();
  }

  /** Resolves a probe port, numeric or named, against the container's ports. */
  int probePort(Container container, io.fabric8.kubernetes.api.model.IntOrString port) {
    if (port == null) {
      return httpPort(container);
    }
    if (port.getIntVal() != null) {
      return port.getIntVal();
    }
    if (container.getPorts() != null) {
      for (ContainerPort declared : container.getPorts()) {
        if (port.getStrVal().equals(declared.getName())) {
          return declared.getContainerPort();
        }
      }
    }
    return httpPort(container);
  }
}

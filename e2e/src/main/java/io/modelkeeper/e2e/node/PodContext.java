package io.modelkeeper.e2e.node;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A pod as the local node runs it: its address and its directory of volumes and container logs. */
record PodContext(Pod pod, String ip, Path dir, NodeConfig config) {

  static PodContext create(Pod pod, String ip, NodeConfig config) {
    Path dir = config.podDir(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
    try {
      Files.createDirectories(dir.resolve("volumes"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new PodContext(pod, ip, dir, config);
  }

  String name() {
    return pod.getMetadata().getName();
  }

  /** An emptyDir volume is a directory of the pod, made on first use. */
  Path volumeDir(String volume) {
    Path path = dir.resolve("volumes").resolve(volume);
    try {
      Files.createDirectories(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return path;
  }

  /**
   * The local directory behind {@code mountPath} in this container, or null when nothing is mounted
   * there.
   */
  Path mountedDir(Container container, String mountPath) {
    if (container.getVolumeMounts() == null) {
      return null;
    }
    for (VolumeMount mount : container.getVolumeMounts()) {
      if (mount.getMountPath().equals(mountPath)) {
        return volumeDir(mount.getName());
      }
    }
    return null;
  }

  Path logFile(String container) {
    return dir.resolve(container + ".log");
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

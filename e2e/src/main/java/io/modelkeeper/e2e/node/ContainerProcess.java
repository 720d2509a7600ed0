package io.modelkeeper.e2e.node;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run of a pod's container as a local process. The container image stands for a program: an
 * image whose repository ends in {@code model-server} runs the model-server jar, as its image's
 * entrypoint {@code java $JAVA_OPTS -jar /deployments/quarkus-run.jar <args>} would. Mount paths in
 * env values are rewritten to the pod's volume directories; stdout and stderr go to the container's
 * log file, and the last stderr line is kept for the termination message.
 */
final class ContainerProcess {

  private final Process process;
  private final Instant startedAt;
  private final Path pidFile;
  private final Thread stderrPump;
  private volatile String lastErrorLine = "";

  private ContainerProcess(Process process, Path pidFile, Path log) {
    this.process = process;
    this.startedAt = Instant.now();
    this.pidFile = pidFile;
    this.stderrPump = new Thread(() -> pump(log), "stderr-" + process.pid());
    this.stderrPump.setDaemon(true);
    this.stderrPump.start();
  }

  /** True when the local node has a program for this image. */
  static boolean canRun(String image) {
    return repository(image).endsWith("model-server");
  }

  /**
   * The image reference without tag or digest: {@code ghcr.io/x/model-server:1} gives {@code
   * ghcr.io/x/model-server}.
   */
  static String repository(String image) {
    if (image == null) {
      return "";
    }
    String name = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
    int slash = name.lastIndexOf('/');
    int colon = name.lastIndexOf(':');
    return colon > slash ? name.substring(0, colon) : name;
  }

  static ContainerProcess start(Container container, boolean init, PodContext pod)
      throws IOException {
    NodeConfig config = pod.config();
    Map<String, String> env = environment(container, pod, init);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(init ? config.fetchJvmOptions() : config.serverJvmOptions());
    if (!init) {
      // The cluster DNS of the local node: headless Service names resolve to their pods.
      command.add("-Djdk.net.hosts.file=" + config.hostsFile());
    }
    Path tmp = pod.mountedDir(container, "/tmp");
    if (tmp != null) {
      command.add("-Djava.io.tmpdir=" + tmp);
    }
    String javaOpts = env.getOrDefault("JAVA_OPTS", "").trim();
    if (!javaOpts.isEmpty()) {
      command.addAll(List.of(javaOpts.split("\\s+")));
    }
    command.add("-jar");
    command.add(config.modelServerJar().toString());
    if (container.getArgs() != null) {
      command.addAll(container.getArgs());
    }
    Path log = pod.logFile(container.getName());
    Files.writeString(
        log,
        "--- "
            + Instant.now()
            + " starting "
            + container.getName()
            + " ("
            + container.getImage()
            + ")\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(pod.dir().toFile())
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.environment().clear();
    builder.environment().putAll(env);
    Process process = builder.start();
    Files.createDirectories(config.pidDir());
    Path pidFile = config.pidDir().resolve(pod.name() + "." + container.getName() + ".pid");
    Files.writeString(pidFile, process.pid() + "\n");
    return new ContainerProcess(process, pidFile, log);
  }

  private static Map<String, String> environment(
      Container container, PodContext pod, boolean init) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    env.put("LANG", "C.UTF-8");
    env.put("HOME", pod.dir().toString());
    if (container.getEnv() != null) {
      for (EnvVar var : container.getEnv()) {
        // valueFrom: the downward API's pod fields are resolved; Secrets and ConfigMaps are not.
        if (var.getValue() != null) {
          env.put(var.getName(), rewriteMountPaths(var.getValue(), container, pod));
        } else if (var.getValueFrom() != null && var.getValueFrom().getFieldRef() != null) {
          String value = podField(var.getValueFrom().getFieldRef().getFieldPath(), pod);
          if (value != null) {
            env.put(var.getName(), value);
          }
        }
      }
    }
    if (!init) {
      // Each pod has its own loopback address, so every server can keep port 8080.
      env.put("QUARKUS_HTTP_HOST", pod.ip());
      env.put("QUARKUS_HTTP_PORT", String.valueOf(pod.httpPort(container)));
    }
    return env;
  }

  /** A pod field the downward API offers, or null for one the local node does not know. */
  static String podField(String path, PodContext pod) {
    return switch (path == null ? "" : path) {
      case "status.podIP" -> pod.ip();
      case "metadata.name" -> pod.pod().getMetadata().getName();
      case "metadata.namespace" -> pod.pod().getMetadata().getNamespace();
      case "metadata.uid" -> pod.pod().getMetadata().getUid();
      default -> null;
    };
  }

  /**
   * {@code /mnt/models/x} and {@code file:///mnt/models/x} point into the pod's volume directory.
   */
  static String rewriteMountPaths(String value, Container container, PodContext pod) {
    if (container.getVolumeMounts() == null) {
      return value;
    }
    for (VolumeMount mount : container.getVolumeMounts()) {
      Path local = pod.volumeDir(mount.getName());
      String mountPath = mount.getMountPath().replaceAll("/+$", "");
      for (String prefix : List.of("", "file://")) {
        String from = prefix + mountPath;
        if (value.equals(from) || value.startsWith(from + "/")) {
          return prefix + local + value.substring(from.length());
        }
      }
    }
    return value;
  }

  private void pump(Path log) {
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (!line.isBlank()) {
          lastErrorLine = line.strip();
        }
        Files.writeString(log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
      }
    } catch (IOException e) {
      // The process is gone; what was read is kept.
    }
  }

  Instant startedAt() {
    return startedAt;
  }

  boolean alive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** Waits for the exit and the last of its stderr. */
  int waitFor() throws InterruptedException {
    int code = process.waitFor();
    stderrPump.join(2000);
    forgetPid();
    return code;
  }

  int exitCode() {
    return process.exitValue();
  }

  /** The last non-blank stderr line, as FallbackToLogsOnError would report it. */
  String lastErrorLine() {
    return lastErrorLine;
  }

  /** SIGTERM, then SIGKILL after the grace period, as the kubelet stops a container. */
  void stop(Duration grace) {
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    forgetPid();
  }

  private void forgetPid() {
    try {
      Files.deleteIfExists(pidFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

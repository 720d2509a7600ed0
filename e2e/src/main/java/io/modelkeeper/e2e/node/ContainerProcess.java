package io.modelkeeper.e2e.node;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One run of a pod's container as a local process. The container image stands for a program (see
 * {@link LocalImage}). Mount paths in env values and arguments are rewritten to the host
 * directories behind them ({@link PodContext#rewrite}); stdout and stderr go to the container's log
 * file; the termination message is read from the file behind the container's {@code
 * terminationMessagePath}.
 */
final class ContainerProcess {

  /** The env variable naming the host file behind the container's termination message path. */
  static final String TERMINATION_LOG_VARIABLE = "MODELKEEPER_LOCAL_TERMINATION_LOG";

  /** The env variable naming the pod's hosts file, the local stand-in for cluster DNS. */
  static final String HOSTS_VARIABLE = "MODELKEEPER_LOCAL_HOSTS";

  /** Kubernetes keeps at most this many bytes of a termination message file. */
  static final int TERMINATION_MESSAGE_MAX_BYTES = 4096;

  /** FallbackToLogsOnError takes the log's last 80 lines, at most 2048 bytes, as the kubelet. */
  static final int FALLBACK_MAX_LINES = 80;

  static final int FALLBACK_MAX_BYTES = 2048;

  private static final Pattern FIELD_PATH =
      Pattern.compile("metadata\\.(labels|annotations)\\['([^']+)'\\]");

  /** A container the node cannot create (CreateContainerConfigError), with the kubelet's words. */
  static final class ConfigError extends Exception {
    ConfigError(String message) {
      super(message);
    }
  }

  private final Process process;
  private final Instant startedAt;
  private final Path pidFile;
  private final Path log;
  private final long logStart;
  private final Thread stderrPump;

  private ContainerProcess(Process process, Path pidFile, Path log, long logStart) {
    this.process = process;
    this.startedAt = Instant.now();
    this.pidFile = pidFile;
    this.log = log;
    this.logStart = logStart;
    this.stderrPump = new Thread(this::pump, "stderr-" + process.pid());
    this.stderrPump.setDaemon(true);
    this.stderrPump.start();
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

  static ContainerProcess start(
      KubernetesClient client, Container container, boolean init, PodContext pod)
      throws IOException, ConfigError {
    NodeConfig config = pod.config();
    LocalImage image = LocalImage.of(container.getImage(), config);
    if (image.pullError() != null) {
      throw new IllegalStateException(image.pullError());
    }
    Map<String, String> env = environment(client, container, pod, init, image);
    List<String> command = new ArrayList<>();
    if (image.program() == LocalImage.Program.COMMAND) {
      if (container.getCommand() == null || container.getCommand().isEmpty()) {
        throw new ConfigError(
            "the image "
                + LocalImage.EXEC_IMAGE
                + " has no entrypoint: give container "
                + container.getName()
                + " a command");
      }
      container.getCommand().forEach(c -> command.add(pod.rewrite(container, expand(c, env))));
    } else {
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
      command.add(
          (image.program() == LocalImage.Program.TRAINER
                  ? config.trainerJar()
                  : config.modelServerJar())
              .toString());
    }
    if (container.getArgs() != null) {
      container.getArgs().forEach(a -> command.add(pod.rewrite(container, expand(a, env))));
    }
    Path terminationLog = pod.terminationLog(container);
    // As the kubelet does: an empty file, so a message is the one this run writes.
    Files.writeString(terminationLog, "");
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
    long logStart = Files.size(log);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(pod.workingDir(container).toFile())
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.environment().clear();
    builder.environment().putAll(env);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      // The runtime's words for a command it cannot run: the container fails to start.
      throw new IOException(
          "exec: \"" + command.get(0) + "\": " + e.getMessage().replaceFirst("^.*error=", ""), e);
    }
    Files.createDirectories(config.pidDir());
    Path pidFile = config.pidDir().resolve(pod.name() + "." + container.getName() + ".pid");
    Files.writeString(pidFile, process.pid() + "\n");
    return new ContainerProcess(process, pidFile, log, logStart);
  }

  /**
   * The container's environment as the kubelet builds it: {@code envFrom}, then {@code env} with
   * {@code $(VAR)} references, field references, ConfigMap and Secret keys; mount paths rewritten.
   */
  static Map<String, String> environment(
      KubernetesClient client, Container container, PodContext pod, boolean init, LocalImage image)
      throws ConfigError {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    env.put("LANG", "C.UTF-8");
    env.put("HOME", pod.dir().toString());
    env.put("HOSTNAME", PodHosts.hostname(pod.pod()));
    if (container.getEnvFrom() != null) {
      for (EnvFromSource from : container.getEnvFrom()) {
        String prefix = from.getPrefix() == null ? "" : from.getPrefix();
        envFrom(client, pod, from).forEach((k, v) -> env.put(prefix + k, v));
      }
    }
    if (container.getEnv() != null) {
      for (EnvVar var : container.getEnv()) {
        String value =
            var.getValueFrom() != null
                ? valueFrom(client, pod, var.getName(), var.getValueFrom())
                : expand(var.getValue() == null ? "" : var.getValue(), env);
        if (value != null) {
          env.put(var.getName(), pod.rewrite(container, value));
        }
      }
    }
    env.put(TERMINATION_LOG_VARIABLE, pod.terminationLog(container).toString());
    env.put(HOSTS_VARIABLE, pod.hostsFile().toString());
    if (!init && image.program() == LocalImage.Program.MODEL_SERVER) {
      // Each pod has its own loopback address, so every server can keep port 8080.
      env.put("QUARKUS_HTTP_HOST", pod.ip());
      env.put("QUARKUS_HTTP_PORT", String.valueOf(pod.httpPort(container)));
    }
    return env;
  }

  /** {@code $(VAR)} of earlier variables expanded, {@code $$} escaping, as the kubelet does. */
  static String expand(String value, Map<String, String> env) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '$' && i + 1 < value.length() && value.charAt(i + 1) == '$') {
        out.append('$');
        i++;
      } else if (c == '$' && i + 1 < value.length() && value.charAt(i + 1) == '(') {
        int end = value.indexOf(')', i + 2);
        String name = end < 0 ? null : value.substring(i + 2, end);
        if (name != null && env.containsKey(name)) {
          out.append(env.get(name));
          i = end;
        } else {
          out.append(c);
        }
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static String valueFrom(
      KubernetesClient client, PodContext pod, String name, EnvVarSource source)
      throws ConfigError {
    if (source.getFieldRef() != null) {
      return field(pod, source.getFieldRef().getFieldPath());
    }
    if (source.getConfigMapKeyRef() != null) {
      var ref = source.getConfigMapKeyRef();
      Map<String, String> data = configMap(client, pod, ref.getName(), ref.getOptional());
      return key(data, "configmap", ref.getName(), ref.getKey(), ref.getOptional());
    }
    if (source.getSecretKeyRef() != null) {
      var ref = source.getSecretKeyRef();
      Map<String, String> data = secret(client, pod, ref.getName(), ref.getOptional());
      return key(data, "secret", ref.getName(), ref.getKey(), ref.getOptional());
    }
    throw new ConfigError(
        "the local node does not resolve env "
            + name
            + " from "
            + (source.getResourceFieldRef() != null ? "resourceFieldRef" : "this valueFrom"));
  }

  private static String field(PodContext pod, String path) throws ConfigError {
    var metadata = pod.pod().getMetadata();
    switch (path) {
      case "metadata.name":
        return metadata.getName();
      case "metadata.namespace":
        return metadata.getNamespace();
      case "metadata.uid":
        return metadata.getUid();
      case "spec.nodeName":
        return "local-node";
      case "spec.serviceAccountName":
        return pod.pod().getSpec().getServiceAccountName() == null
            ? "default"
            : pod.pod().getSpec().getServiceAccountName();
      case "status.podIP", "status.podIPs":
        return pod.ip();
      case "status.hostIP", "status.hostIPs":
        return "127.0.0.1";
      default:
        Matcher matcher = FIELD_PATH.matcher(path);
        if (matcher.matches()) {
          Map<String, String> values =
              matcher.group(1).equals("labels") ? metadata.getLabels() : metadata.getAnnotations();
          return values == null ? "" : values.getOrDefault(matcher.group(2), "");
        }
        throw new ConfigError("the local node does not resolve the field path " + path);
    }
  }

  private static Map<String, String> envFrom(
      KubernetesClient client, PodContext pod, EnvFromSource from) throws ConfigError {
    if (from.getConfigMapRef() != null) {
      return configMap(
          client, pod, from.getConfigMapRef().getName(), from.getConfigMapRef().getOptional());
    }
    if (from.getSecretRef() != null) {
      return secret(client, pod, from.getSecretRef().getName(), from.getSecretRef().getOptional());
    }
    return Map.of();
  }

  private static Map<String, String> configMap(
      KubernetesClient client, PodContext pod, String name, Boolean optional) throws ConfigError {
    ConfigMap found = client.configMaps().inNamespace(pod.namespace()).withName(name).get();
    if (found == null) {
      if (Boolean.TRUE.equals(optional)) {
        return Map.of();
      }
      throw new ConfigError("configmap \"" + name + "\" not found");
    }
    return found.getData() == null ? Map.of() : found.getData();
  }

  private static Map<String, String> secret(
      KubernetesClient client, PodContext pod, String name, Boolean optional) throws ConfigError {
    Secret found = client.secrets().inNamespace(pod.namespace()).withName(name).get();
    if (found == null) {
      if (Boolean.TRUE.equals(optional)) {
        return Map.of();
      }
      throw new ConfigError("secret \"" + name + "\" not found");
    }
    Map<String, String> data = new LinkedHashMap<>();
    if (found.getData() != null) {
      found
          .getData()
          .forEach(
              (k, v) ->
                  data.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    if (found.getStringData() != null) {
      data.putAll(found.getStringData());
    }
    return data;
  }

  private static String key(
      Map<String, String> data, String kind, String name, String key, Boolean optional)
      throws ConfigError {
    if (data.containsKey(key)) {
      return data.get(key);
    }
    if (Boolean.TRUE.equals(optional)) {
      return null;
    }
    throw new ConfigError("couldn't find key " + key + " in " + kind + " " + name);
  }

  private void pump() {
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
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

  /** The exit code; 137 (SIGKILL) for a process that would not end. */
  int exitCode() {
    return process.isAlive() ? 137 : process.exitValue();
  }

  /**
   * The termination message as the kubelet reads it: the file behind the termination message path
   * (at most 4096 bytes); when that is empty, the container failed and the policy is {@code
   * FallbackToLogsOnError}, the tail of this run's log (80 lines, 2048 bytes).
   */
  String terminationMessage(Path terminationLog, String policy, boolean failed) {
    String message = readHead(terminationLog, TERMINATION_MESSAGE_MAX_BYTES);
    if (message.isEmpty() && failed && "FallbackToLogsOnError".equals(policy)) {
      message = logTail();
    }
    return message;
  }

  private static String readHead(Path file, int limit) {
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      byte[] bytes = new byte[(int) Math.min(limit, in.length())];
      in.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private String logTail() {
    try (RandomAccessFile in = new RandomAccessFile(log.toFile(), "r")) {
      long from = Math.max(logStart, in.length() - FALLBACK_MAX_BYTES);
      byte[] bytes = new byte[(int) (in.length() - from)];
      in.seek(from);
      in.readFully(bytes);
      List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
      if (from > logStart && lines.size() > 1) {
        lines = lines.subList(1, lines.size()); // a cut line is not shown
      }
      lines = lines.subList(Math.max(0, lines.size() - FALLBACK_MAX_LINES), lines.size());
      return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * SIGTERM to the process and what it started, then SIGKILL after the grace period, as the kubelet
   * stops a container (whose processes all die with it).
   */
  void stop(Duration grace) {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    children.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
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

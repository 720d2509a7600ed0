package io.modelkeeper.e2e.cluster;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.modelkeeper.e2e.api.LocalApiServer;
import io.modelkeeper.e2e.node.NodeConfig;
import io.modelkeeper.e2e.node.NodeSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The whole system on one machine: the local API server, the model repository, the node simulator
 * and the operator's packaged jar. Closing it stops every process it started.
 */
public final class LocalCluster implements AutoCloseable {

  /**
   * Where things are: the project checkout and the state directory for kubeconfig, pids and logs.
   */
  public record Layout(Path projectDir, Path stateDir) {

    public Layout {
      // Pod processes run in their own directories: every path handed to them must be absolute.
      projectDir = projectDir.toAbsolutePath().normalize();
      stateDir = stateDir.toAbsolutePath().normalize();
    }

    public Path modelServerJar() {
      return projectDir.resolve("model-server/target/quarkus-app/quarkus-run.jar");
    }

    /**
     * The reference trainer, built by {@code ./mvnw -pl trainer -am package}: the local node runs
     * it for images whose repository ends in {@code modelkeeper-trainer}.
     */
    public Path trainerJar() {
      return projectDir.resolve("trainer/target/modelkeeper-trainer.jar");
    }

    public Path operatorJar() {
      return projectDir.resolve("operator/target/quarkus-app/quarkus-run.jar");
    }

    public Path crdDir() {
      return projectDir.resolve("crds");
    }

    public Path modelsDir() {
      return projectDir.resolve("examples/models");
    }

    public Path examplesDir() {
      return projectDir.resolve("e2e/examples");
    }

    public Path kubeconfig() {
      return stateDir.resolve("kubeconfig");
    }

    public Path operatorLog() {
      return stateDir.resolve("logs/operator.log");
    }

    public Path pidDir() {
      return stateDir.resolve("pids");
    }

    /** Prometheus' configuration, data, query log and target files. */
    public Path prometheusDir() {
      return stateDir.resolve("prometheus");
    }

    public Path prometheusLog() {
      return stateDir.resolve("logs/prometheus.log");
    }

    public Path kubectlCache() {
      return stateDir.resolve("kubectl-cache");
    }

    /** Guesses the project from the working directory (the checkout or its e2e/ module). */
    public static Layout fromWorkingDirectory(Path stateDir) {
      Path here = Path.of("").toAbsolutePath();
      Path project = Files.isDirectory(here.resolve("e2e")) ? here : here.getParent();
      return new Layout(project, stateDir == null ? project.resolve("e2e/.local") : stateDir);
    }
  }

  /**
   * The User-Agent of the node simulator's requests (Deployment, ReplicaSet controllers, kubelet).
   */
  public static final String NODE_USER_AGENT = "modelkeeper-local-node/1";

  private final Layout layout;
  private final Duration reconcileInterval;
  private final List<AutoCloseable> started = new ArrayList<>();
  private LocalApiServer api;
  private ModelRepository repository;
  private KubernetesClient client;
  private NodeSimulator node;
  private OperatorProcess operator;
  private LocalPrometheus prometheus;

  private LocalCluster(Layout layout, Duration reconcileInterval) {
    this.layout = layout;
    this.reconcileInterval = reconcileInterval;
  }

  /**
   * Starts everything, reporting each step to {@code progress}. Anything started before a failure
   * is stopped again before the exception leaves.
   */
  public static LocalCluster start(Layout layout, boolean withOperator, Consumer<String> progress) {
    return start(layout, withOperator, OperatorProcess.LOCAL_RECONCILE_INTERVAL, progress);
  }

  /**
   * As {@link #start(Layout, boolean, Consumer)}, with the operator's periodic reconcile every
   * {@code reconcileInterval} (also after {@link #restartOperator()}).
   */
  public static LocalCluster start(
      Layout layout, boolean withOperator, Duration reconcileInterval, Consumer<String> progress) {
    return start(layout, withOperator, reconcileInterval, false, progress);
  }

  /**
   * As {@link #start(Layout, boolean, Duration, Consumer)}, and with {@code withPrometheus} a real
   * Prometheus ({@link LocalPrometheus}) that scrapes every model-server pod and the operator, the
   * operator's Prometheus ({@code modelkeeper.prometheus-url}) for ModelDeployments with {@code
   * spec.monitoring.provider: prometheus}. Without the {@code prometheus} binary it fails at once,
   * naming the package.
   */
  public static LocalCluster start(
      Layout layout,
      boolean withOperator,
      Duration reconcileInterval,
      boolean withPrometheus,
      Consumer<String> progress) {
    requireFile(layout.modelServerJar(), "model-server jar");
    if (withPrometheus) {
      LocalPrometheus.binary();
    }
    LocalCluster cluster = new LocalCluster(layout, reconcileInterval);
    try {
      Files.createDirectories(layout.stateDir());
      cluster.api =
          cluster.keep(LocalApiServer.start(layout.crdDir(), layout.stateDir().resolve("pods")));
      cluster.api.writeKubeconfig(layout.kubeconfig());
      progress.accept(
          "API server      " + cluster.api.url() + "  (kubeconfig " + layout.kubeconfig() + ")");
      cluster.repository = cluster.keep(ModelRepository.start(layout.modelsDir()));
      progress.accept(
          "model repository "
              + cluster.repository.url()
              + "  (serving "
              + layout.modelsDir()
              + ")");
      Config nodeConfig = Config.fromKubeconfig(Files.readString(layout.kubeconfig()));
      // Its own name in the API server's request log, apart from the operator's fabric8 client.
      nodeConfig.setUserAgent(NODE_USER_AGENT);
      cluster.client = cluster.keep(new KubernetesClientBuilder().withConfig(nodeConfig).build());
      cluster.node =
          cluster.keep(
              NodeSimulator.start(
                  cluster.client,
                  NodeConfig.defaults(
                      layout.modelServerJar(), layout.trainerJar(), layout.stateDir())));
      progress.accept(
          "node simulator  pods get "
              + cluster.node.podNetwork()
              + ".2, .3, ...; pod files under "
              + layout.stateDir().resolve("pods"));
      if (withPrometheus) {
        Path podTargets = layout.prometheusDir().resolve("pods.json");
        cluster.node.publishScrapeTargets(podTargets);
        cluster.prometheus =
            cluster.keep(
                LocalPrometheus.start(
                    layout.prometheusDir(), podTargets, layout.prometheusLog(), layout.pidDir()));
        progress.accept(
            "prometheus      "
                + cluster.prometheus.url()
                + "  (scrapes every "
                + LocalPrometheus.SCRAPE_INTERVAL.toSeconds()
                + " s; targets, query log under "
                + layout.prometheusDir()
                + ")");
      }
      if (withOperator) {
        progress.accept("operator        starting " + layout.operatorJar() + " ...");
        cluster.operator = cluster.keep(cluster.startOperator());
        progress.accept(
            "operator        ready (pid "
                + cluster.operator.pid()
                + ", log "
                + layout.operatorLog()
                + ")");
        progress.accept("console         " + cluster.operator.url() + "/console/  (read-only)");
      }
      return cluster;
    } catch (IOException e) {
      cluster.close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  private static void requireFile(Path file, String what) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(
          what + " not found: " + file + " (build it: ./mvnw -B -DskipTests package)");
    }
  }

  private <T extends AutoCloseable> T keep(T component) {
    started.add(component);
    return component;
  }

  public Layout layout() {
    return layout;
  }

  /** The node simulator's client (the scenarios use it too: their requests count as the node's). */
  public KubernetesClient client() {
    return client;
  }

  public LocalApiServer api() {
    return api;
  }

  public ModelRepository repository() {
    return repository;
  }

  public NodeSimulator node() {
    return node;
  }

  public OperatorProcess operator() {
    return operator;
  }

  /** The Prometheus of this cluster, or null when it was started without one. */
  public LocalPrometheus prometheus() {
    return prometheus;
  }

  /**
   * Stops the operator process and starts a new one from the same jar, as a pod restart would: it
   * knows only what the API server holds.
   */
  public OperatorProcess restartOperator() {
    return replaceOperator(false);
  }

  /**
   * Kills the operator process with SIGKILL (no shutdown hook runs) and starts a new one from the
   * same jar, as after an out-of-memory kill or a lost node: it knows only what the API server
   * holds.
   */
  public OperatorProcess killAndRestartOperator() {
    return replaceOperator(true);
  }

  private OperatorProcess replaceOperator(boolean kill) {
    if (operator == null) {
      throw new IllegalStateException("this cluster was started without the operator");
    }
    if (kill) {
      operator.kill();
    } else {
      operator.close();
    }
    if (prometheus != null) {
      // The Service's endpoints lose the pod that is gone.
      prometheus.operatorAt(null);
    }
    int index = started.indexOf(operator);
    operator = startOperator();
    started.set(index, operator);
    return operator;
  }

  /**
   * Starts the operator jar; with Prometheus, pointed at it and announced to it as the chart's
   * metrics Service's endpoint.
   */
  private OperatorProcess startOperator() {
    // A rate needs two samples in its range, and a gauge older than the range is a gone pod's:
    // four scrapes of the local Prometheus, where a cluster's default is a minute.
    Map<String, String> environment = new HashMap<>();
    if (prometheus != null) {
      environment.put("MODELKEEPER_PROMETHEUS_URL", prometheus.url());
      environment.put(
          "MODELKEEPER_PROMETHEUS_MIN_RANGE",
          LocalPrometheus.SCRAPE_INTERVAL.multipliedBy(4).toSeconds() + "s");
    }
    // The web console, read-only, at <operator URL>/console/ (the chart's console.enabled).
    environment.put("MODELKEEPER_CONSOLE_ENABLED", "true");
    OperatorProcess started =
        OperatorProcess.start(
            layout.operatorJar(),
            layout.kubeconfig(),
            layout.operatorLog(),
            layout.pidDir(),
            Duration.ofSeconds(90),
            reconcileInterval,
            environment);
    if (prometheus != null) {
      prometheus.operatorAt(started.url());
    }
    return started;
  }

  public Kubectl kubectl() {
    Path binary = Kubectl.find();
    if (binary == null) {
      throw new IllegalStateException("kubectl is not installed");
    }
    return new Kubectl(binary, layout.kubeconfig(), layout.kubectlCache());
  }

  /** An example from {@code e2e/examples/} with the model repository's URL filled in. */
  public String example(String file) {
    try {
      return Files.readString(layout.examplesDir().resolve(file), StandardCharsets.UTF_8)
          .replace("{{MODEL_REPOSITORY}}", repository.url());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops in reverse order of start: the operator first, the API server last. */
  @Override
  public void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        System.err.println(
            "stopping " + started.get(i).getClass().getSimpleName() + " failed: " + e);
      }
    }
    started.clear();
  }
}

package io.modelkeeper.operator.bench;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.modelkeeper.api.v1alpha1.Conditions;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.operator.crd.GeneratedCrd;
import io.modelkeeper.operator.status.StatusAggregator;
import io.modelkeeper.operator.testing.TestModels;
import io.modelkeeper.operator.workload.WorkloadLabels;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * How fast the packaged operator (its real jar, -Xmx256m) brings N ModelDeployments to Ready
 * against a mock API server, with this process playing kubelet: every Deployment the operator
 * creates is reported ready. Not a timed test: run it with operator/bench/reconcile.sh; it prints
 * the figures and writes them to target/operator-benchmark.txt.
 */
class OperatorBenchmark {

  private static final int COUNT = Integer.getInteger("modelkeeper.bench.count", 1000);
  private static final String HEAP = System.getProperty("modelkeeper.bench.xmx", "256m");
  private static final long DEADLINE_SECONDS = Long.getLong("modelkeeper.bench.deadline", 600);
  private static final int WRITERS = Integer.getInteger("modelkeeper.bench.writers", 1);
  private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

  /** The mock server logs every request; at this volume the logging would be what is measured. */
  private static final java.util.logging.Logger MOCK_SERVER_LOG = quiet("io.fabric8.mockwebserver");

  @Test
  void reconcileManyModelDeployments() throws Exception {
    if (!Files.exists(JAR)) {
      throw new IllegalStateException(
          JAR
              + " is missing: run ./mvnw -pl operator package -DskipTests first"
              + " (operator/bench/reconcile.sh does)");
    }
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    server.init(InetAddress.getByName("127.0.0.1"), 0);
    ExecutorService kubelet = Executors.newFixedThreadPool(4);
    Process operator = null;
    try (KubernetesClient client = server.createClient()) {
      try (InputStream crd = Files.newInputStream(GeneratedCrd.COMMITTED)) {
        client.apiextensions().v1().customResourceDefinitions().load(crd).create();
      }
      client
          .apps()
          .deployments()
          .inAnyNamespace()
          .withLabel(WorkloadLabels.MANAGED_SELECTOR)
          .inform(playKubelet(client, kubelet));

      int httpPort = freePort();
      operator = startOperator(server.getPort(), httpPort);
      waitForHealth(httpPort);

      long start = System.nanoTime();
      // Several writers, as kubectl apply of many files or a GitOps sync would do.
      ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
      for (int i = 0; i < COUNT; i++) {
        String name = String.format("model-%04d", i);
        writers.submit(
            () ->
                client
                    .resources(ModelDeployment.class)
                    .inNamespace(TestModels.NAMESPACE)
                    .resource(TestModels.model(name, "1"))
                    .create());
      }
      writers.shutdown();
      writers.awaitTermination(DEADLINE_SECONDS, TimeUnit.SECONDS);
      long created = System.nanoTime();
      int ready = 0;
      while (ready < COUNT
          && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS)) {
        Thread.sleep(250);
        ready = countReady(client);
      }
      long end = System.nanoTime();
      int deployments =
          client.apps().deployments().inNamespace(TestModels.NAMESPACE).list().getItems().size();
      int services = client.services().inNamespace(TestModels.NAMESPACE).list().getItems().size();
      String metrics = get("http://127.0.0.1:" + httpPort + "/q/metrics");
      Files.writeString(Path.of("target", "operator-benchmark-metrics.txt"), metrics);
      report(
          List.of(
              "ModelDeployments created: "
                  + COUNT
                  + " in "
                  + seconds(created - start)
                  + " s by "
                  + WRITERS
                  + " writers (the mock API server's write rate bounds this)",
              "All with Deployment, Service and Ready=True: "
                  + (ready == COUNT ? "yes" : "NO, only " + ready)
                  + " after "
                  + seconds(end - start)
                  + " s ("
                  + seconds(end - created)
                  + " s after the last create)",
              "Deployments: " + deployments + ", Services: " + services,
              "Reconciles: "
                  + (long) metric(metrics, "modelkeeper_operator_reconciles_total")
                  + " ("
                  + String.format(
                      "%.1f",
                      metric(metrics, "modelkeeper_operator_reconciles_total")
                          / ((end - start) / 1e9))
                  + "/s), errors: "
                  + (long)
                      metric(metrics, "modelkeeper_operator_reconciles_total{outcome=\"error\""),
              "Reconcile duration mean: "
                  + String.format(
                      "%.1f ms",
                      1000
                          * metric(metrics, "modelkeeper_operator_reconcile_duration_seconds_sum")
                          / metric(
                              metrics, "modelkeeper_operator_reconcile_duration_seconds_count")),
              "Operator heap used: "
                  + mb(metric(metrics, "jvm_memory_used_bytes{area=\"heap\""))
                  + " MB (-Xmx"
                  + HEAP
                  + ")",
              "Operator RSS now / peak: "
                  + rss(operator.pid(), "VmRSS")
                  + " / "
                  + rss(operator.pid(), "VmHWM")
                  + " MB"));
    } finally {
      if (operator != null) {
        operator.destroy();
        operator.waitFor(20, TimeUnit.SECONDS);
      }
      kubelet.shutdownNow();
      server.destroy();
    }
  }

  /** Reports every new or scaled Deployment as having all its pods ready. */
  private static ResourceEventHandler<Deployment> playKubelet(
      KubernetesClient client, ExecutorService pool) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(Deployment deployment) {
        pool.submit(() -> markReady(client, deployment));
      }

      @Override
      public void onUpdate(Deployment before, Deployment after) {
        Integer ready = after.getStatus() == null ? null : after.getStatus().getReadyReplicas();
        if (ready == null || !ready.equals(after.getSpec().getReplicas())) {
          pool.submit(() -> markReady(client, after));
        }
      }

      @Override
      public void onDelete(Deployment deployment, boolean unknownState) {}
    };
  }

  private static void markReady(KubernetesClient client, Deployment deployment) {
    int replicas = deployment.getSpec().getReplicas();
    deployment.setStatus(
        new DeploymentStatusBuilder()
            .withReplicas(replicas)
            .withReadyReplicas(replicas)
            .withUpdatedReplicas(replicas)
            .withAvailableReplicas(replicas)
            .withObservedGeneration(deployment.getMetadata().getGeneration())
            .build());
    client
        .apps()
        .deployments()
        .inNamespace(deployment.getMetadata().getNamespace())
        .resource(deployment)
        .updateStatus();
  }

  private static int countReady(KubernetesClient client) {
    return (int)
        client
            .resources(ModelDeployment.class)
            .inNamespace(TestModels.NAMESPACE)
            .list()
            .getItems()
            .stream()
            .filter(
                md -> {
                  var ready = StatusAggregator.find(md.getStatus(), Conditions.READY);
                  return ready != null && "True".equals(ready.getStatus());
                })
            .count();
  }

  private static Process startOperator(int apiPort, int httpPort) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder("java", "-Xmx" + HEAP, "-jar", JAR.toString())
            .redirectErrorStream(true)
            .redirectOutput(Path.of("target", "operator-benchmark.log").toFile());
    builder.environment().put("KUBERNETES_MASTER", "http://127.0.0.1:" + apiPort);
    builder.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
    builder.environment().put("QUARKUS_HTTP_PORT", String.valueOf(httpPort));
    builder.environment().put("QUARKUS_LOG_CATEGORY__IO_MODELKEEPER__LEVEL", "WARN");
    return builder.start();
  }

  private static void waitForHealth(int httpPort) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < until) {
      try {
        if (get("http://127.0.0.1:" + httpPort + "/q/health/ready").contains("UP")) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(
        "operator did not become ready; see target/operator-benchmark.log");
  }

  private static String get(String url) throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** Sum of the samples of a Prometheus metric whose line starts with {@code prefix}. */
  private static double metric(String body, String prefix) {
    return body.lines()
        .filter(l -> l.startsWith(prefix) && !l.startsWith("#"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static long rss(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
      }
    }
    return -1;
  }

  private static java.util.logging.Logger quiet(String name) {
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
    logger.setLevel(java.util.logging.Level.WARNING);
    return logger;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }

  private static String seconds(long nanos) {
    return String.format("%.1f", nanos / 1e9);
  }

  private static long mb(double bytes) {
    return Math.round(bytes / (1024 * 1024));
  }

  private static void report(List<String> lines) throws IOException {
    List<String> all = new ArrayList<>(lines);
    all.add(
        0,
        "Operator benchmark ("
            + Runtime.getRuntime().availableProcessors()
            + " cores, load average "
            + Files.readString(Path.of("/proc/loadavg")).split(" ")[0]
            + ")");
    all.forEach(System.out::println);
    Files.write(Path.of("target", "operator-benchmark.txt"), all);
  }
}

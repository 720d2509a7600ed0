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
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the packaged operator (its real jar, -Xmx256m) costs per ModelDeployment against a mock API
 * server, with this process playing kubelet: every Deployment the operator creates is reported
 * ready. ModelDeployments are created in steps (100, 1,000 and 5,000 by default); at each step,
 * once all are Ready, it records the reconciles so far (and why they happened), the operator's live
 * heap after a full GC (a class histogram taken with jcmd, which collects first) and its RSS; the
 * report gives the slope between steps: bytes per ModelDeployment. It refuses to measure when the
 * 1-minute load average at the start exceeds the core count, unless forced, and then says the
 * figures are not valid. Not a timed test: run it with operator/bench/reconcile.sh; it prints the
 * figures and writes them to target/operator-benchmark.txt.
 */
class OperatorBenchmark {

  private static final List<Integer> STEPS =
      Stream.of(System.getProperty("modelkeeper.bench.count", "100,1000,5000").split(","))
          .map(String::trim)
          .map(Integer::valueOf)
          .toList();
  private static final String HEAP = System.getProperty("modelkeeper.bench.xmx", "256m");
  private static final long DEADLINE_SECONDS = Long.getLong("modelkeeper.bench.deadline", 1800);
  private static final int WRITERS = Integer.getInteger("modelkeeper.bench.writers", 1);
  private static final boolean FORCE = Boolean.getBoolean("modelkeeper.bench.force");
  private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
  private static final Path REPORT = Path.of("target", "operator-benchmark.txt");

  /** Written instead of figures when the machine was busy at the start. */
  static final String REFUSED = "REFUSED";

  /** The mock server logs every request; at this volume the logging would be what is measured. */
  private static final java.util.logging.Logger MOCK_SERVER_LOG = quiet("io.fabric8.mockwebserver");

  /** What is known at one step. */
  private record Step(
      int count,
      double createdSeconds,
      double readySeconds,
      int ready,
      Map<String, Double> metrics,
      long liveHeapBytes,
      Map<String, Long> classBytes,
      long rssKb,
      long peakRssKb,
      String load) {}

  @Test
  void reconcileManyModelDeployments() throws Exception {
    if (!Files.exists(JAR)) {
      throw new IllegalStateException(
          JAR
              + " is missing: run ./mvnw -pl operator package -DskipTests first"
              + " (operator/bench/reconcile.sh does)");
    }
    Files.deleteIfExists(REPORT);
    int cores = Runtime.getRuntime().availableProcessors();
    String loadAtStart = loadAverage();
    boolean busy = Double.parseDouble(loadAtStart.split(" ")[0]) > cores;
    if (busy && !FORCE) {
      String message =
          REFUSED
              + ": the 1-minute load average is "
              + loadAtStart.split(" ")[0]
              + " on "
              + cores
              + " cores; figures taken now would measure the other work. Run again when the"
              + " machine is quiet (or force a run for development with"
              + " -Dmodelkeeper.bench.force=true: its figures are then marked not valid).";
      System.out.println(message);
      Files.writeString(REPORT, message + "\n");
      return;
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
      for (var type : GeneratedCrd.TYPES) {
        try (InputStream crd = Files.newInputStream(GeneratedCrd.committedPath(type))) {
          client.apiextensions().v1().customResourceDefinitions().load(crd).create();
        }
      }
      client
          .apps()
          .deployments()
          .inAnyNamespace()
          .withLabel(WorkloadLabels.MANAGED_SELECTOR)
          .inform(playKubelet(client, kubelet));
      Set<String> readyNames = ConcurrentHashMap.newKeySet();
      client
          .resources(ModelDeployment.class)
          .inNamespace(TestModels.NAMESPACE)
          .inform(countReady(readyNames));

      int httpPort = freePort();
      operator = startOperator(server.getPort(), httpPort);
      waitForHealth(httpPort);

      List<Step> steps = new ArrayList<>();
      String stopped = null;
      long start = System.nanoTime();
      int created = 0;
      for (int target : STEPS) {
        // Several writers, as kubectl apply of many files or a GitOps sync would do.
        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        for (int i = created; i < target; i++) {
          String name = String.format("model-%05d", i);
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
        created = target;
        long createdAt = System.nanoTime();
        while (readyNames.size() < target
            && operator.isAlive()
            && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS)) {
          Thread.sleep(100);
        }
        if (!operator.isAlive()) {
          stopped =
              "The operator exited (code "
                  + operator.exitValue()
                  + ") before "
                  + target
                  + " were Ready: out of heap at -Xmx"
                  + HEAP
                  + "? See target/operator-benchmark.log";
          break;
        }
        long readyAt = System.nanoTime();
        Map<String, Double> metrics = metrics(get("http://127.0.0.1:" + httpPort + "/q/metrics"));
        String histogram = jcmd(operator.pid(), "GC.class_histogram");
        Files.writeString(
            Path.of("target", "operator-benchmark-histogram-" + target + ".txt"), histogram);
        steps.add(
            new Step(
                target,
                seconds(createdAt - start),
                seconds(readyAt - start),
                readyNames.size(),
                metrics,
                histogramTotal(histogram),
                histogramBytes(histogram),
                status(operator.pid(), "VmRSS"),
                status(operator.pid(), "VmHWM"),
                loadAverage()));
        if (readyNames.size() < target) {
          break;
        }
      }
      if (stopped != null) {
        report(steps, -1, -1, cores, loadAtStart, busy, stopped);
        return;
      }
      Files.writeString(
          Path.of("target", "operator-benchmark-metrics.txt"),
          get("http://127.0.0.1:" + httpPort + "/q/metrics"));
      int deployments =
          client.apps().deployments().inNamespace(TestModels.NAMESPACE).list().getItems().size();
      int services = client.services().inNamespace(TestModels.NAMESPACE).list().getItems().size();
      report(steps, deployments, services, cores, loadAtStart, busy, null);
    } finally {
      if (operator != null) {
        operator.destroy();
        operator.waitFor(20, TimeUnit.SECONDS);
      }
      kubelet.shutdownNow();
      server.destroy();
    }
  }

  private static void report(
      List<Step> steps,
      int deployments,
      int services,
      int cores,
      String loadAtStart,
      boolean busy,
      String stopped)
      throws IOException {
    List<String> out = new ArrayList<>();
    out.add(
        "Operator benchmark: "
            + cores
            + " cores, load average at start "
            + loadAtStart
            + ", at end "
            + loadAverage()
            + ", operator -Xmx"
            + HEAP
            + ", "
            + WRITERS
            + " writer(s)");
    if (busy) {
      out.add(
          "NOT VALID: forced on a busy machine (1-minute load above the core count at start);"
              + " these figures measure the other work too. Do not report them.");
    }
    out.add(
        "| ModelDeployments | created after | all Ready after | Ready | reconciles | per new"
            + " ModelDeployment | errors | live heap after full GC | RSS now / peak | load at step |");
    out.add("|---|---|---|---|---|---|---|---|---|---|");
    Step previous = null;
    for (Step step : steps) {
      double reconciles = step.metrics().getOrDefault(RECONCILES, 0.0);
      double before = previous == null ? 0 : previous.metrics().getOrDefault(RECONCILES, 0.0);
      int added = step.count() - (previous == null ? 0 : previous.count());
      out.add(
          String.format(
              "| %,d | %.1f s | %.1f s | %,d | %,d | %.1f | %,d | %.1f MB | %d / %d MB | %s |",
              step.count(),
              step.createdSeconds(),
              step.readySeconds(),
              step.ready(),
              (long) reconciles,
              (reconciles - before) / added,
              step.metrics().getOrDefault(RECONCILE_ERRORS, 0.0).longValue(),
              step.liveHeapBytes() / 1e6,
              step.rssKb() / 1024,
              step.peakRssKb() / 1024,
              step.load()));
      previous = step;
    }
    for (int i = 1; i < steps.size(); i++) {
      Step a = steps.get(i - 1);
      Step b = steps.get(i);
      int added = b.count() - a.count();
      double heapSlope = (b.liveHeapBytes() - a.liveHeapBytes()) / (double) added;
      double rssSlope = (b.rssKb() - a.rssKb()) * 1024.0 / added;
      out.add(
          String.format(
              "Per ModelDeployment from %,d to %,d: live heap %,.0f bytes, RSS %,.0f bytes;"
                  + " at that slope 10,000 would take %.0f MB of live heap and %.0f MB RSS",
              a.count(),
              b.count(),
              heapSlope,
              rssSlope,
              (b.liveHeapBytes() + heapSlope * (10_000 - b.count())) / 1e6,
              (b.rssKb() * 1024.0 + rssSlope * (10_000 - b.count())) / (1024 * 1024)));
    }
    if (stopped != null) {
      out.add(stopped);
    }
    if (steps.isEmpty()) {
      out.forEach(System.out::println);
      Files.write(REPORT, out);
      return;
    }
    Step first = steps.get(0);
    Step last = steps.get(steps.size() - 1);
    if (last != first) {
      int added = last.count() - first.count();
      out.add(
          String.format(
              "Classes that grew most from %,d to %,d, bytes per ModelDeployment:",
              first.count(), last.count()));
      last.classBytes().entrySet().stream()
          .map(
              e ->
                  Map.entry(
                      e.getKey(), e.getValue() - first.classBytes().getOrDefault(e.getKey(), 0L)))
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .limit(20)
          .forEach(e -> out.add(String.format("  %,8d  %s", e.getValue() / added, e.getKey())));
    }
    out.add(
        "Why reconciles were asked for (events; several for one object while it is reconciled"
            + " make one reconcile), and children's events by kind (part of child-or-schedule):");
    last.metrics().entrySet().stream()
        .filter(e -> e.getKey().startsWith(TRIGGERS + "{") || e.getKey().startsWith(CHILDREN + "{"))
        .forEach(e -> out.add(String.format("  %s %,d", e.getKey(), e.getValue().longValue())));
    if (deployments >= 0) {
      out.add("Deployments: " + deployments + ", Services: " + services);
    }
    out.add(
        "Heap histograms: target/operator-benchmark-histogram-<count>.txt; metrics:"
            + " target/operator-benchmark-metrics.txt");
    if (busy) {
      out.add("NOT VALID (see above).");
    }
    out.forEach(System.out::println);
    Files.write(REPORT, out);
  }

  private static final String RECONCILES = "modelkeeper_operator_reconciles_total";
  private static final String RECONCILE_ERRORS =
      "modelkeeper_operator_reconciles_total{outcome=\"error\",}";
  private static final String TRIGGERS = "modelkeeper_operator_reconcile_triggers_total";
  private static final String CHILDREN = "modelkeeper_operator_child_events_total";

  /**
   * Every sample of the operator's own series, by its line's name and labels, and the sum of each
   * name's samples under the bare name.
   */
  private static Map<String, Double> metrics(String body) {
    Map<String, Double> samples = new TreeMap<>();
    body.lines()
        .filter(l -> l.startsWith("modelkeeper_operator_"))
        .forEach(
            l -> {
              String key = l.substring(0, l.lastIndexOf(' '));
              double value = Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
              samples.merge(key, value, Double::sum);
              int brace = key.indexOf('{');
              if (brace > 0) {
                samples.merge(key.substring(0, brace), value, Double::sum);
              }
            });
    return samples;
  }

  /** The "Total" line of a class histogram: live bytes after the full GC it starts with. */
  private static long histogramTotal(String histogram) {
    return histogram
        .lines()
        .filter(l -> l.startsWith("Total"))
        .map(l -> Long.parseLong(l.trim().split("\\s+")[2]))
        .findFirst()
        .orElse(-1L);
  }

  /** Bytes of each class in a class histogram. */
  private static Map<String, Long> histogramBytes(String histogram) {
    Map<String, Long> bytes = new HashMap<>();
    histogram
        .lines()
        .map(String::trim)
        .filter(l -> l.matches("\\d+:.*"))
        .map(l -> l.split("\\s+"))
        .filter(f -> f.length >= 4)
        .forEach(f -> bytes.merge(f[3], Long.parseLong(f[2]), Long::sum));
    return bytes;
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Process jcmd =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(pid),
                command)
            .redirectErrorStream(true)
            .start();
    String out = new String(jcmd.getInputStream().readAllBytes());
    jcmd.waitFor(120, TimeUnit.SECONDS);
    return out;
  }

  private static ResourceEventHandler<ModelDeployment> countReady(Set<String> ready) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(ModelDeployment md) {
        see(md);
      }

      @Override
      public void onUpdate(ModelDeployment before, ModelDeployment after) {
        see(after);
      }

      @Override
      public void onDelete(ModelDeployment md, boolean unknownState) {
        ready.remove(md.getMetadata().getName());
      }

      private void see(ModelDeployment md) {
        var condition = StatusAggregator.find(md.getStatus(), Conditions.READY);
        if (condition != null && "True".equals(condition.getStatus())) {
          ready.add(md.getMetadata().getName());
        }
      }
    };
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

  private static Process startOperator(int apiPort, int httpPort) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(
                "java", "-Xmx" + HEAP, "-XX:+ExitOnOutOfMemoryError", "-jar", JAR.toString())
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

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  /** The status line {@code field} of a process in kB, such as VmRSS. */
  private static long status(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return -1;
  }

  /** The 1-, 5- and 15-minute load averages. */
  private static String loadAverage() throws IOException {
    String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return fields[0] + " " + fields[1] + " " + fields[2];
  }
}

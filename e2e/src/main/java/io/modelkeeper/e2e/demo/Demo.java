package io.modelkeeper.e2e.demo;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.modelkeeper.e2e.cluster.Kubectl;
import io.modelkeeper.e2e.cluster.LocalCluster;
import io.modelkeeper.e2e.traffic.BackgroundTraffic;
import io.modelkeeper.e2e.traffic.LabelledTraffic;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The one-command demo: starts the local cluster, applies the fraud example, sends inference and
 * labelled feedback, shows a version whose model cannot be fetched while the serving one goes on,
 * rolls back, promotes a canary and rolls back a failing one under traffic, deletes, and stops
 * everything, printing a timeline of what happens.
 */
public final class Demo {

  private static final String MODEL = "fraud";
  private static final Duration PATIENCE = Duration.ofMinutes(5);

  private final LocalCluster.Layout layout;
  private final Timeline timeline;
  private final PrintStream out;
  private LocalCluster cluster;
  private ClusterWatch watch;
  private Kubectl kubectl;

  public Demo(LocalCluster.Layout layout, PrintStream out) {
    this.layout = layout;
    this.out = out;
    this.timeline = new Timeline(out);
  }

  /** Runs the demo; 0 when every step did what it should. Ctrl-C stops everything too. */
  public int run() {
    Thread stopOnInterrupt = new Thread(this::stop, "demo-shutdown");
    Runtime.getRuntime().addShutdownHook(stopOnInterrupt);
    try {
      steps();
      return 0;
    } catch (DemoFailure | IllegalStateException e) {
      timeline.clearProgress();
      out.println();
      out.println("demo failed: " + e.getMessage());
      out.println(
          "logs: operator "
              + layout.operatorLog()
              + ", pods under "
              + layout.stateDir().resolve("pods"));
      return 1;
    } finally {
      stop();
      Runtime.getRuntime().removeShutdownHook(stopOnInterrupt);
    }
  }

  private void steps() {
    timeline.step("starting the local cluster (API server, model repository, node, operator)");
    cluster = LocalCluster.start(layout, true, timeline::event);
    kubectl = cluster.kubectl();
    watch = new ClusterWatch(cluster.client(), timeline).start();

    timeline.step(
        "kubectl apply -f e2e/examples/fraud.yaml  (the manifests/examples/cpu-model.yaml fraud model,"
            + " fetched from the local model repository)");
    timeline.detail(
        kubectl
            .runWithInput(cluster.example("fraud.yaml"), "apply", "--validate=false", "-f", "-")
            .orThrow()
            .strip());
    awaitReady(2);
    List<String> pods = readyPodAddresses("1");

    timeline.step(
        "traffic: 400 inference requests spread over the "
            + pods.size()
            + " pods, as the Service would");
    TrafficRun traffic = new TrafficRun(42);
    report(traffic.send(MODEL, pods, 400, "demo"));
    timeline.step(
        "labelled feedback: the true label of every request, to the pod that answered it");
    traffic.sendFeedback(MODEL).forEach(timeline::detail);
    traffic.quality(MODEL, pods).forEach(timeline::detail);

    timeline.step("kubectl get md,deploy,pods -o wide");
    kubectl.run("get", "md,deploy,pods", "-o", "wide").orThrow().lines().forEach(timeline::detail);

    timeline.step(
        "new version 2 whose model URL does not exist: kubectl patch md fraud --type=merge ...");
    String missing = cluster.repository().url() + "/fraud/2/model.onnx";
    kubectl
        .run(
            "patch",
            "md",
            MODEL,
            "--type=merge",
            "-p",
            "{\"spec\":{\"model\":{\"version\":\"2\",\"uri\":\""
                + missing
                + "\",\"sha256\":null}}}")
        .orThrow();
    waitFor(
        "the operator to report the failed fetch", () -> conditionWithReason("ModelFetchFailed"));
    timeline.step("version 1 keeps serving while version 2 cannot start");
    report(traffic.send(MODEL, readyPodAddresses("1"), 100, "during-v2"));

    timeline.step("roll back: kubectl apply -f e2e/examples/fraud.yaml (version 1 again)");
    timeline.detail(
        kubectl
            .runWithInput(cluster.example("fraud.yaml"), "apply", "--validate=false", "-f", "-")
            .orThrow()
            .strip());
    waitFor("version 2's Deployment to go", () -> hasDeployment("2") ? null : "gone");
    awaitReady(2);

    canaries();
    retraining();

    timeline.step(
        "kubectl delete md,modelretraining fraud; kubectl delete pvc fraud-data fraud-models");
    kubectl.run("delete", "md,modelretraining", MODEL).orThrow().lines().forEach(timeline::detail);
    kubectl
        .run("delete", "pvc", "fraud-data", "fraud-models")
        .orThrow()
        .lines()
        .forEach(timeline::detail);
    waitFor(
        "its pods, the runs' Jobs and pods, and their processes to stop",
        () ->
            cluster.client().pods().list().getItems().isEmpty()
                    && cluster.node().runningPods().isEmpty()
                    && !cluster.node().stoppingPods()
                ? "none left"
                : null);

    timeline.step("stopping the local cluster");
    stop();
    timeline.event(
        "done in "
            + String.format("%.0f", timeline.seconds())
            + " s; processes left running: "
            + leftoverProcesses());
  }

  /**
   * Two canaries under steady traffic to every ready pod: the same model as a new version is
   * promoted step by step; a model that rejects the clients' 8-column rows is rolled back.
   */
  private void canaries() {
    timeline.step(
        "short canary steps for the demo: 20% then 50%, 8 s each, checked every 3 s on 15+ requests"
            + " (error-rate gates only: the demo's traffic brings no labels)"
            + ": kubectl patch md fraud --type=merge -p '{\"spec\":{\"rollout\":...}}'");
    kubectl
        .run(
            "patch",
            "md",
            MODEL,
            "--type=merge",
            "-p",
            "{\"spec\":{\"rollout\":{\"steps\":["
                + "{\"weight\":20,\"duration\":\"8s\"},{\"weight\":50,\"duration\":\"8s\"}],"
                + "\"analysis\":{\"interval\":\"3s\",\"minRequests\":15,\"maxLatencyRatio\":null,\"maxAccuracyDrop\":null}}}}")
        .orThrow();
    BackgroundTraffic traffic =
        BackgroundTraffic.start(
            cluster.client(), pod -> "http://" + pod.getStatus().getPodIP() + ":8080", MODEL);
    try {
      timeline.step(
          "version 3: the same model under a new version, while traffic goes to every ready pod");
      BackgroundTraffic.Totals beforePromotion = traffic.totals();
      newVersion("3", "logistic-regression");
      awaitOutcome("3", "Promoted");
      waitFor("version 1's Deployment to go", () -> hasDeployment("1") ? null : "gone");
      BackgroundTraffic.Totals promotion = traffic.totals().since(beforePromotion);
      timeline.detail(
          "failed client requests across the promotion of version 3: "
              + promotion.failed()
              + " (of "
              + (promotion.ok() + promotion.failed())
              + ")");
      if (promotion.failed() > 0) {
        throw new DemoFailure(
            promotion.failed()
                + " client requests failed across the promotion of version 3: "
                + traffic);
      }

      timeline.step("version 4: the mlp model, which takes 16 columns where the clients send 8");
      long stableOkBefore = traffic.of("3").ok();
      long stableFailedBefore = traffic.of("3").failed();
      newVersion("4", "mlp");
      awaitOutcome("4", "RolledBack");
      waitFor("version 4's Deployment to go", () -> hasDeployment("4") ? null : "gone");
      long stableFailed = traffic.of("3").failed() - stableFailedBefore;
      timeline.detail(
          "failed client requests to the serving version 3 across the rollback of version 4: "
              + stableFailed
              + " (of "
              + (traffic.of("3").ok() - stableOkBefore + stableFailed)
              + "); version 4 itself failed "
              + traffic.of("4").failed()
              + ", the reason it was rolled back");
      if (stableFailed > 0) {
        throw new DemoFailure(
            "the serving version 3 failed "
                + stableFailed
                + " requests while version 4 was tried and rolled back");
      }
    } finally {
      traffic.close();
    }
    traffic
        .all()
        .forEach((version, tally) -> timeline.detail("version " + version + " answered: " + tally));
  }

  /**
   * The continuous-training loop under labelled traffic through the Service: a ModelRetraining
   * retrains on AccuracyBelowSlo; the labels flip; the ModelDeployment turns Degraded, a run trains
   * incrementally on the captured rows, is blessed, canaried and promoted as version 3-r<N>, and
   * accuracy comes back. Nobody writes a spec; no client request may fail.
   */
  private void retraining() {
    timeline.step(
        "spec.model back to version 3, the version that serves (as a Git revert of version 4"
            + " would): kubectl patch md fraud --type=merge ...");
    newVersion("3", "logistic-regression");
    waitFor(
        "the ModelDeployment to settle on version 3",
        () -> {
          GenericKubernetesResource md = modelDeployment();
          String text = md == null ? "" : ClusterWatch.describe(md);
          return text.contains("serving version 3 ")
                  && text.contains("Ready=True")
                  && !text.contains("canary")
              ? "settled"
              : null;
        });

    timeline.step(
        "continuous training: kubectl apply -f e2e/examples/fraud-retraining.yaml (claims fraud-data"
            + " and fraud-models, a ModelRetraining that retrains on AccuracyBelowSlo, incrementally,"
            + " with the reference trainer), quality objectives the demo can see in seconds, and"
            + " every request explained for live importance (monitoring.explanations.liveRate 1)");
    kubectl
        .runWithInput(
            cluster.example("fraud-retraining.yaml"), "apply", "--validate=false", "-f", "-")
        .orThrow()
        .lines()
        .forEach(timeline::detail);
    String patch =
        "{\"spec\":{\"monitoring\":{\"window\":200,\"interval\":\"2s\","
            + "\"explanations\":{\"liveRate\":1},"
            + "\"slo\":{\"for\":\"6s\",\"minAccuracy\":0.8,\"maxLatencyP99\":null}},"
            + "\"rollout\":{\"steps\":[{\"weight\":50,\"duration\":\"10s\"}],"
            + "\"analysis\":{\"interval\":\"2s\",\"minRequests\":20,\"minLabelled\":50,"
            + "\"maxAccuracyDrop\":0.05}}}}";
    timeline.detail("kubectl patch md fraud --type=merge -p '" + patch + "'");
    kubectl.run("patch", "md", MODEL, "--type=merge", "-p", patch).orThrow();
    waitFor(
        "the model-server pods to capture labelled rows onto the claim (their pods are replaced"
            + " once)",
        () -> capturingPods() >= 2 ? "capturing" : null);

    timeline.step(
        "labelled traffic through the Service fraud, each request on its own connection: inference,"
            + " then the true label of each row (the world's rule, one label in twenty wrong)");
    String service = serviceAddress();
    long generation = generation();
    LabelledTraffic traffic =
        LabelledTraffic.start(service, MODEL, 8, 10, TrafficRun::trueClasses, 7);
    try {
      waitFor(
          "the accuracy in kubectl get md to reach 0.85",
          () -> accuracy() >= 0.85 ? "healthy" : null);
      timeline.detail(String.format("accuracy of the serving version 3: %.3f", accuracy()));
      inputDrift(traffic);

      timeline.step(
          "the world changes: from now on every label says the opposite of what the inputs used to"
              + " mean");
      traffic.changeTheWorld();
      waitFor(
          "the ModelDeployment to turn Degraded (AccuracyBelowSlo) after slo.for",
          () -> conditionWithReason("AccuracyBelowSlo"));
      timeline.detail(String.format("accuracy of the serving version 3: %.3f", accuracy()));

      timeline.step(
          "the operator retrains by itself: a run trains on the captured rows, the evaluator blesses"
              + " the candidate, which goes through the canary");
      String[] promoted = new String[1];
      waitFor(
          "a retrained version to be promoted",
          () -> {
            String stable = stableVersion();
            if (stable != null && stable.startsWith("3-r")) {
              promoted[0] = stable;
            }
            return promoted[0];
          });
      kubectl
          .run("get", "retrainingruns")
          .orThrow()
          .lines()
          .forEach(line -> timeline.detail("kubectl get retrainingruns | " + line));
      if (generation() != generation) {
        throw new DemoFailure("the ModelDeployment's spec changed during the retraining loop");
      }
      timeline.detail(
          "metadata.generation of md/fraud before and after: "
              + generation
              + " (no spec was written)");
      waitFor(
          "accuracy on new traffic to come back above the objective",
          () ->
              accuracy() >= 0.8 && conditionWithReason("AccuracyBelowSlo") == null ? "back" : null);
      timeline.detail(
          String.format("accuracy of the retrained version %s: %.3f", promoted[0], accuracy()));
      kubectl
          .run("get", "md", MODEL)
          .orThrow()
          .lines()
          .forEach(line -> timeline.detail("kubectl get md | " + line));
    } finally {
      traffic.close();
    }
    timeline.detail(
        "failed client requests across the retraining loop (inference and feedback, through the"
            + " Service): "
            + traffic.failed()
            + " (of "
            + traffic.sent()
            + ")");
    if (traffic.failed() > 0) {
      throw new DemoFailure(
          traffic.failed()
              + " client requests failed across the retraining loop; the last: "
              + traffic.lastFailure());
    }
  }

  private long capturingPods() {
    return cluster
        .client()
        .pods()
        .withLabel("modelkeeper.io/deployment", MODEL)
        .list()
        .getItems()
        .stream()
        .filter(Demo::ready)
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(
            p ->
                p.getSpec().getContainers().stream()
                    .flatMap(c -> c.getEnv() == null ? Stream.empty() : c.getEnv().stream())
                    .anyMatch(e -> "MODELKEEPER_CAPTURE_DIR".equals(e.getName())))
        .count();
  }

  /** The address the node gives the model's Service (its stand-in for a cluster IP). */
  private String serviceAddress() {
    String[] address = new String[1];
    waitFor(
        "the Service fraud to get its address",
        () -> {
          var service = cluster.client().services().withName(MODEL).get();
          address[0] =
              service == null || service.getMetadata().getAnnotations() == null
                  ? null
                  : service.getMetadata().getAnnotations().get("local.modelkeeper.io/address");
          return address[0];
        });
    return "http://" + address[0].split(",")[0];
  }

  private GenericKubernetesResource modelDeployment() {
    return cluster
        .client()
        .genericKubernetesResources(ClusterWatch.MODEL_DEPLOYMENTS)
        .withName(MODEL)
        .get();
  }

  private long generation() {
    return modelDeployment().getMetadata().getGeneration();
  }

  private String stableVersion() {
    GenericKubernetesResource md = modelDeployment();
    return md != null
            && md.getAdditionalProperties().get("status") instanceof java.util.Map<?, ?> status
            && status.get("stable") instanceof java.util.Map<?, ?> stable
            && stable.get("version") != null
        ? stable.get("version").toString()
        : null;
  }

  /**
   * Live importance before and after input drift: the features that drive the serving version, then
   * one feature's values move by four standard deviations (what they mean does not), and the demo
   * shows which features moved in importance. The inputs go back before the next step.
   */
  private void inputDrift(LabelledTraffic traffic) {
    // Without a shipped reference each pod takes its first rows as the reference; drifting before
    // that would make the drifted rows the reference.
    waitFor(
        "the pods to take their drift reference from their first 1,000 rows (status.metrics.drift"
            + " appears)",
        () -> Double.isNaN(drift()) ? null : "taken");
    timeline.step(
        "live importance: the features that drive version 3's predictions on this traffic"
            + " (kubectl get md fraud -o jsonpath='{.status.metrics.topFeatures}')");
    Map<String, Double> before = new LinkedHashMap<>();
    waitFor(
        "the top features in status.metrics",
        () -> {
          before.putAll(topFeatures());
          return before.isEmpty() ? null : "listed";
        });
    before.forEach(
        (feature, importance) -> timeline.detail(String.format("%-12s %.4f", feature, importance)));

    timeline.step(
        "the inputs drift: feature 4 of the clients' rows moves by 4 standard deviations (the"
            + " labels still follow the same rule)");
    double driftBefore = drift();
    double driftAbove = Double.isNaN(driftBefore) ? 0.2 : Math.max(0.2, driftBefore);
    String leaderBefore = before.keySet().iterator().next();
    traffic.shiftInput(4, 4.0);
    Map<String, Double> after = new LinkedHashMap<>();
    waitFor(
        "the drift score to rise and another feature to lead the importance",
        () -> {
          after.clear();
          after.putAll(topFeatures());
          String leader = after.isEmpty() ? null : after.keySet().iterator().next();
          return drift() > driftAbove && leader != null && !leader.equals(leaderBefore)
              ? leader
              : null;
        });
    timeline.detail(String.format("drift score %.3f (was %.3f)", drift(), driftBefore));
    timeline.detail("features that moved in importance (before -> after):");
    Set<String> features = new LinkedHashSet<>(after.keySet());
    features.addAll(before.keySet());
    features.stream()
        .sorted(
            Comparator.comparingDouble(
                (String f) -> -Math.abs(after.getOrDefault(f, 0.0) - before.getOrDefault(f, 0.0))))
        .forEach(
            feature ->
                timeline.detail(
                    String.format(
                        "%-12s %s -> %s",
                        feature, figure(before.get(feature)), figure(after.get(feature)))));
    traffic.shiftInput(4, 0.0);
  }

  private static String figure(Double value) {
    return value == null ? "(not in the top five)" : String.format("%.4f", value);
  }

  /** The serving version's top features in status, most important first; empty while none. */
  private Map<String, Double> topFeatures() {
    GenericKubernetesResource md = modelDeployment();
    Map<String, Double> top = new LinkedHashMap<>();
    if (md != null
        && md.getAdditionalProperties().get("status") instanceof java.util.Map<?, ?> status
        && status.get("metrics") instanceof java.util.Map<?, ?> metrics
        && metrics.get("topFeatures") instanceof List<?> listed) {
      for (Object item : listed) {
        if (item instanceof java.util.Map<?, ?> entry
            && entry.get("importance") instanceof Number importance) {
          top.put(String.valueOf(entry.get("feature")), importance.doubleValue());
        }
      }
    }
    return top;
  }

  /** The ModelDeployment's overall drift score, NaN while it has none. */
  private double drift() {
    GenericKubernetesResource md = modelDeployment();
    return md != null
            && md.getAdditionalProperties().get("status") instanceof java.util.Map<?, ?> status
            && status.get("metrics") instanceof java.util.Map<?, ?> metrics
            && metrics.get("drift") instanceof Number drift
        ? drift.doubleValue()
        : Double.NaN;
  }

  /** The ModelDeployment's accuracy figure, NaN while it has none. */
  private double accuracy() {
    GenericKubernetesResource md = modelDeployment();
    return md != null
            && md.getAdditionalProperties().get("status") instanceof java.util.Map<?, ?> status
            && status.get("metrics") instanceof java.util.Map<?, ?> metrics
            && metrics.get("accuracy") instanceof Number accuracy
        ? accuracy.doubleValue()
        : Double.NaN;
  }

  private void newVersion(String version, String model) {
    String uri = cluster.repository().url() + "/" + model + "/model.onnx";
    timeline.detail(
        "kubectl patch md fraud --type=merge -p '{\"spec\":{\"model\":{\"version\":\""
            + version
            + "\",\"uri\":\""
            + uri
            + "\",\"sha256\":null}}}'");
    kubectl
        .run(
            "patch",
            "md",
            MODEL,
            "--type=merge",
            "-p",
            "{\"spec\":{\"model\":{\"version\":\""
                + version
                + "\",\"uri\":\""
                + uri
                + "\",\"sha256\":null}}}")
        .orThrow();
  }

  /**
   * Waits for the history entry of {@code version} and fails the demo unless it is {@code
   * expected}.
   */
  @SuppressWarnings("unchecked")
  private void awaitOutcome(String version, String expected) {
    String[] result = new String[1];
    waitFor(
        "the canary of version " + version + " to be judged",
        () -> {
          GenericKubernetesResource md =
              cluster
                  .client()
                  .genericKubernetesResources(ClusterWatch.MODEL_DEPLOYMENTS)
                  .withName(MODEL)
                  .get();
          if (md != null
              && md.getAdditionalProperties().get("status") instanceof java.util.Map<?, ?> status
              && status.get("history") instanceof List<?> history) {
            for (Object entry : history) {
              java.util.Map<String, Object> item = (java.util.Map<String, Object>) entry;
              if (version.equals(item.get("version"))) {
                result[0] = item.get("result") + ": " + item.get("reason");
              }
            }
          }
          return result[0];
        });
    timeline.detail("status.history: version " + version + " " + result[0]);
    if (!result[0].startsWith(expected + ":")) {
      throw new DemoFailure(
          "version " + version + " was expected to end " + expected + ", not " + result[0]);
    }
  }

  private void report(TrafficRun.Outcome outcome) {
    timeline.detail(
        outcome.ok()
            + "/"
            + outcome.sent()
            + " answered, p50 "
            + String.format("%.1f", outcome.p50Millis())
            + " ms, p99 "
            + String.format("%.1f", outcome.p99Millis())
            + " ms, per pod "
            + outcome.perPod());
    timeline.detail(
        String.format("accuracy of the answers against the true labels: %.3f", outcome.accuracy()));
    outcome.failures().forEach(f -> timeline.detail("failed: " + f));
    if (outcome.ok() != outcome.sent()) {
      throw new DemoFailure(outcome.sent() - outcome.ok() + " inference requests failed");
    }
  }

  private void awaitReady(int replicas) {
    waitFor(
        MODEL + " to be Ready with " + replicas + " pods",
        () -> {
          GenericKubernetesResource md =
              cluster
                  .client()
                  .genericKubernetesResources(ClusterWatch.MODEL_DEPLOYMENTS)
                  .withName(MODEL)
                  .get();
          boolean ready = md != null && ClusterWatch.describe(md).contains("Ready=True");
          return ready && readyPodAddresses(null).size() >= replicas ? "ready" : null;
        });
  }

  private String conditionWithReason(String reason) {
    GenericKubernetesResource md =
        cluster
            .client()
            .genericKubernetesResources(ClusterWatch.MODEL_DEPLOYMENTS)
            .withName(MODEL)
            .get();
    return md != null && ClusterWatch.describe(md).contains("(" + reason + ")") ? reason : null;
  }

  /** True while a Deployment of the model version exists (named <md>-<version>-<revision>). */
  private boolean hasDeployment(String version) {
    return !cluster
        .client()
        .apps()
        .deployments()
        .withLabel("modelkeeper.io/deployment", MODEL)
        .withLabel("modelkeeper.io/version", version)
        .list()
        .getItems()
        .isEmpty();
  }

  private List<String> readyPodAddresses(String version) {
    return cluster
        .client()
        .pods()
        .withLabel("modelkeeper.io/deployment", MODEL)
        .list()
        .getItems()
        .stream()
        .filter(
            p ->
                version == null
                    || version.equals(p.getMetadata().getLabels().get("modelkeeper.io/version")))
        .filter(Demo::ready)
        .map(p -> p.getStatus().getPodIP())
        .sorted()
        .toList();
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /**
   * Polls {@code check} (non-null means done) with a progress line; fails after the patience runs
   * out.
   */
  private void waitFor(String what, Supplier<String> check) {
    Instant begin = Instant.now();
    while (Duration.between(begin, Instant.now()).compareTo(PATIENCE) < 0) {
      if (check.get() != null) {
        timeline.clearProgress();
        return;
      }
      long pods = cluster.client().pods().list().getItems().stream().filter(Demo::ready).count();
      timeline.progress(
          "waiting for "
              + what
              + " ("
              + Duration.between(begin, Instant.now()).toSeconds()
              + " s, "
              + pods
              + " pods ready)");
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DemoFailure("interrupted while waiting for " + what);
      }
    }
    throw new DemoFailure("gave up after " + PATIENCE.toMinutes() + " min waiting for " + what);
  }

  private synchronized void stop() {
    if (watch != null) {
      watch.close();
      watch = null;
    }
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }

  /** Processes whose pid files are still there, and alive, after the stop. */
  private String leftoverProcesses() {
    try (Stream<java.nio.file.Path> files =
        Files.exists(layout.pidDir()) ? Files.list(layout.pidDir()) : Stream.empty()) {
      long alive =
          files
              .map(
                  f -> {
                    try {
                      return Long.parseLong(Files.readString(f).strip());
                    } catch (IOException | NumberFormatException e) {
                      return -1L;
                    }
                  })
              .filter(
                  pid -> pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
              .count();
      return alive == 0 ? "none" : alive + " (see " + layout.pidDir() + ")";
    } catch (IOException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  /** A demo step that did not happen as it should. */
  private static final class DemoFailure extends RuntimeException {
    DemoFailure(String message) {
      super(message);
    }
  }
}

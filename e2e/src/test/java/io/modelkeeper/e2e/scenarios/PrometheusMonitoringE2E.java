package io.modelkeeper.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.modelkeeper.e2e.cluster.Kubectl;
import io.modelkeeper.e2e.cluster.LocalPrometheus;
import io.modelkeeper.e2e.metrics.AlertThreshold;
import io.modelkeeper.e2e.metrics.PrometheusApi;
import io.modelkeeper.e2e.metrics.SeriesAgreement;
import io.modelkeeper.e2e.traffic.BackgroundTraffic;
import io.modelkeeper.e2e.traffic.InferenceClient;
import io.modelkeeper.e2e.traffic.LabelledTraffic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code monitoring.provider: prometheus} on a real Prometheus: the local cluster's Prometheus
 * scrapes the model-server pods and the operator as the chart's PodMonitor and ServiceMonitor
 * would, and the operator reads every figure by PromQL from it. A version that serves as well is
 * promoted and one whose model rejects the clients is rolled back, as with pod scraping; with
 * traffic, labels and a canary, every query of the Grafana dashboard and what every alert of the
 * chart measures returns data, and the series agree with the pods' and the operator's own /metrics;
 * the serving figures and Degraded in the status come from Prometheus.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrometheusMonitoringE2E {

  private static final String MD = "scoring";
  private static final Duration PATIENCE = Duration.ofMinutes(2);
  private static final int FEATURES = 8;
  private static final int WINDOW = 200;
  private static final String POD_JOB = "modelkeeper-system/modelkeeper-model-servers";
  private static final String OPERATOR_JOB = "modelkeeper-metrics";

  /** What the dashboard's template variables stand for here: this model, all its versions. */
  private static final Map<String, String> DASHBOARD_VARIABLES =
      Map.of("$model", MD, "$version", ".*", "$__rate_interval", "30s");

  /** Labels Prometheus puts on every series of a model-server pod: the PodMonitor's. */
  private static final Set<String> POD_TARGET_LABELS =
      Set.of("namespace", "pod", "container", "endpoint", "job", "instance");

  private static final ObjectMapper JSON = new ObjectMapper();

  static ClusterUnderTest cluster;
  static LocalClusterUnderTest local;
  static Kubectl kubectl;
  static ModelDeploymentView md;
  static PrometheusApi prometheus;
  static ReferenceModel reference;
  static BackgroundTraffic traffic;
  static LabelledTraffic labelled;
  static final InferenceClient http = new InferenceClient();

  @RegisterExtension
  static final ScenarioCluster scenario =
      ScenarioCluster.local("e2e-prometheus-state")
          .withPrometheus()
          .describeOnFailure(() -> "traffic: " + traffic)
          .describeOnFailure(
              () ->
                  "labelled traffic: "
                      + (labelled == null
                          ? "none"
                          : labelled.sent() + " sent, last failure " + labelled.lastFailure()))
          .describeOnFailure(
              () ->
                  "prometheus targets: "
                      + prometheus.query("up").series().stream()
                          .map(s -> s.labels().get("pod") + "=" + s.value())
                          .toList());

  @BeforeAll
  static void startClusterAndServeVersionOne() throws Exception {
    cluster = scenario.cluster();
    local = scenario.local();
    kubectl = cluster.kubectl();
    ExamplesE2E.project = scenario.project();
    prometheus = new PrometheusApi(local.cluster().prometheus().url());
    reference =
        ReferenceModel.load(
            cluster.modelsDir().resolve("logistic-regression").resolve("model.onnx"));
    md = new ModelDeploymentView(cluster, MD, PATIENCE);
    kubectl.runWithInput(manifest(), "apply", "--validate=false", "-f", "-").orThrow();
    assertThat(kubectl.run("wait", "--for=condition=Ready", "md/" + MD, "--timeout=180s").orThrow())
        .contains("condition met");
    startTraffic(1);
    await()
        .atMost(PATIENCE)
        .untilAsserted(() -> assertThat(traffic.of("1").ok()).isGreaterThan(20));
  }

  @AfterAll
  static void stopTraffic() throws Exception {
    stopTrafficNow();
    if (reference != null) {
      reference.close();
    }
  }

  /**
   * Two stable pods; figures from the operator's Prometheus; two short steps judged every 3 s on at
   * least 15 requests per version; accuracy over a window of 200 labelled rows per pod.
   */
  private static String manifest() {
    return """
        apiVersion: modelkeeper.io/v1alpha1
        kind: ModelDeployment
        metadata:
          name: %s
        spec:
          model:
            version: "1"
            uri: %s/logistic-regression/model.onnx
          serving:
            replicas: 2
            gpus: 0
            executionProvider: cpu
          monitoring:
            provider: prometheus
            task: binary-classification
            window: %d
            interval: 3s
            slo:
              for: 4s
              minAccuracy: 0.8
          rollout:
            steps:
              - weight: 20
                duration: 8s
              - weight: 50
                duration: 8s
            analysis:
              interval: 3s
              minRequests: 15
              failureLimit: 2
              maxErrorRate: 0.05
        """
        .formatted(MD, cluster.modelBaseUrl(), WINDOW);
  }

  @Test
  @Order(1)
  void aVersionThatServesAsWellIsPromotedOnFiguresFromPrometheus() {
    BackgroundTraffic.Totals before = traffic.totals();
    AtomicLong judged = new AtomicLong();
    md.newVersion("2", "logistic-regression");

    JsonNode status =
        md.awaitStatus(
            s -> {
              JsonNode canary = s.path("canary");
              if ("2".equals(canary.path("version").asText())) {
                judged.accumulateAndGet(
                    canary.path("analysis").path("canary").path("requests").asLong(), Math::max);
              }
              return ModelDeploymentView.hasHistory(s, "2");
            });

    assertThat(ModelDeploymentView.lastHistory(status).path("result").asText())
        .isEqualTo("Promoted");
    assertThat(judged.get()).as("requests of version 2 the analysis counted").isPositive();
    assertThat(operatorQueries("2"))
        .as("the operator's PromQL about version 2 in Prometheus' query log")
        .isNotEmpty();
    md.awaitStatus(
        s ->
            "2".equals(s.path("stable").path("version").asText())
                && s.path("canary").isMissingNode());
    await()
        .atMost(PATIENCE)
        .pollInterval(ModelDeploymentView.POLL)
        .untilAsserted(() -> assertThat(md.deploymentVersions()).containsExactly("2"));
    BackgroundTraffic.Totals during = traffic.totals().since(before);
    assertThat(during.failed()).as("client requests failed during the promotion").isZero();
  }

  @Test
  @Order(2)
  void aVersionWhoseModelRejectsTheClientsIsRolledBackOnFiguresFromPrometheus() {
    BackgroundTraffic.Tally stable = traffic.of("2");
    long stableOk = stable.ok();
    long stableFailed = stable.failed();
    // The mlp model takes 16 columns where the clients send 8: every request to it is a 400.
    md.newVersion("3", "mlp");

    JsonNode status = md.awaitStatus(s -> ModelDeploymentView.hasHistory(s, "3"));

    assertThat(ModelDeploymentView.lastHistory(status).path("result").asText())
        .isEqualTo("RolledBack");
    assertThat(status.path("rejected").path("version").asText()).isEqualTo("3");
    assertThat(operatorQueries("3"))
        .as("the operator's PromQL about version 3 in Prometheus' query log")
        .isNotEmpty();
    md.awaitStatus(
        s ->
            s.path("canary").isMissingNode()
                && "2".equals(s.path("stable").path("version").asText()));
    await()
        .atMost(PATIENCE)
        .pollInterval(ModelDeploymentView.POLL)
        .untilAsserted(() -> assertThat(md.deploymentVersions()).containsExactly("2"));
    // What the analysis saw is in Prometheus: version 3 answered errors only.
    String selector = "{namespace=\"default\",model=\"" + MD + "\",version=~\"3\"";
    assertThat(
            prometheus
                .query(
                    "sum(max_over_time(modelkeeper_requests_total"
                        + selector
                        + ",outcome!=\"success\"}[10m]))")
                .value())
        .isPositive();
    assertThat(
            prometheus
                .query(
                    "sum(max_over_time(modelkeeper_requests_total"
                        + selector
                        + ",outcome=\"success\"}[10m]))")
                .value())
        .satisfiesAnyOf(v -> assertThat(v).isNaN(), v -> assertThat(v).isZero());
    // Its pods are gone: Prometheus marked their series stale, an instant query no longer sees
    // them.
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(prometheus.query("modelkeeper_requests_total" + selector + "}").series())
                    .isEmpty());
    assertThat(stable.failed() - stableFailed).as("requests stable failed").isZero();
    assertThat(stable.ok()).as("stable kept serving").isGreaterThan(stableOk + 20);
  }

  @Test
  @Order(3)
  void everyDashboardQueryAndAlertMeasureReturnsDataThatAgreesWithThePodsAndTheOperator()
      throws Exception {
    // A canary held at its first step, so the canary panels have something to show.
    kubectl
        .run(
            "patch",
            "md",
            MD,
            "--type=merge",
            "-p",
            "{\"spec\":{\"model\":{\"version\":\"4\",\"uri\":\""
                + cluster.modelBaseUrl()
                + "/logistic-regression/model.onnx\"},"
                + "\"rollout\":{\"steps\":[{\"weight\":50,\"duration\":\"10m\"}]}}}")
        .orThrow();
    md.awaitStatus(
        s ->
            "4".equals(s.path("canary").path("version").asText())
                && s.path("canary").path("weight").asInt() > 0);
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> assertThat(scrapedPods()).containsExactlyInAnyOrderElementsOf(serverPods()));

    List<String> dashboard = ExamplesE2E.dashboardQueries();
    List<String> alerts = ExamplesE2E.alertExpressions();
    Map<String, String> withThresholds = new TreeMap<>();
    for (String expression : alerts) {
      AlertThreshold alert = AlertThreshold.of(expression);
      withThresholds.put(expression, alert.withThreshold(ruleValue(alert.threshold())));
    }
    Map<String, Integer> seriesPerQuery = new TreeMap<>();
    // Drift needs each pod's reference rows first, the canary's rates a few scrapes: wait for all.
    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofSeconds(2))
        .untilAsserted(
            () -> {
              List<String> empty = new ArrayList<>();
              for (String query : dashboard) {
                String promql = dashboardPromQl(query);
                PrometheusApi.Answer answer = prometheus.query(promql);
                assertThat(answer.error()).as("error of %s", promql).isNull();
                seriesPerQuery.put("dashboard: " + promql, answer.series().size());
                if (!answer.hasNumbers() && !retraining(query)) {
                  empty.add(promql);
                }
              }
              for (String expression : alerts) {
                AlertThreshold alert = AlertThreshold.of(expression);
                PrometheusApi.Answer full = prometheus.query(withThresholds.get(expression));
                assertThat(full.error()).as("error of %s", full.expression()).isNull();
                PrometheusApi.Answer measure = prometheus.query(alert.measure());
                assertThat(measure.error()).as("error of %s", alert.measure()).isNull();
                seriesPerQuery.put("alert measure: " + alert.measure(), measure.series().size());
                if (!measure.hasNumbers() && !retraining(expression)) {
                  empty.add(alert.measure());
                }
              }
              assertThat(empty).as("queries without data").isEmpty();
            });
    seriesPerQuery.forEach((query, n) -> System.out.printf("%3d series  %s%n", n, query));
    // The rollback of version 3 (minutes ago) is what the rollback alert fires on.
    String rolledBack =
        alerts.stream().filter(a -> a.contains("result=\"RolledBack\"")).findFirst().orElseThrow();
    assertThat(prometheus.query(AlertThreshold.of(rolledBack).withThreshold("0")).series())
        .as("ModelKeeperCanaryRolledBack firing for %s", MD)
        .anySatisfy(s -> assertThat(s.labels()).containsEntry("modeldeployment", MD));

    // Figures: with the traffic stopped and two scrapes later, every series of every pod and the
    // operator's series of the dashboard agree with what they say themselves.
    stopTrafficNow();
    Thread.sleep(2 * LocalPrometheus.SCRAPE_INTERVAL.toMillis() + 500);
    // A scrape that fails on this busy machine (1 s timeout) leaves a pod's series stale for a
    // moment: the comparison is tried again rather than failed at once.
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              double podsTotal = 0;
              for (Pod pod : serverPodObjects()) {
                podsTotal += agreesWithThePod(pod);
              }
              double scrapedTotal =
                  prometheus
                      .query(
                          "sum(modelkeeper_requests_total{namespace=\"default\",model=\""
                              + MD
                              + "\"})")
                      .value();
              System.out.printf(
                  "requests counted by the pods: %.0f; by Prometheus (last samples summed): %.0f%n",
                  podsTotal, scrapedTotal);
              assertThat(podsTotal).isPositive();
              assertThat(scrapedTotal).isEqualTo(podsTotal);
            });
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(PrometheusMonitoringE2E::operatorSeriesAgree);
  }

  @Test
  @Order(4)
  void servingFiguresAndDegradedInTheStatusComeFromPrometheus() {
    kubectl.run("annotate", "md", MD, "modelkeeper.io/abort=prometheus scenario done").orThrow();
    md.awaitStatus(
        s ->
            s.path("canary").isMissingNode()
                && "2".equals(s.path("stable").path("version").asText()));
    // Back to the serving version in the spec: while it names the rolled-back one, the operator
    // keeps status.metrics (and Degraded) as they were at the rollback.
    md.newVersion("2", "logistic-regression");
    Instant resumed = Instant.now();
    // Labelled traffic: the windows hold the last labelled predictions and stop growing when full.
    labelled = startLabelledTraffic(2);
    String stable = "{namespace=\"default\",model=\"" + MD + "\",version=~\"2\"}";
    // Once the windows are full, the status counts what Prometheus holds. (Each inference and its
    // feedback take a connection of their own, and the Service alternates connections between
    // the two pods: the predictions may all be made on one of them.)
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              JsonNode metrics = md.status().path("metrics");
              assertThat(Instant.parse(metrics.path("observedAt").asText()))
                  .as("figures read since the spec names the serving version again")
                  .isAfter(resumed);
              double windowInPrometheus =
                  prometheus
                      .query("sum(modelkeeper_quality_window_predictions" + stable + ")")
                      .value();
              assertThat(windowInPrometheus).isGreaterThanOrEqualTo(WINDOW);
              assertThat(metrics.path("labelled").asLong())
                  .isEqualTo(Math.round(windowInPrometheus));
              assertThat(metrics.path("requests").asLong()).isPositive();
              assertThat(metrics.path("accuracy").asDouble()).isGreaterThan(0.8);
              assertThat(condition("Degraded")).startsWith("False");
            });
    double accuracy = md.status().path("metrics").path("accuracy").asDouble();
    double pooled = pooledAccuracy(stable);
    System.out.printf("accuracy in the status %.4f, pooled in Prometheus %.4f%n", accuracy, pooled);
    // Labels keep arriving between the operator's reading and this one.
    assertThat(accuracy).isCloseTo(pooled, Offset.offset(0.1));

    labelled.changeTheWorld();
    await()
        .atMost(PATIENCE)
        .untilAsserted(() -> assertThat(condition("Degraded")).startsWith("True AccuracyBelowSlo"));
    assertThat(md.status().path("metrics").path("accuracy").asDouble()).isLessThan(0.8);
    assertThat(pooledAccuracy(stable))
        .as("accuracy over the pods' windows, weighted by their sizes, in Prometheus")
        .isLessThan(0.8);
    // And the chart's alert on it would fire, with the reason in its labels.
    String degraded =
        ExamplesE2E.alertExpressions().stream()
            .filter(a -> a.contains("modelkeeper_modeldeployment_degraded"))
            .findFirst()
            .orElseThrow();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(prometheus.query(degraded).series())
                    .anySatisfy(
                        s ->
                            assertThat(s.labels())
                                .containsEntry("namespace", "default")
                                .containsEntry("modeldeployment", MD)
                                .containsEntry("reason", "AccuracyBelowSlo")));
  }

  /**
   * Every {@code modelkeeper_*} sample of the pod's /metrics is a series in Prometheus with the
   * PodMonitor's target labels and the value the pod gave before and after Prometheus' last scrape
   * ({@link SeriesAgreement#disagreements}). Returns the pod's requests counted.
   */
  private static double agreesWithThePod(Pod pod) throws InterruptedException {
    String name = pod.getMetadata().getName();
    String url = cluster.podBaseUrl(pod) + "/metrics";
    Pattern all = Pattern.compile("modelkeeper_.+");
    Map<Map<String, String>, Double> before =
        SeriesAgreement.samples(http.get(url).text(), all, Map.of());
    Thread.sleep(LocalPrometheus.SCRAPE_INTERVAL.toMillis() + 500);
    Map<Map<String, String>, Double> scraped = new HashMap<>();
    for (PrometheusApi.Series series :
        prometheus.query("{__name__=~\"modelkeeper_.+\",pod=\"" + name + "\"}").series()) {
      Map<String, String> labels = new TreeMap<>(series.labels());
      assertThat(labels)
          .containsEntry("namespace", "default")
          .containsEntry("container", "model-server")
          .containsEntry("endpoint", "http")
          .containsEntry("job", POD_JOB)
          .containsEntry("instance", pod.getStatus().getPodIP() + ":8080");
      POD_TARGET_LABELS.forEach(labels::remove);
      scraped.put(labels, series.value());
    }
    Map<Map<String, String>, Double> after =
        SeriesAgreement.samples(http.get(url).text(), all, Map.of());
    assertThat(before).as("modelkeeper_ series of %s", name).isNotEmpty();
    assertThat(scraped.keySet())
        .as("series of pod %s in Prometheus", name)
        .containsExactlyInAnyOrderElementsOf(after.keySet());
    assertThat(SeriesAgreement.disagreements(before, scraped, after))
        .as("series of pod %s that Prometheus has otherwise", name)
        .isEmpty();
    return after.entrySet().stream()
        .filter(e -> e.getKey().get("__name__").equals("modelkeeper_requests_total"))
        .mapToDouble(Map.Entry::getValue)
        .sum();
  }

  /**
   * The operator's series that the dashboard and the alerts use agree with its /q/metrics as a
   * pod's do ({@link SeriesAgreement#disagreements}); its own {@code namespace} label is kept.
   */
  private static void operatorSeriesAgree() throws InterruptedException {
    String names =
        "modelkeeper_(canary_weight|analysis_decisions_total|rollouts_total|modeldeployment_degraded)";
    Pattern wanted = Pattern.compile(names);
    String url = local.cluster().operator().url() + "/q/metrics";
    // Series without a namespace of their own get the operator's (the Service's) namespace.
    Map<String, String> targetNamespace = Map.of("namespace", "modelkeeper-system");
    Map<Map<String, String>, Double> before =
        SeriesAgreement.samples(http.get(url).text(), wanted, targetNamespace);
    Thread.sleep(LocalPrometheus.SCRAPE_INTERVAL.toMillis() + 500);
    List<PrometheusApi.Series> series =
        prometheus.query("{__name__=~\"" + names + "\",job=\"" + OPERATOR_JOB + "\"}").series();
    Map<Map<String, String>, Double> after =
        SeriesAgreement.samples(http.get(url).text(), wanted, targetNamespace);
    assertThat(series).isNotEmpty();
    Map<Map<String, String>, Double> scraped = new HashMap<>();
    for (PrometheusApi.Series one : series) {
      Map<String, String> key = new TreeMap<>(one.labels());
      assertThat(key)
          .containsEntry("service", OPERATOR_JOB)
          .containsEntry("endpoint", "http")
          .containsEntry("container", "operator");
      Set.of("pod", "container", "endpoint", "job", "instance", "service").forEach(key::remove);
      scraped.put(key, one.value());
    }
    assertThat(scraped.keySet()).containsExactlyInAnyOrderElementsOf(after.keySet());
    assertThat(SeriesAgreement.disagreements(before, scraped, after))
        .as("operator series that Prometheus has otherwise")
        .isEmpty();
    assertThat(series)
        .as("the operator's own namespace label kept (honorLabels)")
        .anySatisfy(
            s ->
                assertThat(s.labels())
                    .containsEntry("namespace", "default")
                    .containsEntry("modeldeployment", MD));
  }

  /**
   * Accuracy over the windows of the pods {@code selector} picks, each weighted by its labelled
   * predictions, as the operator pools it; a pod without labels exports NaN, which {@code > -Inf}
   * leaves out (in a sum it would make the whole NaN).
   */
  private static double pooledAccuracy(String selector) {
    return prometheus
        .query(
            "sum((modelkeeper_quality_accuracy"
                + selector.replace("}", ",class=\"\"}")
                + " > -Inf) * modelkeeper_quality_window_predictions"
                + selector
                + ") / sum(modelkeeper_quality_window_predictions"
                + selector
                + " and (modelkeeper_quality_accuracy"
                + selector.replace("}", ",class=\"\"}")
                + " > -Inf))")
        .value();
  }

  /** The dashboard's query with its template variables put in. */
  private static String dashboardPromQl(String query) {
    String promql = query;
    // Longest first: $__rate_interval before anything shorter could match inside it.
    for (String variable :
        DASHBOARD_VARIABLES.keySet().stream().sorted((a, b) -> b.length() - a.length()).toList()) {
      promql = promql.replace(variable, DASHBOARD_VARIABLES.get(variable));
    }
    Matcher labelValues =
        Pattern.compile("^label_values\\((.*),\\s*([A-Za-z_][A-Za-z0-9_]*)\\)$").matcher(promql);
    // Grafana answers label_values(selector, label) from the series of the selector.
    return labelValues.matches()
        ? "group by (" + labelValues.group(2) + ") (" + labelValues.group(1) + ")"
        : promql;
  }

  /**
   * Series about ModelRetrainings exist once one does (RetrainingLoopE2E and TuningE2E check their
   * names); here they must evaluate without an error, and may be empty.
   */
  private static boolean retraining(String query) {
    return query.contains(ExamplesE2E.RETRAINING_SERIES);
  }

  /** The chart's default for a Helm action in an alert threshold ({@code {{ $r.maxDrift }}}). */
  private static String ruleValue(String action) {
    Matcher key = Pattern.compile("\\$r\\.([A-Za-z0-9]+)").matcher(action);
    if (!key.find()) {
      return action;
    }
    try {
      String values = Files.readString(scenario.project().resolve("helm/modelkeeper/values.yaml"));
      Matcher value = Pattern.compile("(?m)^  " + key.group(1) + ":\\s*(\\S+)").matcher(values);
      assertThat(value.find()).as("prometheusRule.%s in values.yaml", key.group(1)).isTrue();
      return value.group(1);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * The PromQL the operator sent about {@code version} of this model's requests, from Prometheus'
   * query log (this scenario's own queries match versions with {@code =~}, never {@code =}).
   */
  private static List<String> operatorQueries(String version) {
    Path log = local.cluster().prometheus().queryLog();
    try {
      List<String> queries = new ArrayList<>();
      for (String line : Files.readAllLines(log)) {
        String query = JSON.readTree(line).path("params").path("query").asText();
        if (query.contains("modelkeeper_requests_total")
            && query.contains("model=\"" + MD + "\"")
            && query.contains("version=\"" + version + "\"")) {
          queries.add(query);
        }
      }
      return queries;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The pods Prometheus scrapes for the PodMonitor now. */
  private static Set<String> scrapedPods() {
    return prometheus.query("up{job=\"" + POD_JOB + "\"} == 1").series().stream()
        .map(s -> s.labels().get("pod"))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static List<Pod> serverPodObjects() {
    return cluster
        .client()
        .pods()
        .inNamespace("default")
        .withLabel("modelkeeper.io/deployment", MD)
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()))
        .toList();
  }

  private static Set<String> serverPods() {
    return serverPodObjects().stream()
        .map(p -> p.getMetadata().getName())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** Traffic to every ready pod by version, and labelled traffic through the Service. */
  private static void startTraffic(long seed) {
    traffic = BackgroundTraffic.start(cluster.client(), cluster::podBaseUrl, MD);
    labelled = startLabelledTraffic(seed);
  }

  /**
   * Inference through the Service, each prediction labelled as the serving model predicts it (but
   * one in twenty).
   */
  private static LabelledTraffic startLabelledTraffic(long seed) {
    return LabelledTraffic.start(
        cluster.serviceBaseUrl("default", MD),
        MD,
        FEATURES,
        50,
        rows -> {
          float[] scores = reference.predict(rows);
          int[] classes = new int[scores.length];
          for (int r = 0; r < scores.length; r++) {
            classes[r] = scores[r] > 0.5f ? 1 : 0;
          }
          return classes;
        },
        seed);
  }

  private static void stopTrafficNow() {
    if (traffic != null) {
      traffic.close();
    }
    if (labelled != null) {
      labelled.close();
    }
  }

  private static String condition(String type) {
    return kubectl
        .run(
            "get",
            "md",
            MD,
            "-o",
            "jsonpath={.status.conditions[?(@.type==\""
                + type
                + "\")].status} {.status.conditions[?(@.type==\""
                + type
                + "\")].reason}")
        .orThrow();
  }
}

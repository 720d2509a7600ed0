package io.modelkeeper.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.modelkeeper.e2e.cluster.Kubectl;
import io.modelkeeper.e2e.metrics.PromQlReferences;
import io.modelkeeper.e2e.metrics.ScrapedSeries;
import io.modelkeeper.e2e.traffic.InferenceClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shipped examples ({@code manifests/examples/}) applied with kubectl on the local cluster,
 * with their model URIs pointed at the local model repository: each reaches Ready. With the CPU
 * example serving real traffic and labels, every query of the Grafana dashboard and of the alert
 * rules names only series, labels and label values that the running model servers and the operator
 * export.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExamplesE2E {

  private static final Duration PATIENCE = Duration.ofMinutes(4);

  /** The example's model name → the sample model that stands in for it locally. */
  private static final Map<String, String> SAMPLES =
      Map.of(
          "fraud",
          "logistic-regression",
          "churn",
          "logistic-regression",
          "pricing",
          "logistic-regression",
          "resnet",
          "mlp");

  private static final Pattern EXAMPLE_URI =
      Pattern.compile("https://models\\.example\\.com/([a-z]+)/[^/\\s]+/model\\.onnx");
  private static final Pattern SHA256 = Pattern.compile("sha256: [0-9a-f]{64}");

  /**
   * Labels Prometheus itself attaches to every scraped series (target labels). The operator's own
   * {@code namespace} label is kept by its ServiceMonitor's honorLabels.
   */
  private static final Set<String> TARGET_LABELS =
      Set.of("namespace", "job", "instance", "pod", "container", "service", "endpoint");

  private static final ResourceDefinitionContext HTTP_ROUTES =
      new ResourceDefinitionContext.Builder()
          .withGroup("gateway.networking.k8s.io")
          .withVersion("v1")
          .withPlural("httproutes")
          .withKind("HTTPRoute")
          .withNamespaced(true)
          .build();

  static Path project;
  static ClusterUnderTest cluster;
  static Kubectl kubectl;
  static final InferenceClient inference = new InferenceClient();
  static final ObjectMapper json = new ObjectMapper();

  @RegisterExtension
  static final ScenarioCluster scenario = ScenarioCluster.local("e2e-examples-state");

  @BeforeAll
  static void startCluster() {
    project = scenario.project();
    cluster = scenario.cluster();
    kubectl = cluster.kubectl();
  }

  /** Prefix of the operator's series about ModelRetrainings and their runs. */
  static final String RETRAINING_SERIES = "modelkeeper_retraining_";

  /** Prefix of the series that exist once a tuning run is over: TuningE2E checks them. */
  static final String TUNING_SERIES = "modelkeeper_retraining_tuning_";

  @Test
  @Order(1)
  void cpuModelServesAndDashboardAndAlertsNameOnlyExportedSeries() throws IOException {
    // Reads the operator's own /q/metrics, which only the local cluster exposes on a local port.
    LocalClusterUnderTest local = scenario.local();
    apply(localised(read("manifests/examples/cpu-model.yaml")));
    awaitReady("fraud", "default");
    List<Pod> pods = pods("fraud", "default");
    assertThat(pods).hasSize(2);

    ScrapedSeries scraped = new ScrapedSeries();
    for (Pod pod : pods) {
      String base = cluster.podBaseUrl(pod);
      serveLabelledTraffic(base, pod.getMetadata().getName());
      // The drift report is refreshed at most once a second: read until it covers the rows above.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> inference.get(base + "/metrics").text().contains("modelkeeper_drift_psi{"));
      scraped.add(inference.get(base + "/metrics").text());
    }
    String operatorMetrics = inference.get(local.cluster().operator().url() + "/q/metrics").text();
    scraped.add(operatorMetrics);

    List<String> problems = new ArrayList<>();
    // The retraining series exist once a ModelRetraining does: RetrainingLoopE2E checks them.
    for (String expression : dashboardQueries()) {
      if (!expression.contains(RETRAINING_SERIES)) {
        problems.addAll(unmet("dashboard", expression, scraped));
      }
    }
    for (String expression : alertExpressions()) {
      if (!expression.contains(RETRAINING_SERIES)) {
        problems.addAll(unmet("alert rule", expression, scraped));
      }
    }
    assertThat(problems)
        .as("queries that name series the servers and the operator do not export")
        .isEmpty();
  }

  @Test
  @Order(2)
  void gpuModelStartsOnTheCpuFallbackWhereTheNodeHasNoGpu() {
    delete("fraud", "default");
    apply(localised(read("manifests/examples/gpu-model.yaml")));
    awaitReady("resnet", "default");

    List<Pod> pods = pods("resnet", "default");
    assertThat(pods).hasSize(2);
    Container server = pods.get(0).getSpec().getContainers().get(0);
    assertThat(server.getResources().getLimits()).containsKey("nvidia.com/gpu");
    assertThat(server.getResources().getLimits().get("nvidia.com/gpu").getAmount()).isEqualTo("1");
    assertThat(pods.get(0).getSpec().getTolerations())
        .anySatisfy(t -> assertThat(t.getKey()).isEqualTo("nvidia.com/gpu"));
    // This machine has no GPU: the server says so in its metrics instead of failing.
    assertThat(inference.get(cluster.podBaseUrl(pods.get(0)) + "/metrics").text())
        .containsPattern("modelkeeper_execution_provider_info\\{[^}]*provider=\"cpu\"");
  }

  @Test
  @Order(3)
  void gatewayApiModelGetsItsRouteBackendsWritten() {
    delete("resnet", "default");
    apply(localised(read("manifests/examples/gateway-api.yaml")));
    awaitReady("pricing", "default");

    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              GenericKubernetesResource route =
                  cluster
                      .client()
                      .genericKubernetesResources(HTTP_ROUTES)
                      .inNamespace("default")
                      .withName("pricing")
                      .get();
              JsonNode backends =
                  json.valueToTree(route.getAdditionalProperties())
                      .path("spec")
                      .path("rules")
                      .get(0)
                      .path("backendRefs");
              assertThat(backends).isNotEmpty();
              int total = 0;
              for (JsonNode backend : backends) {
                String service = backend.path("name").asText();
                assertThat(
                        cluster.client().services().inNamespace("default").withName(service).get())
                    .as("Service %s named by the route", service)
                    .isNotNull();
                total += backend.path("weight").asInt();
              }
              assertThat(total).isEqualTo(100);
            });
    assertThat(pods("pricing", "default")).hasSize(3);
  }

  @Test
  @Order(4)
  void canaryExampleServesVersionOneAndStartsACanaryForVersionTwo() {
    delete("pricing", "default");
    apply(localised(read("manifests/examples/canary-rollout.yaml")));
    awaitReady("churn", "default");
    assertThat(pods("churn", "default")).hasSize(10);

    // The next step the example's comment names: a new version and URI.
    kubectl
        .run(
            "patch",
            "md",
            "churn",
            "--type=merge",
            "-p",
            "{\"spec\":{\"model\":{\"version\":\"2\",\"uri\":\""
                + cluster.modelBaseUrl()
                + "/logistic-regression/model.onnx\"}}}")
        .orThrow();
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () ->
                assertThat(
                        kubectl
                            .run(
                                "get",
                                "md",
                                "churn",
                                "-o",
                                "jsonpath={.status.canary.version} {.status.canary.requestedWeight}")
                            .orThrow())
                    .isEqualTo("2 10"));
  }

  @Test
  @Order(5)
  void kustomizeOverlaysDeployIntoTheirNamespaces() {
    delete("churn", "default");
    for (String overlay : List.of("production", "staging")) {
      apply("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ml-" + overlay + "\n");
      String rendered =
          kubectl
              .run(
                  "kustomize",
                  project.resolve("manifests/examples/kustomize/overlays/" + overlay).toString())
              .orThrow();
      apply(localised(rendered));
    }
    awaitReady("fraud", "ml-production");
    awaitReady("fraud", "ml-staging");
    assertThat(pods("fraud", "ml-production")).hasSize(6);
    assertThat(pods("fraud", "ml-staging")).hasSize(2);
    assertThat(
            kubectl
                .run(
                    "get",
                    "md",
                    "fraud",
                    "-n",
                    "ml-staging",
                    "-o",
                    "jsonpath={.status.stable.version} {.metadata.labels.team}")
                .orThrow())
        .isEqualTo("8 risk");
  }

  /**
   * Sends the drift reference rows, then labelled rows, to one pod; the labels agree with the
   * model.
   */
  private static void serveLabelledTraffic(String base, String seed) {
    Random random = new Random(seed.hashCode());
    for (int i = 0; i < 12; i++) {
      float[][] rows = new float[100][8];
      for (float[] row : rows) {
        for (int f = 0; f < row.length; f++) {
          row[f] = (float) random.nextGaussian();
        }
      }
      String id = seed + "-" + i;
      float[] scores =
          InferenceClient.firstOutput(inference.infer(base, "fraud", "input", id, rows));
      List<Object> labels = new ArrayList<>();
      for (float score : scores) {
        labels.add(score > 0.5f ? 1 : 0);
      }
      InferenceClient.Reply reply =
          inference.feedback(base, "fraud", List.of(Map.of("id", id, "label", labels)));
      assertThat(reply.status()).as("feedback %s: %s", id, reply.text()).isEqualTo(200);
    }
  }

  /** What one query asks for that the scraped series do not have, one line each. */
  static List<String> unmet(String source, String expression, ScrapedSeries scraped) {
    List<String> problems = new ArrayList<>();
    PromQlReferences refs = PromQlReferences.of(expression);
    for (String metric : refs.metrics()) {
      if (scraped.labelSets(metric).isEmpty()) {
        problems.add(source + ": metric " + metric + " is not exported, in: " + expression);
      }
    }
    for (PromQlReferences.LabelValue wanted : refs.requiredValues()) {
      boolean found =
          scraped.labelSets(wanted.metric()).stream()
              .anyMatch(labels -> wanted.value().equals(labels.get(wanted.label())));
      if (!found) {
        problems.add(
            source
                + ": no series "
                + wanted.metric()
                + "{"
                + wanted.label()
                + "=\""
                + wanted.value()
                + "\"}, in: "
                + expression);
      }
    }
    for (String label : refs.labels()) {
      boolean onSomeMetric =
          TARGET_LABELS.contains(label)
              || label.equals("le")
              || refs.metrics().stream()
                  .anyMatch(metric -> scraped.labelNames(metric).contains(label));
      if (!onSomeMetric) {
        problems.add(
            source
                + ": label "
                + label
                + " is on none of "
                + refs.metrics()
                + ", in: "
                + expression);
      }
    }
    return problems;
  }

  /** The PromQL of every panel target and every query variable of the Grafana dashboard. */
  static List<String> dashboardQueries() throws IOException {
    JsonNode dashboard =
        json.readTree(project.resolve("helm/modelkeeper/dashboards/modelkeeper.json").toFile());
    List<String> queries = new ArrayList<>();
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if (variable.path("type").asText().equals("query")) {
        JsonNode query = variable.path("query");
        queries.add(query.isObject() ? query.path("query").asText() : query.asText());
      }
    }
    for (JsonNode panel : dashboard.findValues("targets")) {
      for (JsonNode target : panel) {
        queries.add(target.path("expr").asText());
      }
    }
    assertThat(queries).hasSizeGreaterThan(10);
    return queries;
  }

  /** The expr of every alert in the chart's rules template, single-line or block. */
  static List<String> alertExpressions() {
    List<String> lines = read("helm/modelkeeper/templates/_rules.tpl").lines().toList();
    List<String> expressions = new ArrayList<>();
    Pattern expr = Pattern.compile("^(\\s*)expr:\\s*(.*)$");
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = expr.matcher(lines.get(i));
      if (!m.matches()) {
        continue;
      }
      if (!m.group(2).equals("|")) {
        expressions.add(m.group(2));
        continue;
      }
      StringBuilder block = new StringBuilder();
      int indent = m.group(1).length();
      while (i + 1 < lines.size() && leadingSpaces(lines.get(i + 1)) > indent) {
        block.append(lines.get(++i).strip()).append('\n');
      }
      expressions.add(block.toString());
    }
    assertThat(expressions).hasSizeGreaterThanOrEqualTo(6);
    return expressions;
  }

  private static int leadingSpaces(String line) {
    return line.isBlank() ? Integer.MAX_VALUE : line.length() - line.stripLeading().length();
  }

  /**
   * The example's documents with every model URI (and checksum) pointed at the local model
   * repository.
   */
  private static String localised(String yaml) {
    List<String> documents = new ArrayList<>();
    for (String document : yaml.split("(?m)^---\\s*$")) {
      Matcher uri = EXAMPLE_URI.matcher(document);
      if (uri.find()) {
        String sample = SAMPLES.get(uri.group(1));
        assertThat(sample)
            .as("a local stand-in for the example model %s", uri.group(1))
            .isNotNull();
        document =
            EXAMPLE_URI
                .matcher(document)
                .replaceAll(cluster.modelBaseUrl() + "/" + sample + "/model.onnx");
        document = SHA256.matcher(document).replaceAll("sha256: " + sha256(sample));
      }
      documents.add(document);
    }
    return String.join("---\n", documents);
  }

  private static String sha256(String sample) {
    return read("examples/models/" + sample + "/model.onnx.sha256").split("\\s+")[0];
  }

  private static String read(String file) {
    try {
      return Files.readString(project.resolve(file));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void apply(String yaml) {
    kubectl.runWithInput(yaml, "apply", "--validate=false", "-f", "-").orThrow();
  }

  private static void awaitReady(String name, String namespace) {
    assertThat(
            kubectl
                .run(
                    "wait",
                    "--for=condition=Ready",
                    "md/" + name,
                    "-n",
                    namespace,
                    "--timeout=" + PATIENCE.toSeconds() + "s")
                .orThrow())
        .contains("condition met");
  }

  /**
   * Deletes a ModelDeployment and waits until its pods are gone, so the next example has the
   * machine.
   */
  private static void delete(String name, String namespace) {
    kubectl.run("delete", "md", name, "-n", namespace, "--timeout=60s").orThrow();
    await().atMost(PATIENCE).until(() -> pods(name, namespace).isEmpty());
  }

  private static List<Pod> pods(String name, String namespace) {
    return cluster
        .client()
        .pods()
        .inNamespace(namespace)
        .withLabel("modelkeeper.io/deployment", name)
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }
}

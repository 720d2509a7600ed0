package io.modelkeeper.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.modelkeeper.e2e.cluster.Kubectl;
import io.modelkeeper.e2e.traffic.LabelledTraffic;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the continuous-training scenarios share: a ModelDeployment of the sample logistic regression
 * with its ModelRetraining and the two claims, labelled traffic through the model's Service, and
 * readings of runs, conditions and what serves.
 */
final class RetrainingScenario {

  static final String API_VERSION = "modelkeeper.io/v1alpha1";
  static final int FEATURES = 8;

  private final ClusterUnderTest cluster;
  private final Kubectl kubectl;
  private final String md;
  private ReferenceModel original;
  private String namespace;

  RetrainingScenario(ClusterUnderTest cluster, String md) {
    this.cluster = cluster;
    this.kubectl = cluster.kubectl();
    this.md = md;
  }

  /** Diagnostics of the runs, the ModelRetraining and its Jobs and pods, for a failed scenario. */
  static String describe(ClusterUnderTest cluster, String md) {
    if (cluster == null) {
      return "(no cluster)";
    }
    Kubectl kubectl = cluster.kubectl();
    return kubectl.run("get", "retrainingruns", "-o", "yaml").out()
        + "\n"
        + kubectl.run("get", "modelretraining", md, "-o", "yaml").out()
        + "\n"
        + kubectl.run("get", "jobs,pods", "-o", "wide").out();
  }

  /** Two ReadWriteMany claims: {@code <md>-data} (captured rows) and {@code <md>-models} (runs). */
  static String claims(String md) {
    return """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: %1$s-data}
        spec:
          accessModes: [ReadWriteMany]
          resources: {requests: {storage: 1Gi}}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: %1$s-models}
        spec:
          accessModes: [ReadWriteMany]
          resources: {requests: {storage: 1Gi}}
        ---
        """
        .formatted(md);
  }

  String namespace() {
    return namespace;
  }

  /** Applies the manifests and waits until the ModelDeployment is Ready. */
  void applyAndAwaitReady(String manifests) throws Exception {
    kubectl.runWithInput(manifests, "apply", "--validate=false", "-f", "-").orThrow();
    assertThat(kubectl.run("wait", "--for=condition=Ready", "md/" + md, "--timeout=180s").orThrow())
        .contains("condition met");
    namespace =
        kubectl.run("get", "md", md, "-o", "jsonpath={.metadata.namespace}").orThrow().trim();
    original =
        ReferenceModel.load(
            cluster.modelsDir().resolve("logistic-regression").resolve("model.onnx"));
  }

  /**
   * Labelled traffic through the Service; the world means what the sample model predicts (its
   * prediction above 0.5 is class 1).
   */
  LabelledTraffic startTraffic(long seed) {
    return LabelledTraffic.start(
        cluster.serviceBaseUrl(namespace, md),
        md,
        FEATURES,
        10,
        rows -> {
          float[] scores = original.predict(rows);
          int[] classes = new int[scores.length];
          for (int r = 0; r < scores.length; r++) {
            classes[r] = scores[r] > 0.5f ? 1 : 0;
          }
          return classes;
        },
        seed);
  }

  /** Creates a run by hand, as {@code kubectl create} does. */
  void createRun(String name, String reason) {
    kubectl
        .runWithInput(
            """
            apiVersion: %s
            kind: RetrainingRun
            metadata: {name: %s}
            spec:
              retrainingRef: {name: %s}
              reason: %s
            """
                .formatted(API_VERSION, name, md, reason),
            "create",
            "--validate=false",
            "-f",
            "-")
        .orThrow();
  }

  /** Merges {@code json} into the ModelRetraining's spec, as {@code kubectl patch --type=merge}. */
  void patchRetraining(String json) {
    kubectl.run("patch", "modelretraining", md, "--type=merge", "-p", json).orThrow();
  }

  /** The runs of the namespace, oldest number first. */
  List<GenericKubernetesResource> runs() {
    return cluster
        .client()
        .genericKubernetesResources(API_VERSION, "RetrainingRun")
        .inNamespace(namespace)
        .list()
        .getItems()
        .stream()
        .sorted(Comparator.comparingLong(RetrainingScenario::number))
        .toList();
  }

  GenericKubernetesResource run(String name) {
    return cluster
        .client()
        .genericKubernetesResources(API_VERSION, "RetrainingRun")
        .inNamespace(namespace)
        .withName(name)
        .get();
  }

  GenericKubernetesResource retraining() {
    return cluster
        .client()
        .genericKubernetesResources(API_VERSION, "ModelRetraining")
        .inNamespace(namespace)
        .withName(md)
        .get();
  }

  /** Waits until the run has left the phases in flight, and returns it. */
  GenericKubernetesResource awaitFinished(String name, Duration patience) {
    return await()
        .atMost(patience)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> run(name),
            run ->
                run != null
                    && List.of("NotBlessed", "Failed", "RollingOut", "Promoted", "RolledBack")
                        .contains(String.valueOf(field(run, "status", "phase"))));
  }

  static long number(GenericKubernetesResource run) {
    Object number = field(run, "status", "number");
    return number instanceof Number n ? n.longValue() : -1;
  }

  static Object field(GenericKubernetesResource resource, String... path) {
    Object node = resource == null ? null : resource.getAdditionalProperties();
    for (String key : path) {
      if (!(node instanceof Map<?, ?> map)) {
        return null;
      }
      node = map.get(key);
    }
    return node;
  }

  long generation() {
    return Long.parseLong(
        kubectl.run("get", "md", md, "-o", "jsonpath={.metadata.generation}").orThrow().trim());
  }

  double accuracy() {
    String value =
        kubectl.run("get", "md", md, "-o", "jsonpath={.status.metrics.accuracy}").orThrow().trim();
    return value.isEmpty() ? Double.NaN : Double.parseDouble(value);
  }

  /** The condition's status and reason, such as {@code True AccuracyBelowSlo}. */
  String condition(String type) {
    String path = "{.status.conditions[?(@.type==\"" + type + "\")].";
    return kubectl
        .run("get", "md", md, "-o", "jsonpath=" + path + "status} " + path + "reason}")
        .orThrow();
  }

  /**
   * What serves, in words that change when anything of it changes: the stable version and its run,
   * the canary, the history's length, and each model-server pod (name, uid, version).
   */
  Serving serving() {
    GenericKubernetesResource resource =
        cluster
            .client()
            .genericKubernetesResources(API_VERSION, "ModelDeployment")
            .inNamespace(namespace)
            .withName(md)
            .get();
    Map<String, String> pods = new TreeMap<>();
    for (Pod pod :
        cluster
            .client()
            .pods()
            .inNamespace(namespace)
            .withLabel("modelkeeper.io/deployment", md)
            .list()
            .getItems()) {
      pods.put(
          pod.getMetadata().getName(),
          pod.getMetadata().getUid()
              + " version "
              + pod.getMetadata().getLabels().get("modelkeeper.io/version"));
    }
    Object history = field(resource, "status", "history");
    return new Serving(
        String.valueOf(field(resource, "status", "stable", "version")),
        String.valueOf(field(resource, "status", "stable", "run")),
        String.valueOf(field(resource, "status", "canary")),
        history instanceof List<?> list ? list.size() : 0,
        pods);
  }

  /** What serves a ModelDeployment (see {@link #serving()}). */
  record Serving(
      String version, String run, String canary, int history, Map<String, String> pods) {}

  /**
   * Waits until every model-server pod of the ModelDeployment captures labelled rows (the
   * ModelRetraining's claim is mounted: adding it replaces the pods once) and is ready.
   */
  void awaitCapturingPods(int replicas) {
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              List<Pod> pods =
                  cluster
                      .client()
                      .pods()
                      .inNamespace(namespace)
                      .withLabel("modelkeeper.io/deployment", md)
                      .list()
                      .getItems();
              assertThat(pods).hasSize(replicas);
              for (Pod pod : pods) {
                assertThat(pod.getMetadata().getDeletionTimestamp()).isNull();
                assertThat(
                        pod.getSpec().getContainers().stream()
                            .flatMap(
                                c ->
                                    Objects.requireNonNullElse(c.getEnv(), List.<EnvVar>of())
                                        .stream())
                            .anyMatch(e -> "MODELKEEPER_CAPTURE_DIR".equals(e.getName())))
                    .as("pod %s captures rows", pod.getMetadata().getName())
                    .isTrue();
                assertThat(
                        Objects.requireNonNullElse(
                                pod.getStatus().getConditions(), List.<PodCondition>of())
                            .stream()
                            .anyMatch(
                                c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
                    .as("pod %s ready", pod.getMetadata().getName())
                    .isTrue();
              }
            });
  }

  /** The Events of the namespace with this reason, their messages. */
  List<String> events(String reason) {
    return cluster
        .client()
        .v1()
        .events()
        .inNamespace(namespace)
        .withField("reason", reason)
        .list()
        .getItems()
        .stream()
        .map(e -> e.getMessage())
        .toList();
  }

  void close() throws Exception {
    if (original != null) {
      original.close();
    }
  }
}

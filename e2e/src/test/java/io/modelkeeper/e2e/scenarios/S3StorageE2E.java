package io.modelkeeper.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelkeeper.e2e.cluster.Kubectl;
import io.modelkeeper.e2e.traffic.BackgroundTraffic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Models in a bucket on the local cluster: an S3-compatible store (s3rver) holds two objects, a
 * ModelDeployment serves the first with the credentials of a Secret, a canary of the second is
 * promoted under traffic, and a version whose Secret holds an unknown key fails its fetch with a
 * message naming the key while the promoted version keeps serving. A second ModelDeployment whose
 * ModelRetraining keeps its dataset in the bucket captures labelled rows there, and a run trains on
 * what its init container downloaded. The Secret's values appear in no log, status or Event.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class S3StorageE2E {

  private static final String MD = "bucket-model";
  private static final String BUCKET = "models";
  private static final String DATASETS = "datasets";
  private static final String DATA_MD = "bucket-data";
  private static final Duration PATIENCE = Duration.ofMinutes(2);

  /** s3rver checks the access key, not the signature: any secret signs, and must never show. */
  private static final String SECRET_VALUE = "e2e-secret-" + UUID.randomUUID();

  private static final String WRONG_KEY_ID = "E2E-UNKNOWN-" + UUID.randomUUID();

  static LocalClusterUnderTest cluster;
  static Kubectl kubectl;
  static LocalS3rver store;
  static BackgroundTraffic traffic;
  static ModelDeploymentView md;
  static long started;

  @RegisterExtension
  static final ScenarioCluster scenario =
      ScenarioCluster.local("e2e-s3-state").describeOnFailure(() -> String.valueOf(traffic));

  @BeforeAll
  static void storeTwoModelsAndServeTheFirst() throws Exception {
    started = System.nanoTime();
    cluster = scenario.local();
    kubectl = cluster.kubectl();
    md = new ModelDeploymentView(cluster, MD, PATIENCE);
    store =
        LocalS3rver.start(scenario.project().resolve("e2e/target/e2e-s3-store"), BUCKET, DATASETS);
    Path model = cluster.modelsDir().resolve("logistic-regression/model.onnx");
    store.put(BUCKET, "scoring/1/model.onnx", model);
    store.put(BUCKET, "scoring/2/model.onnx", model);
    secret("bucket-keys", LocalS3rver.ACCESS_KEY_ID);
    secret("unknown-keys", WRONG_KEY_ID);
    kubectl.runWithInput(manifest(), "apply", "--validate=false", "-f", "-").orThrow();
    assertThat(kubectl.run("wait", "--for=condition=Ready", "md/" + MD, "--timeout=120s").orThrow())
        .contains("condition met");
    traffic = BackgroundTraffic.start(cluster.client(), cluster::podBaseUrl, MD);
    await()
        .atMost(PATIENCE)
        .untilAsserted(() -> assertThat(traffic.of("1").ok()).isGreaterThan(10));
    System.out.printf(
        "S3StorageE2E: store up and version 1 served from the bucket in %d ms%n",
        (System.nanoTime() - started) / 1_000_000);
  }

  @AfterAll
  static void stop() throws Exception {
    if (traffic != null) {
      traffic.close();
    }
    if (store != null) {
      store.close();
    }
    System.out.printf(
        "S3StorageE2E: whole scenario %d ms%n", (System.nanoTime() - started) / 1_000_000);
  }

  private static void secret(String name, String keyId) {
    String secret =
        """
        apiVersion: v1
        kind: Secret
        metadata:
          name: %s
        stringData:
          AWS_ACCESS_KEY_ID: %s
          AWS_SECRET_ACCESS_KEY: %s
        """
            .formatted(name, keyId, SECRET_VALUE);
    kubectl.runWithInput(secret, "apply", "--validate=false", "-f", "-").orThrow();
  }

  /** One pod; one short step judged every 2 s on at least 10 requests per version. */
  private static String manifest() throws Exception {
    return """
        apiVersion: modelkeeper.io/v1alpha1
        kind: ModelDeployment
        metadata:
          name: %s
        spec:
          model:
            version: "1"
            uri: s3://%s/scoring/1/model.onnx
            sha256: %s
            credentialsSecret: bucket-keys
            s3:
              endpoint: %s
              region: us-east-1
              pathStyle: true
          serving:
            replicas: 1
            executionProvider: cpu
          rollout:
            steps:
              - weight: 50
                duration: 4s
            analysis:
              interval: 2s
              minRequests: 10
              failureLimit: 2
              maxErrorRate: 0.05
        """
        .formatted(MD, BUCKET, sha256(), store.endpoint());
  }

  private static String sha256() throws Exception {
    return Files.readString(cluster.modelsDir().resolve("logistic-regression/model.onnx.sha256"))
        .strip()
        .split("\\s+")[0];
  }

  private static void patchModel(String version, String key, String secret) {
    kubectl
        .run(
            "patch",
            "md",
            MD,
            "--type=merge",
            "-p",
            ("{\"spec\":{\"model\":{\"version\":\"%s\",\"uri\":\"s3://%s/%s\","
                    + "\"credentialsSecret\":\"%s\"}}}")
                .formatted(version, BUCKET, key, secret))
        .orThrow();
  }

  @Test
  @Order(1)
  void theFirstVersionWasFetchedFromTheBucket() {
    JsonNode status = md.status();
    assertThat(status.path("stable").path("version").asText()).isEqualTo("1");
    assertThat(status.path("stable").path("uri").asText())
        .isEqualTo("s3://models/scoring/1/model.onnx");
    String pod =
        kubectl
            .run("get", "pods", "-l", "modelkeeper.io/version=1", "-o", "name")
            .orThrow()
            .strip()
            .lines()
            .findFirst()
            .orElseThrow();
    assertThat(kubectl.run("logs", pod, "-c", "fetch-model").orThrow())
        .contains("fetched s3://models/scoring/1/model.onnx");
  }

  @Test
  @Order(2)
  void aCanaryOfASecondObjectIsPromoted() {
    long before = System.nanoTime();
    BackgroundTraffic.Totals totals = traffic.totals();
    patchModel("2", "scoring/2/model.onnx", "bucket-keys");

    JsonNode status = md.awaitStatus(s -> ModelDeploymentView.hasHistory(s, "2"));

    assertThat(ModelDeploymentView.lastHistory(status).path("result").asText())
        .isEqualTo("Promoted");
    md.awaitStatus(s -> "2".equals(s.path("stable").path("version").asText()));
    BackgroundTraffic.Totals during = traffic.totals().since(totals);
    assertThat(during.failed()).as("client requests failed during the promotion").isZero();
    System.out.printf(
        "S3StorageE2E: canary of the second object promoted in %d ms (%s)%n",
        (System.nanoTime() - before) / 1_000_000, during);
  }

  @Test
  @Order(3)
  void anUnknownKeyFailsTheFetchNamingTheKeyWhileTheServingVersionStays() {
    patchModel("3", "scoring/2/model.onnx", "unknown-keys");

    JsonNode status =
        md.awaitStatus(
            s ->
                s.path("conditions").findValues("reason").stream()
                    .anyMatch(r -> "ModelFetchFailed".equals(r.asText())));

    String message =
        status.path("conditions").findParents("reason").stream()
            .filter(c -> "ModelFetchFailed".equals(c.path("reason").asText()))
            .map(c -> c.path("message").asText())
            .findFirst()
            .orElseThrow();
    assertThat(message)
        .contains("InvalidAccessKeyId")
        .contains("AWS_ACCESS_KEY_ID in spec.model.credentialsSecret")
        .doesNotContain(WRONG_KEY_ID);
    assertThat(status.path("stable").path("version").asText()).isEqualTo("2");
    long ok = traffic.of("2").ok();
    await()
        .atMost(PATIENCE)
        .untilAsserted(() -> assertThat(traffic.of("2").ok()).isGreaterThan(ok));
  }

  @Test
  @Order(4)
  void aRunTrainsOnTheRowsItsPodsCapturedIntoTheBucket() throws Exception {
    long before = System.nanoTime();
    RetrainingScenario data = new RetrainingScenario(cluster, DATA_MD);
    data.applyAndAwaitReady(
        """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: %1$s-models}
        spec:
          accessModes: [ReadWriteMany]
          resources: {requests: {storage: 1Gi}}
        ---
        apiVersion: modelkeeper.io/v1alpha1
        kind: ModelDeployment
        metadata:
          name: %1$s
        spec:
          model:
            version: "1"
            uri: %2$s/logistic-regression/model.onnx
          serving:
            replicas: 1
            executionProvider: cpu
          monitoring:
            task: binary-classification
        ---
        apiVersion: modelkeeper.io/v1alpha1
        kind: ModelRetraining
        metadata:
          name: %1$s
        spec:
          modelDeploymentRef: {name: %1$s}
          dataset:
            uri: s3://%3$s/capture/
            credentialsSecret: bucket-keys
            s3: {endpoint: "%4$s", region: us-east-1, pathStyle: true}
            maxAge: 1h
            minRows: 50
            holdoutFraction: 0.25
          output: {claimName: %1$s-models}
          training: {mode: incremental, activeDeadline: 3m}
          validation: {metric: accuracy, minImprovement: 0.0}
          rollout: manual
        """
            .formatted(DATA_MD, cluster.modelBaseUrl(), DATASETS, store.endpoint()));
    data.awaitCapturingPods(1);
    try (var labelled = data.startTraffic(23)) {
      // The local operator finishes a capture file every 5 s; uploaded, it leaves the pod.
      await()
          .atMost(PATIENCE)
          .pollInterval(Duration.ofMillis(500))
          .until(
              () ->
                  labelled.labelledRows() >= 200
                      && store.list(DATASETS, "capture/" + DATA_MD + "/").size() >= 3);
    }
    System.out.printf(
        "S3StorageE2E: capture files in the bucket %d ms after the ModelDeployment was applied%n",
        (System.nanoTime() - before) / 1_000_000);

    data.createRun(DATA_MD + "-now", "from-the-bucket");
    var run =
        await()
            .atMost(PATIENCE)
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> data.run(DATA_MD + "-now"),
                r ->
                    r != null
                        && (RetrainingScenario.field(r, "status", "rows", "training") != null
                            || "Failed".equals(RetrainingScenario.field(r, "status", "phase"))));
    assertThat(RetrainingScenario.field(run, "status", "message"))
        .as("the run's story")
        .asString()
        .doesNotContain("TrainingFailed")
        .doesNotContain("NotEnoughRows");
    assertThat(((Number) RetrainingScenario.field(run, "status", "rows", "training")).longValue())
        .as("rows trained on, all from the bucket")
        .isGreaterThan(0);
    String pod =
        kubectl
            .run("get", "pods", "-l", "modelkeeper.io/job=" + DATA_MD + "-now-train", "-o", "name")
            .orThrow()
            .strip()
            .lines()
            .findFirst()
            .orElseThrow();
    assertThat(kubectl.run("logs", pod, "-c", "modelkeeper-fetch-dataset").orThrow())
        .contains("capture files")
        .contains("of s3://" + DATASETS + "/capture/" + DATA_MD + "/");
    System.out.printf(
        "S3StorageE2E: a run trained on the bucket's rows %d ms after the ModelDeployment was"
            + " applied%n",
        (System.nanoTime() - before) / 1_000_000);
  }

  @Test
  @Order(5)
  void theSecretsValuesAppearInNoLogStatusOrEvent() throws Exception {
    StringBuilder seen = new StringBuilder();
    seen.append(kubectl.run("get", "md", MD, "-o", "yaml").orThrow());
    seen.append(kubectl.run("get", "events", "-o", "yaml").orThrow());
    seen.append(kubectl.run("get", "deploy,pods", "-o", "yaml").orThrow());
    for (Path log : cluster.logs()) {
      seen.append(Files.readString(log));
    }
    assertThat(seen.toString())
        .as("what the operator and the fetcher wrote, status, Events and the pods")
        .contains("InvalidAccessKeyId")
        .doesNotContain(SECRET_VALUE)
        .doesNotContain(WRONG_KEY_ID);
  }
}

package io.modelkeeper.e2e.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelkeeper.e2e.RequiredTools;
import io.modelkeeper.e2e.api.LocalApiServer;
import io.modelkeeper.e2e.scenarios.ReferenceModel;
import io.modelkeeper.e2e.traffic.InferenceClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The operator, model-server and trainer images, built from the real Dockerfile by
 * packaging/images/build-images.sh with podman, and run the way a pod runs them: as uid 65532, on a
 * read-only root file system, with a memory limit, the model on a read-only volume and a tmpfs at
 * /tmp. The operator image runs against the local API server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerImagesE2E {

  private static final String TAG = "e2e";
  private static final String MODEL_SERVER = "localhost/modelkeeper/model-server:" + TAG;
  private static final String OPERATOR = "localhost/modelkeeper/operator:" + TAG;
  private static final String TRAINER = "localhost/modelkeeper/trainer:" + TAG;
  private static final String MODEL = "logistic-regression";
  private static final int MEMORY_LIMIT_MIB = 1024;

  private final Path project =
      Path.of(System.getProperty("modelkeeper.project.dir", "..")).toAbsolutePath().normalize();
  private final Path work = project.resolve("e2e/target/images");
  private final Path podmanLog = work.resolve("podman.log");
  private final InferenceClient http = new InferenceClient();
  private Podman podman;

  /** Builds the images; a Dockerfile that does not build fails every test here. */
  @BeforeAll
  void buildImages() throws IOException {
    podman = new Podman(RequiredTools.podman("the container-image tests"));
    Files.createDirectories(work);
    Path log = work.resolve("build-images.log");
    Files.deleteIfExists(log);
    long start = System.nanoTime();
    Podman.Result build =
        Podman.exec(
            List.of(project.resolve("packaging/images/build-images.sh").toString(), TAG),
            Map.of("ENGINE", "podman", "IMAGE_REPO", "localhost/modelkeeper"),
            log,
            Duration.ofMinutes(30));
    assertThat(build.exitCode())
        .as("packaging/images/build-images.sh (log: %s)\n%s", log, tail(build.output(), 60))
        .isZero();
    System.out.printf(
        "images built in %d s (log: %s)%n", (System.nanoTime() - start) / 1_000_000_000, log);
  }

  @AfterEach
  void removeContainers() {
    podman.removeAll(podmanLog);
  }

  @Test
  void modelServerServesAShippedModelAsNonRootOnAReadOnlyRootFileSystem() throws Exception {
    Path models = modelVolume();
    int port = freePort();
    String sha256 = Files.readString(models.resolve("model.onnx.sha256")).split("\\s+")[0];
    String container =
        podman.start(
            podmanLog,
            hardened(
                List.of(
                    "--volume",
                    models + ":/mnt/models:ro",
                    "--env",
                    "MODELKEEPER_MODEL_NAME=fraud",
                    "--env",
                    "MODELKEEPER_MODEL_URI=file:///mnt/models/model.onnx",
                    "--env",
                    "MODELKEEPER_MODEL_SHA256=" + sha256,
                    "--env",
                    "QUARKUS_HTTP_PORT=" + port),
                MODEL_SERVER));
    String base = "http://127.0.0.1:" + port;

    awaitOk(container, base + "/v2/health/ready", Duration.ofSeconds(90));

    assertThat(uidOf(container)).as("uid of the server process").isEqualTo(65532);
    float[][] rows = {
      {1.2f, -0.4f, 0.3f, 0f, 0.8f, -1.1f, 0.2f, 0.5f},
      {-0.7f, 1.5f, -0.2f, 0.4f, -0.3f, 0.9f, -0.6f, 0f}
    };
    InferenceClient.Reply reply = http.infer(base, "fraud", "input", "images-1", rows);
    float[] expected;
    try (ReferenceModel reference =
        ReferenceModel.load(project.resolve("examples/models/" + MODEL + "/model.onnx"))) {
      expected = reference.predict(rows);
    }
    assertThat(InferenceClient.firstOutput(reply)).containsExactly(expected);
    assertThat(reply.body().path("model_name").asText()).isEqualTo("fraud");

    String metrics = http.get(base + "/metrics").text();
    long heap = heapMaxBytes(metrics);
    assertThat(heap)
        .as(
            "heap ceiling: about 55%% of the %d MiB limit, the rest left to ONNX Runtime",
            MEMORY_LIMIT_MIB)
        .isBetween(
            MEMORY_LIMIT_MIB * 1024L * 1024 * 40 / 100, MEMORY_LIMIT_MIB * 1024L * 1024 * 60 / 100);
    assertThat(podman.running(podmanLog, container)).isTrue();
  }

  @Test
  void runtimeImagesHaveNoShell() {
    for (String image : List.of(MODEL_SERVER, OPERATOR, TRAINER)) {
      for (String shell : List.of("/bin/sh", "sh", "bash", "dash")) {
        Podman.Result result =
            podman.run(podmanLog, "run", "--rm", "--entrypoint", shell, image, "-c", "true");
        assertThat(result.exitCode()).as("%s in %s: %s", shell, image, result.output()).isNotZero();
      }
    }
  }

  @Test
  void operatorReconcilesAModelDeploymentAgainstTheLocalApiServer() throws Exception {
    try (LocalApiServer api = LocalApiServer.start(project.resolve("crds"));
        KubernetesClient client = api.client()) {
      Path kubeconfig = api.writeKubeconfig(work.resolve("operator/kubeconfig"));
      Files.setPosixFilePermissions(kubeconfig, PosixFilePermissions.fromString("rw-r--r--"));
      int port = freePort();
      String container =
          podman.start(
              podmanLog,
              hardened(
                  List.of(
                      "--volume",
                      kubeconfig + ":/etc/modelkeeper/kubeconfig:ro",
                      "--env",
                      "KUBECONFIG=/etc/modelkeeper/kubeconfig",
                      "--env",
                      "QUARKUS_HTTP_PORT=" + port),
                  OPERATOR));
      awaitOk(container, "http://127.0.0.1:" + port + "/q/health/ready", Duration.ofSeconds(90));

      // No node runs pods here: only what the operator writes to the API server is checked.
      String fraud =
          Files.readString(project.resolve("e2e/examples/fraud.yaml"))
              .replace("{{MODEL_REPOSITORY}}", "http://models.invalid");
      client.resource(fraud).create();

      await("the operator creates the model's Deployment and writes status")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                assertThat(podman.running(podmanLog, container))
                    .as(
                        "operator container running; its log:\n%s",
                        podman.logs(podmanLog, container))
                    .isTrue();
                List<Deployment> deployments =
                    client.apps().deployments().inNamespace("default").list().getItems();
                assertThat(deployments)
                    .extracting(d -> d.getMetadata().getName())
                    .anyMatch(name -> name.startsWith("fraud-1-"));
                GenericKubernetesResource md =
                    client
                        .genericKubernetesResources("modelkeeper.io/v1alpha1", "ModelDeployment")
                        .inNamespace("default")
                        .withName("fraud")
                        .get();
                assertThat(String.valueOf((Object) md.get("status", "observedGeneration")))
                    .isEqualTo("1");
              });
      Deployment deployment =
          client.apps().deployments().inNamespace("default").list().getItems().stream()
              .filter(d -> d.getMetadata().getName().startsWith("fraud-1-"))
              .findFirst()
              .orElseThrow();
      assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
          .contains("model-server");
    }
  }

  @Test
  void trainerTrainsAndEvaluatesOnAReadOnlyDatasetAsNonRoot() throws Exception {
    Path dataset = work.resolve("trainer/dataset");
    Path output = work.resolve("trainer/output");
    deleteTree(work.resolve("trainer"));
    Files.createDirectories(dataset);
    Files.createDirectories(output);
    StringBuilder lines = new StringBuilder();
    java.util.Random random = new java.util.Random(5);
    for (int i = 0; i < 400; i++) {
      double[] x = new double[8];
      double logit = 0;
      StringBuilder values = new StringBuilder();
      for (int f = 0; f < 8; f++) {
        x[f] = Math.round(random.nextGaussian() * 1000) / 1000.0;
        logit += (f % 2 == 0 ? 1 : -1) * x[f];
        values.append(f == 0 ? "" : ",").append(x[f]);
      }
      lines.append(
          String.format(
              java.util.Locale.ROOT,
              "{\"time\":\"%s\",\"model\":\"fraud\",\"version\":\"1\",\"id\":\"r%d\",\"row\":0,"
                  + "\"features\":{\"input\":[%s]},\"label\":%d,\"prediction\":0}%n",
              java.time.Instant.now(),
              i,
              values,
              random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0));
    }
    Path rows = dataset.resolve("fraud-1-pod-20260101T000000Z-000000.jsonl");
    Files.writeString(rows, lines);
    Files.setPosixFilePermissions(rows, PosixFilePermissions.fromString("rw-r--r--"));
    Files.setPosixFilePermissions(dataset, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(output, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path models = modelVolume();
    List<String> contract =
        List.of(
            "--volume", dataset + ":/data:ro",
            "--volume", models + ":/base:ro",
            "--volume", output + ":/out",
            "--env", "MODELKEEPER_TASK=binary-classification",
            "--env", "MODELKEEPER_DATASET_DIR=/data",
            "--env", "MODELKEEPER_BASE_MODEL=/base/model.onnx",
            "--env", "MODELKEEPER_OUTPUT_DIR=/out",
            "--env", "MODELKEEPER_TERMINATION_LOG=/out/termination");

    List<String> train = new ArrayList<>(List.of("run", "--rm"));
    List<String> trainFlags = new ArrayList<>(contract);
    trainFlags.addAll(List.of("--env", "MODELKEEPER_TRAINING_MODE=incremental"));
    train.addAll(hardened(trainFlags, TRAINER));
    Podman.Result trained = podman.run(podmanLog, train.toArray(String[]::new));

    assertThat(trained.exitCode()).as("train: %s", trained.output()).isZero();
    assertThat(trained.output()).contains("modelkeeper.metric {\"step\":1,");
    String sha256 = Files.readString(output.resolve("model.onnx.sha256"));
    assertThat(Files.readString(output.resolve("termination")))
        .contains("\"sha256\":\"" + sha256 + "\"")
        .contains("\"mode\":\"incremental\"");

    List<String> evaluate = new ArrayList<>(List.of("run", "--rm"));
    List<String> evaluateFlags = new ArrayList<>(contract);
    evaluateFlags.addAll(List.of("--env", "MODELKEEPER_CANDIDATE_MODEL=/out/model.onnx"));
    evaluate.addAll(hardened(evaluateFlags, TRAINER));
    evaluate.add("evaluate");
    Podman.Result evaluated = podman.run(podmanLog, evaluate.toArray(String[]::new));

    assertThat(evaluated.exitCode()).as("evaluate: %s", evaluated.output()).isZero();
    assertThat(Files.readString(output.resolve("blessing.json")))
        .contains("\"signatureMatches\" : true");
    assertThat(Files.readString(output.resolve("termination"))).contains("\"metric\":\"accuracy\"");
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  /** The flags a hardened pod amounts to, then the image (whose entrypoint runs unchanged). */
  private static List<String> hardened(List<String> extra, String image) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--network=host",
                "--read-only",
                "--user",
                "65532:65532",
                "--tmpfs",
                "/tmp:rw,size=256m,mode=1777",
                "--memory",
                MEMORY_LIMIT_MIB + "m",
                "--cap-drop",
                "ALL",
                "--security-opt",
                "no-new-privileges",
                "--env",
                "QUARKUS_HTTP_HOST=127.0.0.1"));
    args.addAll(extra);
    args.add(image);
    return args;
  }

  /** A copy of the shipped model readable by any uid, as a volume mounted into a pod would be. */
  private Path modelVolume() throws IOException {
    Path dir = work.resolve("models/" + MODEL);
    Files.createDirectories(dir);
    for (String file : List.of("model.onnx", "model.onnx.sha256")) {
      Path copy = dir.resolve(file);
      Files.copy(
          project.resolve("examples/models/" + MODEL + "/" + file),
          copy,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    return dir;
  }

  private void awaitOk(String container, String url, Duration timeout) {
    try {
      await(url)
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptions()
          .failFast("the container exited", () -> !podman.running(podmanLog, container))
          .until(() -> http.get(url).status() == 200);
    } catch (ConditionTimeoutException | TerminalFailureException e) {
      throw new AssertionError(
          e.getMessage() + "; the container's log:\n" + podman.logs(podmanLog, container), e);
    }
  }

  private int uidOf(String container) throws IOException {
    long pid = podman.hostPid(podmanLog, container);
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("Uid:")) {
        return Integer.parseInt(line.split("\\s+")[1]);
      }
    }
    throw new IllegalStateException("no Uid line in /proc/" + pid + "/status");
  }

  /** The JVM's heap ceiling: the sum of the heap pools' maxima that the server exports. */
  private static long heapMaxBytes(String metrics) {
    Matcher pool =
        Pattern.compile("(?m)^jvm_memory_max_bytes\\{area=\"heap\"[^}]*} (\\S+)$").matcher(metrics);
    long sum = 0;
    while (pool.find()) {
      sum += (long) Double.parseDouble(pool.group(1));
    }
    assertThat(sum).as("jvm_memory_max_bytes{area=heap} in /metrics").isPositive();
    return sum;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static String tail(String text, int lines) {
    List<String> all = text.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }
}

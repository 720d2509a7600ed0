package io.modelkeeper.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelkeeper.contract.TrainingContract;
import io.modelkeeper.server.models.SampleModels;
import io.modelkeeper.trainer.support.Captured;
import io.modelkeeper.trainer.support.Captured.Row;
import io.modelkeeper.trainer.support.EventRecords;
import io.modelkeeper.trainer.support.Onnx;
import io.modelkeeper.trainer.support.Synthetic;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar, run as the trainer image runs it ({@code java -jar modelkeeper-trainer.jar
 * train|evaluate}, configured by the environment only): it trains incrementally from the sample
 * model, evaluates the candidate, fails with one line and exit 1 on bad input; and the packaged
 * model server serves the written model with the base model's metadata and the same outputs.
 */
class TrainerJarIT {
  static final Path JAR = Path.of("target/modelkeeper-trainer.jar");
  static final Path SERVER = Path.of("../model-server/target/quarkus-app/quarkus-run.jar");
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;
  private Process server;

  @AfterEach
  void stop() throws InterruptedException {
    if (server != null && server.isAlive()) {
      server.destroy();
      server.waitFor(20, TimeUnit.SECONDS);
      server.destroyForcibly();
    }
  }

  @Test
  void trainsEvaluatesAndTheModelServerServesTheResult() throws Exception {
    assertThat(JAR).as("packaged trainer (run through mvn verify)").exists();
    List<Row> rows =
        Synthetic.logistic(new double[] {1.2, -1.5, 0.5, 0, 0.5, -1, 0, 0.3}, 0.3, 2000, 8);
    Captured.write(dir.resolve("data"), "input", rows);
    Path base = dir.resolve("base/model.onnx");
    Files.createDirectories(base.getParent());
    Files.write(base, SampleModels.logisticRegression().toOnnx("logistic_regression", Map.of()));

    Map<String, String> env = env("out");
    env.put(TrainingContract.TRAINING_MODE, "incremental");
    env.put(TrainingContract.BASE_MODEL, base.toString());
    Result train = jar("train", env);
    assertThat(train.exitCode()).as(train.err()).isZero();
    JsonNode summary = JSON.readTree(Files.readString(dir.resolve("termination")));
    Path model = dir.resolve("out/model.onnx");
    assertThat(summary.get("mode").asText()).isEqualTo("incremental");
    assertThat(summary.get("sha256").asText())
        .isEqualTo(Files.readString(dir.resolve("out/model.onnx.sha256")));
    assertThat(train.out()).contains(TrainingContract.METRIC_LINE_PREFIX + " {\"step\":1,");
    // The packaged jar carries the generated Event protos and their runtime.
    try (Stream<Path> files = Files.list(dir.resolve("out"))) {
      Path events =
          files
              .filter(file -> file.getFileName().toString().startsWith("events.out.tfevents."))
              .findFirst()
              .orElseThrow();
      assertThat(EventRecords.events(events)).hasSize(1 + summary.get("epochs").asInt());
    }

    Map<String, String> evaluation = env("verdict");
    evaluation.put(TrainingContract.CANDIDATE_MODEL, model.toString());
    evaluation.put(TrainingContract.BASE_MODEL, base.toString());
    evaluation.put(TrainingContract.VALIDATION_METRIC, "auc");
    Result evaluate = jar("evaluate", evaluation);
    assertThat(evaluate.exitCode()).as(evaluate.err()).isZero();
    JsonNode verdict = JSON.readTree(Files.readString(dir.resolve("termination")));
    assertThat(verdict.get("metric").asText()).isEqualTo("auc_roc");
    assertThat(verdict.get("signatureMatches").asBoolean()).isTrue();
    assertThat(dir.resolve("verdict/blessing.json")).exists();

    JsonNode baseMetadata = serve(base).get("metadata");
    stop();
    JsonNode served = serve(model);
    assertThat(served.get("metadata").get("inputs")).isEqualTo(baseMetadata.get("inputs"));
    assertThat(served.get("metadata").get("outputs")).isEqualTo(baseMetadata.get("outputs"));
    List<Row> some = rows.subList(0, 16);
    float[] expected = Onnx.outputs(model, "input", some);
    JsonNode outputs = infer(served.get("port").asInt(), some).get("outputs").get(0);
    assertThat(outputs.get("name").asText()).isEqualTo("probability");
    for (int r = 0; r < some.size(); r++) {
      assertThat(outputs.get("data").get(r).asDouble())
          .isCloseTo(expected[r], org.assertj.core.data.Offset.offset(1e-5));
    }
  }

  @Test
  void badInputExitsOneWithOneLine() throws Exception {
    assertThat(JAR).as("packaged trainer (run through mvn verify)").exists();
    Result run = jar("train", env("out"));
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err().strip()).startsWith("train: dataset directory").doesNotContain("\n");
    assertThat(Files.readString(dir.resolve("termination"))).isEqualTo(run.err().strip());
  }

  private Map<String, String> env(String output) {
    Map<String, String> env = new java.util.HashMap<>();
    env.put(TrainingContract.TASK, "binary-classification");
    env.put(TrainingContract.DATASET_DIR, dir.resolve("data").toString());
    env.put(TrainingContract.OUTPUT_DIR, dir.resolve(output).toString());
    env.put(TrainingContract.HOLDOUT_FRACTION, "0.2");
    env.put("MODELKEEPER_TERMINATION_LOG", dir.resolve("termination").toString());
    return env;
  }

  record Result(int exitCode, String out, String err) {}

  private Result jar(String command, Map<String, String> env) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder("java", "-Xmx256m", "-jar", JAR.toAbsolutePath().toString(), command)
            .redirectOutput(dir.resolve(command + ".out").toFile())
            .redirectError(dir.resolve(command + ".err").toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("MODELKEEPER_"));
    builder.environment().putAll(env);
    builder.environment().put("ORT_DISABLE_TELEMETRY", "1");
    Process process = builder.start();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Result(
        process.exitValue(),
        Files.readString(dir.resolve(command + ".out")),
        Files.readString(dir.resolve(command + ".err")));
  }

  /** Starts the packaged model server on the model; its metadata and port. */
  private JsonNode serve(Path model) throws Exception {
    assertThat(SERVER).as("packaged model server (run through mvn verify)").exists();
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    ProcessBuilder builder =
        new ProcessBuilder("java", "-Xmx256m", "-jar", SERVER.toAbsolutePath().toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("server-" + port + ".log").toFile());
    builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
    builder.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
    builder.environment().put("MODELKEEPER_MODEL_NAME", "fraud");
    builder.environment().put("MODELKEEPER_MODEL_URI", model.toUri().toString());
    server = builder.start();
    int ready = port;
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(300))
        .until(() -> status(ready, "/v2/models/fraud/ready") == 200);
    ObjectNode result = JSON.createObjectNode();
    result.put("port", port);
    result.set("metadata", JSON.readTree(get(port, "/v2/models/fraud").body()));
    return result;
  }

  private static JsonNode infer(int port, List<Row> rows) throws Exception {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode input = body.putArray("inputs").addObject();
    input.put("name", "input");
    input.put("datatype", "FP32");
    input.putArray("shape").add(rows.size()).add(rows.get(0).features().length);
    ArrayNode data = input.putArray("data");
    for (Row row : rows) {
      for (float value : row.features()) {
        data.add(value);
      }
    }
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/v2/models/fraud/infer"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static HttpResponse<String> get(int port, String path)
      throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int status(int port, String path) {
    try {
      return get(port, path).statusCode();
    } catch (IOException | InterruptedException e) {
      return -1;
    }
  }
}

package io.modelkeeper.bench;

import io.modelkeeper.server.models.SampleModels;
import io.vertx.core.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Explanations, in two parts. Latency: one caller sends {@code POST …/explain} back to back, with a
 * 100-row background in the request, to the packaged server serving an 8-feature model (the example
 * logistic regression: exact Shapley values, 2^8 × 100 model rows) and a 32-feature one (a seeded
 * perceptron: Kernel SHAP, (2048 + 2) × 100 model rows); p50 and p99. Throughput: inference with
 * live importance off ({@code MODELKEEPER_EXPLAIN_LIVE_RATE=0}) and on, two servers driven by 32
 * clients in alternating slices, as the quality benchmark does. Argument: the packaged server jar.
 * Prints the load average at the start and the end.
 */
public final class ExplainBenchmark {
  private static final int BACKGROUND_ROWS = 100;
  private static final int CLIENTS = 32;
  private static final Duration LATENCY_WARMUP =
      Duration.ofSeconds(Integer.getInteger("bench.explain.warmup", 10));
  private static final Duration LATENCY_MEASURE =
      Duration.ofSeconds(Integer.getInteger("bench.explain.seconds", 30));
  private static final Duration SLICE =
      Duration.ofSeconds(Integer.getInteger("bench.explain.slice", 3));
  private static final Duration SLICE_WARMUP = Duration.ofSeconds(1);
  private static final int SLICES = Integer.getInteger("bench.slices", 12);
  private static final Duration WARMUP = Duration.ofSeconds(Integer.getInteger("bench.warmup", 15));
  private static final String LIVE_RATE = System.getProperty("bench.explain.live-rate", "0.01");

  private ExplainBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(args[0]);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " not found: package model-server first");
    }
    Path root = jar.toAbsolutePath().getParent().getParent().getParent().getParent();
    Path logisticRegression = root.resolve("examples/models/logistic-regression/model.onnx");
    Path logs = Files.createTempDirectory("modelkeeper-explain-bench");
    Path wide = logs.resolve("mlp-32.onnx");
    Files.write(wide, SampleModels.randomMlp(32L, 32, new int[] {64}, 2).toOnnx("mlp32", Map.of()));
    MachineLoad load = MachineLoad.atStart("explain benchmark");
    System.out.println("server logs in " + logs);

    System.out.println(
        "\n| features | algorithm | model rows per explanation | explanations | p50 ms | p99 ms"
            + " | errors |");
    System.out.println("|---|---|---|---|---|---|---|");
    latency(jar, logs, "8", logisticRegression, 8, "exact", 256L * BACKGROUND_ROWS);
    latency(jar, logs, "32", wide, 32, "kernel", 2050L * BACKGROUND_ROWS);

    throughput(jar, logs, logisticRegression);
    System.out.println();
    load.printEnd();
  }

  private static void latency(
      Path jar, Path logs, String name, Path model, int features, String algorithm, long rows)
      throws Exception {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("MODELKEEPER_MODEL_NAME", "m");
    env.put("MODELKEEPER_MODEL_URI", model.toUri().toString());
    env.put("MODELKEEPER_EXPLAIN_LIVE_RATE", "0");
    try (LoadDriver driver = new LoadDriver();
        ServerProcess server =
            ServerProcess.start(jar, logs.resolve("latency-" + name + ".log"), env)) {
      LoadDriver.Call call =
          new LoadDriver.Call(
              HttpMethod.POST,
              server.base + "/v2/models/m/explain",
              Map.of("Content-Type", "application/json"),
              explainBody(features));
      LoadDriver.Result result = driver.run(1, LATENCY_WARMUP, LATENCY_MEASURE, 1, call);
      System.out.printf(
          Locale.ROOT,
          "| %d | %s | %d | %d | %.1f | %.1f | %d |%n",
          features,
          algorithm,
          rows,
          result.latencies().length,
          result.p50Millis(),
          result.p99Millis(),
          result.errors());
    }
  }

  /** One row to explain and a 100-row background, from a fixed seed. */
  private static byte[] explainBody(int features) {
    Random random = new Random(features);
    StringBuilder json = new StringBuilder("{\"parameters\":{\"background\":[");
    for (int r = 0; r < BACKGROUND_ROWS; r++) {
      json.append(r == 0 ? "[" : ",[").append(values(random, features)).append(']');
    }
    json.append("]},\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,")
        .append(features)
        .append("],\"data\":[")
        .append(values(random, features))
        .append("]}]}");
    return json.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String values(Random random, int count) {
    StringBuilder values = new StringBuilder();
    for (int j = 0; j < count; j++) {
      values
          .append(j == 0 ? "" : ",")
          .append(String.format(Locale.ROOT, "%.4f", random.nextGaussian()));
    }
    return values.toString();
  }

  private static void throughput(Path jar, Path logs, Path model) throws Exception {
    Map<String, String> base = new LinkedHashMap<>();
    base.put("MODELKEEPER_MODEL_NAME", "lr");
    base.put("MODELKEEPER_MODEL_URI", model.toUri().toString());
    Map<String, String> offEnv = new LinkedHashMap<>(base);
    offEnv.put("MODELKEEPER_EXPLAIN_LIVE_RATE", "0");
    Map<String, String> onEnv = new LinkedHashMap<>(base);
    onEnv.put("MODELKEEPER_EXPLAIN_LIVE_RATE", LIVE_RATE);
    byte[] body =
        ("{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,8],"
                + "\"data\":[0.1,-0.3,1.2,0.0,0.5,-1.0,0.2,0.9]}]}")
            .getBytes(StandardCharsets.UTF_8);
    double[] requests = new double[2];
    List<Double> ratios = new ArrayList<>();
    List<List<Double>> p99 = List.of(new ArrayList<>(), new ArrayList<>());
    long errors = 0;
    String explained;
    try (LoadDriver driver = new LoadDriver();
        ServerProcess off = ServerProcess.start(jar, logs.resolve("live-off.log"), offEnv);
        ServerProcess on = ServerProcess.start(jar, logs.resolve("live-on.log"), onEnv)) {
      List<ServerProcess> arms = List.of(off, on);
      for (ServerProcess arm : arms) {
        driver.run(CLIENTS, WARMUP, SLICE, 1, infer(arm, body));
      }
      for (int slice = 0; slice < SLICES; slice++) {
        double[] perSlice = new double[2];
        for (int i : slice % 2 == 0 ? new int[] {0, 1} : new int[] {1, 0}) {
          LoadDriver.Call call = infer(arms.get(i), body);
          driver.run(CLIENTS, SLICE_WARMUP, Duration.ZERO, 1, call);
          LoadDriver.Result result = driver.run(CLIENTS, Duration.ZERO, SLICE, 1, call);
          perSlice[i] = result.requestsPerSecond();
          requests[i] += result.requestsPerSecond();
          p99.get(i).add(result.p99Millis());
          errors += result.errors();
        }
        ratios.add(perSlice[1] / perSlice[0]);
      }
      explained = liveExplanations(on);
    }
    ratios.sort(null);
    System.out.printf(
        Locale.ROOT,
        "%n%d clients, %d alternating slices of %d s per arm (after 1 s warm-up each)%n",
        CLIENTS,
        SLICES,
        SLICE.toSeconds());
    System.out.println("| live importance | requests/s | median p99 ms |");
    System.out.println("|---|---|---|");
    System.out.printf(
        Locale.ROOT, "| off | %.0f | %.2f |%n", requests[0] / SLICES, median(p99.get(0)));
    System.out.printf(
        Locale.ROOT,
        "| on (rate %s) | %.0f | %.2f |%n",
        LIVE_RATE,
        requests[1] / SLICES,
        median(p99.get(1)));
    System.out.printf(
        Locale.ROOT,
        "throughput on/off %.3f; per slice pair median %.3f, range %.3f-%.3f; errors %d;"
            + " live explanations (on arm): %s%n",
        requests[1] / requests[0],
        median(ratios),
        ratios.get(0),
        ratios.get(ratios.size() - 1),
        errors,
        explained);
  }

  private static LoadDriver.Call infer(ServerProcess server, byte[] body) {
    return new LoadDriver.Call(
        HttpMethod.POST,
        server.base + "/v2/models/lr/infer",
        Map.of("Content-Type", "application/json"),
        body);
  }

  /** The on arm's modelkeeper_live_explanations_total lines, by result. */
  private static String liveExplanations(ServerProcess server) throws Exception {
    StringBuilder counts = new StringBuilder();
    for (String line : server.get("/metrics").body().split("\n")) {
      if (line.startsWith("modelkeeper_live_explanations_total{")) {
        String result = line.replaceAll(".*result=\"([a-z]+)\".*", "$1");
        counts
            .append(counts.isEmpty() ? "" : ", ")
            .append(result)
            .append(' ')
            .append(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return counts.toString();
  }

  private static double median(List<Double> values) {
    return values.stream().sorted().skip(values.size() / 2).findFirst().orElse(Double.NaN);
  }
}

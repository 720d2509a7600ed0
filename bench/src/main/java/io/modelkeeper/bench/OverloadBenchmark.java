package io.modelkeeper.bench;

import io.modelkeeper.server.models.DenseNetwork;
import io.modelkeeper.server.models.SampleModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Overload: measures the server's capacity (closed loop), its unloaded latency (one caller), then
 * offers twice the capacity open-loop and reports the admitted requests' latency and how fast the
 * excess is refused. Targets: admitted p99 within 3x the unloaded p99, refusals (503 with
 * Retry-After) in under 5 ms at p99. Refuses to report when the load average at start exceeds the
 * number of cores, since then it would measure the machine. Arguments: the packaged server jar.
 *
 * <p>System properties: {@code bench.overload.seconds} (open-loop length, default 20), {@code
 * bench.overload.factor} (offered load over capacity, 2), {@code bench.overload.clients}
 * (closed-loop callers for the capacity, 8), {@code bench.overload.env} (server settings, K=V,K=V),
 * {@code bench.overload.force} (run on a busy machine anyway, marking the figures as no
 * measurement).
 */
public final class OverloadBenchmark {

  private static final String DEFAULT_ENV =
      "MODELKEEPER_MAX_IN_FLIGHT=32,MODELKEEPER_MAX_QUEUE_SIZE=32,MODELKEEPER_QUEUE_TIMEOUT=20ms";

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(args[0]);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " not found: package model-server first");
    }
    int seconds = Integer.getInteger("bench.overload.seconds", 20);
    double factor = Double.parseDouble(System.getProperty("bench.overload.factor", "2"));
    int clients = Integer.getInteger("bench.overload.clients", 32);
    boolean heavy = !"mlp".equals(System.getProperty("bench.overload.model", "heavy"));
    boolean force = Boolean.getBoolean("bench.overload.force");
    int cores = Runtime.getRuntime().availableProcessors();
    String startLoad = ServingBenchmark.loadAverage();
    System.out.printf(
        "overload benchmark: cores=%d, java=%s, server -Xmx256m, load average at start: %s%n",
        cores, System.getProperty("java.version"), startLoad);
    double load1 = Double.parseDouble(startLoad.split(" ")[0]);
    if (load1 > cores && !force) {
      System.out.printf(
          "refusing to report: the load average %.2f at start exceeds the %d cores; run it alone"
              + " (BENCHMARKS.md, Overload)%n",
          load1, cores);
      System.exit(2);
    }
    boolean measurement = load1 <= cores;
    if (!measurement) {
      System.out.println("FORCED on a busy machine: the figures below are NOT a measurement");
    }

    Path work = Files.createTempDirectory("modelkeeper-overload");
    // The heavy MLP makes capacity a matter of the model, not of HTTP: at twice its capacity the
    // load driver, which shares the cores, is not the bottleneck.
    DenseNetwork network = heavy ? SampleModels.heavyMlp() : SampleModels.mlp();
    Path model = Files.write(work.resolve("model.onnx"), network.toOnnx("model", Map.of()));
    Map<String, String> env = new LinkedHashMap<>();
    env.put("MODELKEEPER_MODEL_NAME", "model");
    env.put("MODELKEEPER_MODEL_URI", model.toUri().toString());
    for (String setting : System.getProperty("bench.overload.env", DEFAULT_ENV).split(",")) {
      if (setting.contains("=")) {
        env.put(
            setting.substring(0, setting.indexOf('=')),
            setting.substring(setting.indexOf('=') + 1));
      }
    }
    System.out.println("server settings: " + env);

    Duration phase = Duration.ofSeconds(Math.max(2, seconds / 2));
    try (ServerProcess server = ServerProcess.start(jar, work.resolve("server.log"), env);
        LoadDriver closed = new LoadDriver();
        OpenLoopDriver open = new OpenLoopDriver()) {
      String url = server.base + "/v2/models/model/infer";
      LoadDriver.Call infer =
          heavy
              ? ServingBenchmark.binaryRequest(url, network, 1, 1)
              : ServingBenchmark.jsonRequest(url, network, 1, 1);
      closed.run(clients, Duration.ZERO, Duration.ofSeconds(3), 1, infer);

      LoadDriver.Result capacity = closed.run(clients, Duration.ofSeconds(1), phase, 1, infer);
      LoadDriver.Result unloaded = closed.run(1, Duration.ofSeconds(1), phase, 1, infer);
      // Capacity counts answered requests only (200), not refusals.
      double served = (capacity.latencies().length - capacity.errors()) / capacity.seconds();
      double offered = factor * served;
      OpenLoopDriver.Result overload =
          open.run(infer, offered, Duration.ofSeconds(1), Duration.ofSeconds(seconds), 512);

      report(capacity, served, unloaded, offered, overload, clients, measurement);
      System.out.printf(
          "server peak RSS (VmHWM) %.0f MiB; load average at end: %s%n",
          server.rssMiB("VmHWM"), ServingBenchmark.loadAverage());
    }
  }

  private static void report(
      LoadDriver.Result capacity,
      double served,
      LoadDriver.Result unloaded,
      double offered,
      OpenLoopDriver.Result overload,
      int clients,
      boolean measurement) {
    double admittedP99 = OpenLoopDriver.Result.percentileMillis(overload.admitted(), 0.99);
    double refusedP99 = OpenLoopDriver.Result.percentileMillis(overload.refused(), 0.99);
    System.out.println();
    System.out.println("| measurement | req/s | p50 ms | p99 ms | max ms |");
    System.out.println("|---|---:|---:|---:|---:|");
    System.out.printf(
        Locale.ROOT,
        "| capacity: closed loop, %d callers, answered (%d refused) | %.0f | %.2f | %.2f | – |%n",
        clients,
        capacity.errors(),
        served,
        capacity.p50Millis(),
        capacity.p99Millis());
    System.out.printf(
        Locale.ROOT,
        "| unloaded: closed loop, 1 caller | %.0f | %.2f | %.2f | – |%n",
        unloaded.requestsPerSecond(),
        unloaded.p50Millis(),
        unloaded.p99Millis());
    System.out.printf(
        Locale.ROOT,
        "| offered open loop at %.0f req/s: admitted (200) | %.0f | %.2f | %.2f | %.2f |%n",
        offered,
        overload.admitted().length / overload.seconds(),
        OpenLoopDriver.Result.percentileMillis(overload.admitted(), 0.50),
        admittedP99,
        OpenLoopDriver.Result.percentileMillis(overload.admitted(), 1.0));
    System.out.printf(
        Locale.ROOT,
        "| offered open loop at %.0f req/s: refused (503) | %.0f | %.2f | %.2f | %.2f |%n",
        offered,
        overload.refused().length / overload.seconds(),
        OpenLoopDriver.Result.percentileMillis(overload.refused(), 0.50),
        refusedP99,
        OpenLoopDriver.Result.percentileMillis(overload.refused(), 1.0));
    System.out.printf(
        "sent %d in the measured window; other statuses %d, transport failures %d, 503 without"
            + " Retry-After %d%n",
        overload.sent(),
        overload.otherStatuses(),
        overload.failures(),
        overload.refusedWithoutRetryAfter());
    double bound = 3 * unloaded.p99Millis();
    System.out.printf(
        Locale.ROOT,
        "target admitted p99 <= 3 x unloaded p99: %.2f ms vs %.2f ms: %s%n",
        admittedP99,
        bound,
        admittedP99 <= bound ? "met" : "NOT met");
    System.out.printf(
        Locale.ROOT,
        "target refusals in < 5 ms (p99): %.2f ms: %s%n",
        refusedP99,
        refusedP99 < 5 ? "met" : "NOT met");
    if (!measurement) {
      System.out.println("(forced on a busy machine: not a measurement)");
    }
  }
}

package io.modelkeeper.bench;

import io.modelkeeper.server.drift.DriftMonitor;
import io.modelkeeper.server.quality.InputLayout;
import io.modelkeeper.server.quality.ModelQuality;
import io.modelkeeper.server.quality.PredictionReader;
import io.modelkeeper.server.quality.PredictionReader.TensorRows;
import io.modelkeeper.server.quality.PredictionStore;
import io.modelkeeper.server.quality.Task;
import io.vertx.core.http.HttpMethod;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Inference throughput with quality and drift monitoring off and on, in one run: the packaged
 * server runs twice (without and with {@code MODELKEEPER_TASK}) on the example logistic regression,
 * and 32 clients send single-row requests to each in short slices that alternate which arm goes
 * first, so load from other processes falls on both alike. Also reports each server's CPU time per
 * request (from /proc) and the in-process cost of what monitoring adds to a request. Arguments: the
 * packaged server jar, optionally the monitored arm's settings as {@code K=V,K=V} ({@code none} for
 * an A/A run that measures the noise).
 */
public final class QualityBenchmark {
  private static final int CLIENTS = 32;
  private static final Duration SLICE = Duration.ofSeconds(3);
  private static final Duration SLICE_WARMUP = Duration.ofSeconds(1);
  private static final int SLICES = Integer.getInteger("bench.slices", 12);

  /** Long enough for the JIT to finish on a busy machine: its CPU would count against an arm. */
  private static final Duration WARMUP = Duration.ofSeconds(Integer.getInteger("bench.warmup", 15));

  /** One arm: its server, pid and what was measured against it. */
  private static final class Arm {
    final String name;
    final ServerProcess server;
    final long pid;
    double requests;
    double seconds;
    ServerCpu.Sample cpu = ServerCpu.NONE;
    long errors;
    double rowsPerRun;
    double gcPauseSeconds;
    final List<Double> perSlice = new ArrayList<>();
    final List<Double> p50 = new ArrayList<>();
    final List<Double> p99 = new ArrayList<>();

    Arm(String name, ServerProcess server, long pid) {
      this.name = name;
      this.server = server;
      this.pid = pid;
    }
  }

  private QualityBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(args[0]);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " not found: package model-server first");
    }
    Map<String, String> onSettings =
        settings(args.length > 1 ? args[1] : "MODELKEEPER_TASK=binary-classification");
    Path model =
        Path.of(
            jar.toAbsolutePath().getParent().getParent().getParent().getParent().toString(),
            "examples",
            "models",
            "logistic-regression",
            "model.onnx");
    Map<String, String> base =
        Map.of("MODELKEEPER_MODEL_NAME", "lr", "MODELKEEPER_MODEL_URI", model.toUri().toString());
    MachineLoad load = MachineLoad.atStart("quality benchmark");
    System.out.println("monitored arm: " + onSettings);
    Map<String, String> onEnv = new LinkedHashMap<>(base);
    onEnv.putAll(onSettings);
    Path logs = Files.createTempDirectory("modelkeeper-quality-bench");
    System.out.println("server logs in " + logs);
    Arm off = start("off", jar, base, logs);
    Arm on = start("on", jar, onEnv, logs);
    byte[] body =
        ("{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,8],"
                + "\"data\":[0.1,-0.3,1.2,0.0,0.5,-1.0,0.2,0.9]}]}")
            .getBytes(StandardCharsets.UTF_8);
    try (LoadDriver driver = new LoadDriver();
        off.server;
        on.server) {
      for (Arm arm : List.of(off, on)) {
        driver.run(CLIENTS, WARMUP, SLICE, 1, call(arm, body));
      }
      for (Arm arm : List.of(off, on)) {
        arm.gcPauseSeconds = -arm.server.metricSum("jvm_gc_pause_seconds");
      }
      for (int slice = 0; slice < SLICES; slice++) {
        for (Arm arm : slice % 2 == 0 ? List.of(off, on) : List.of(on, off)) {
          LoadDriver.Result result =
              driver.run(CLIENTS, SLICE_WARMUP, Duration.ZERO, 1, call(arm, body));
          ServerCpu.Sample cpuBefore = ServerCpu.of(arm.pid);
          result = driver.run(CLIENTS, Duration.ZERO, SLICE, 1, call(arm, body));
          arm.cpu = arm.cpu.plus(ServerCpu.of(arm.pid).minus(cpuBefore));
          arm.requests += result.requestsPerSecond() * SLICE.toNanos() / 1e9;
          arm.seconds += SLICE.toNanos() / 1e9;
          arm.errors += result.errors();
          arm.p50.add(result.p50Millis());
          arm.p99.add(result.p99Millis());
          arm.perSlice.add(result.requestsPerSecond());
        }
      }
      for (Arm arm : List.of(off, on)) {
        arm.gcPauseSeconds += arm.server.metricSum("jvm_gc_pause_seconds");
        arm.rowsPerRun = arm.server.metricMean("modelkeeper_batch_size");
      }
    }
    report(off, on);
    inProcessCost();
    load.printEnd();
  }

  private static Arm start(String name, Path jar, Map<String, String> env, Path logs)
      throws Exception {
    Set<Long> before = children();
    ServerProcess server = ServerProcess.start(jar, logs.resolve(name + ".log"), env);
    long pid = children().stream().filter(p -> !before.contains(p)).findFirst().orElseThrow();
    return new Arm(name, server, pid);
  }

  private static Set<Long> children() {
    return ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
  }

  private static LoadDriver.Call call(Arm arm, byte[] body) {
    return new LoadDriver.Call(
        HttpMethod.POST,
        arm.server.base + "/v2/models/lr/infer",
        Map.of("Content-Type", "application/json"),
        body);
  }

  private static void report(Arm off, Arm on) {
    System.out.printf(
        "%n%d clients, %d alternating slices of %d s per arm (after 1 s warm-up " + "each)%n",
        CLIENTS, SLICES, SLICE.toSeconds());
    System.out.println(
        "| monitoring | requests/s | median p50 ms | median p99 ms "
            + "| server CPU µs/request | request threads | GC | JIT | other | GC pauses ms/s "
            + "| rows per run | errors |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (Arm arm : List.of(off, on)) {
      double perRequest = 1e3 * arm.requests;
      System.out.printf(
          Locale.ROOT,
          "| %s | %.0f | %.2f | %.2f | %.1f | %.1f | %.1f | %.1f | %.1f "
              + "| %.1f | %.2f | %d |%n",
          arm.name,
          arm.requests / arm.seconds,
          median(arm.p50),
          median(arm.p99),
          arm.cpu.total() / perRequest,
          arm.cpu.requests() / perRequest,
          arm.cpu.gc() / perRequest,
          arm.cpu.jit() / perRequest,
          arm.cpu.other() / perRequest,
          1e3 * arm.gcPauseSeconds / (SLICES * (SLICE.toSeconds() + SLICE_WARMUP.toSeconds())),
          arm.rowsPerRun,
          arm.errors);
    }
    double throughput = (on.requests / on.seconds) / (off.requests / off.seconds);
    double cpu = ((double) on.cpu.total() / on.requests) / (off.cpu.total() / off.requests);
    System.out.printf(
        Locale.ROOT,
        "throughput on/off %.3f (%.1f%% loss), server CPU per request " + "on/off %.3f%n",
        throughput,
        100 * (1 - throughput),
        cpu);
    // Slices taken back to back form pairs; their spread shows how much the machine moved.
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < SLICES; i++) {
      ratios.add(on.perSlice.get(i) / off.perSlice.get(i));
    }
    ratios.sort(null);
    System.out.printf(
        Locale.ROOT,
        "per slice pair, throughput on/off: median %.3f, quartiles "
            + "%.3f-%.3f, range %.3f-%.3f%n",
        median(ratios),
        ratios.get(SLICES / 4),
        ratios.get((3 * SLICES) / 4),
        ratios.get(0),
        ratios.get(SLICES - 1));
  }

  /** CPU time the monitoring adds to one single-row request, measured without HTTP. */
  private static void inProcessCost() throws InterruptedException {
    InputLayout inputs = new InputLayout(List.of("input"), new int[] {8});
    ModelQuality quality =
        new ModelQuality(
            Task.BINARY_CLASSIFICATION,
            PredictionReader.detect(
                Task.BINARY_CLASSIFICATION,
                List.of(new PredictionReader.Output("probability", true, 1)),
                new PredictionReader.Settings(
                    Optional.empty(),
                    Optional.empty(),
                    PredictionReader.ScoreKind.AUTO,
                    List.of())),
            inputs,
            new PredictionStore(100_000, Duration.ofHours(1), System::currentTimeMillis),
            1000,
            DriftMonitor.capturing(
                inputs.defaultFeatures(64),
                true,
                new DriftMonitor.Settings(1000, 1000, 0.05, Duration.ofSeconds(1))),
            null,
            Clock.systemUTC());
    float[] row = {0.1f, -0.3f, 1.2f, 0f, 0.5f, -1f, 0.2f, 0.9f};
    TensorRows features = index -> row[index];
    TensorRows probability = index -> 0.7f;
    var threadsCpu = ManagementFactory.getThreadMXBean();
    var process =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    System.out.println();
    // The first pass warms the JIT; the second and third are the figures.
    for (int threads : new int[] {1, 1, CLIENTS}) {
      int perThread = 1_000_000 / threads;
      AtomicLong callerNanos = new AtomicLong();
      long processBefore = process.getProcessCpuTime();
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String prefix = t + ":";
        workers.add(
            new Thread(
                () -> {
                  long begin = threadsCpu.getCurrentThreadCpuTime();
                  for (int i = 0; i < perThread; i++) {
                    quality.inferred(prefix + i, 1, name -> features, name -> probability);
                  }
                  callerNanos.addAndGet(threadsCpu.getCurrentThreadCpuTime() - begin);
                }));
      }
      workers.forEach(Thread::start);
      for (Thread worker : workers) {
        worker.join();
      }
      double calls = perThread * (double) threads;
      System.out.printf(
          Locale.ROOT,
          "in-process, %d thread(s): %.2f µs CPU per request in the "
              + "calling threads, %.2f µs in the whole process (with garbage collection)%n",
          threads,
          callerNanos.get() / calls / 1e3,
          (process.getProcessCpuTime() - processBefore) / calls / 1e3);
    }
  }

  private static Map<String, String> settings(String spec) {
    Map<String, String> settings = new LinkedHashMap<>();
    if (spec.equals("none")) {
      return settings;
    }
    for (String pair : spec.split(",")) {
      if (!pair.isBlank()) {
        String[] kv = pair.split("=", 2);
        settings.put(kv[0].trim(), kv[1].trim());
      }
    }
    return settings;
  }

  private static double median(List<Double> values) {
    return values.stream().sorted().skip(values.size() / 2).findFirst().orElse(Double.NaN);
  }
}

package io.modelkeeper.server.quality;

import io.modelkeeper.server.drift.DriftMonitor;
import io.modelkeeper.server.quality.PredictionReader.Output;
import io.modelkeeper.server.quality.PredictionReader.ScoreKind;
import io.modelkeeper.server.quality.PredictionReader.Settings;
import io.modelkeeper.server.quality.PredictionReader.TensorRows;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Inference throughput with quality and drift monitoring on and off, measured in one run: the
 * packaged server runs twice, without and with {@code MODELKEEPER_TASK}, and 32 clients send
 * single-row requests to each in turn, in short alternating slices; the servers' CPU time per
 * request is read from /proc. Not part of the test suite (the name does not end in
 * Test); run it as the README's "Model quality and drift" section shows. Also times the
 * monitoring's per-request work in-process.
 */
class QualityOverheadBenchmark {
  private static final int CLIENTS = Integer.getInteger("bench.clients", 32);
  private static final Duration WARMUP = Duration.ofSeconds(Long.getLong("bench.warmup", 5));
  private static final Duration SLICE = Duration.ofSeconds(Long.getLong("bench.slice", 3));
  private static final int SLICES = Integer.getInteger("bench.slices", 10);

  @Test
  void throughputWithMonitoringOnAndOff() throws Exception {
    if (Boolean.getBoolean("bench.inProcessOnly")) {
      inProcessCost();
      return;
    }
    Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "no " + jar + ": run ./mvnw -B -q -pl model-server package -DskipTests first");
    }
    Path model = Path.of("..", "examples", "models", "logistic-regression", "model.onnx")
        .toAbsolutePath().normalize();
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Server off = Server.start(jar, model, "off", Map.of());
    Server on = Server.start(jar, model, "on", onEnvironment());
    try {
      for (Server server : List.of(off, on)) {
        awaitReady(client, server.base());
        load(client, server.base(), WARMUP);
      }
      // Short slices, alternating which arm goes first, so that load from other processes on
      // the machine falls on both arms alike.
      for (int slice = 0; slice < SLICES; slice++) {
        List<Server> order = slice % 2 == 0 ? List.of(off, on) : List.of(on, off);
        for (Server server : order) {
          long cpuBefore = server.cpuNanos();
          Load load = load(client, server.base(), SLICE);
          server.add(load, server.cpuNanos() - cpuBefore);
        }
      }
    } finally {
      off.stop();
      on.stop();
    }
    System.out.printf(Locale.ROOT, "%n%d clients, %d alternating slices of %ds per arm, "
        + "load average %.1f at the end%n", CLIENTS, SLICES, SLICE.toSeconds(),
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    System.out.println(
        "| monitoring | requests/s | p50 ms | p99 ms | server CPU µs/request | errors |");
    System.out.println("|---|---|---|---|---|---|");
    for (Server server : List.of(off, on)) {
      System.out.printf(Locale.ROOT, "| %s | %.0f | %.2f | %.2f | %.0f | %d |%n", server.arm,
          server.requestsPerSecond(), server.percentile(0.5), server.percentile(0.99),
          server.cpuMicrosPerRequest(), server.errors);
    }
    System.out.printf(Locale.ROOT, "throughput on/off %.3f (%.1f%% loss); server CPU per request "
        + "on/off %.3f%n", on.requestsPerSecond() / off.requestsPerSecond(),
        100 * (1 - on.requestsPerSecond() / off.requestsPerSecond()),
        on.cpuMicrosPerRequest() / off.cpuMicrosPerRequest());
    inProcessCost();
  }

  /**
   * Settings of the monitored arm: {@code -Dbench.onEnv=K=V,K=V} (default: the task only, so
   * quality and drift run with their defaults); an empty value gives an A/A run for the noise.
   */
  private static Map<String, String> onEnvironment() {
    String spec = System.getProperty("bench.onEnv", "MODELKEEPER_TASK=binary-classification");
    Map<String, String> env = new java.util.LinkedHashMap<>();
    for (String pair : spec.split(",")) {
      if (!pair.isBlank()) {
        String[] kv = pair.split("=", 2);
        env.put(kv[0].trim(), kv[1].trim());
      }
    }
    System.out.println("monitored arm: " + env);
    return env;
  }

  /** One server process and what was measured against it. */
  private static final class Server {
    final String arm;
    final Process process;
    final int port;
    long requests;
    long errors;
    double seconds;
    long cpuNanos;
    final List<long[]> latencies = new ArrayList<>();

    private Server(String arm, Process process, int port) {
      this.arm = arm;
      this.process = process;
      this.port = port;
    }

    static Server start(Path jar, Path model, String arm, Map<String, String> env)
        throws IOException {
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      ProcessBuilder builder = new ProcessBuilder(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx512m", "-jar", jar.toString())
          .redirectErrorStream(true)
          .redirectOutput(Path.of("target", "bench-server-" + arm + ".log").toFile());
      builder.environment().putAll(Map.of(
          "QUARKUS_HTTP_HOST", "127.0.0.1",
          "QUARKUS_HTTP_PORT", Integer.toString(port),
          "MODELKEEPER_MODEL_NAME", "bench",
          "MODELKEEPER_MODEL_VERSION", "1",
          "MODELKEEPER_MODEL_URI", model.toUri().toString()));
      builder.environment().remove("MODELKEEPER_TASK");
      builder.environment().putAll(env);
      return new Server(arm, builder.start(), port);
    }

    String base() {
      return "http://127.0.0.1:" + port;
    }

    /** User plus system CPU time of the process, from /proc (Linux). */
    long cpuNanos() throws IOException {
      String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      return ticks * 10_000_000L;
    }

    void add(Load load, long cpu) {
      requests += load.requests();
      errors += load.errors();
      seconds += load.seconds();
      cpuNanos += cpu;
      latencies.add(load.latencies());
    }

    double requestsPerSecond() {
      return requests / seconds;
    }

    double cpuMicrosPerRequest() {
      return cpuNanos / 1e3 / requests;
    }

    double percentile(double q) {
      long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
      return all.length == 0 ? Double.NaN
          : all[Math.min(all.length - 1, (int) (q * all.length))] / 1e6;
    }

    void stop() throws InterruptedException {
      process.destroy();
      process.waitFor();
    }
  }

  private static void awaitReady(HttpClient client, String base) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> ready = client.send(
            HttpRequest.newBuilder(URI.create(base + "/v2/health/ready")).build(),
            HttpResponse.BodyHandlers.ofString());
        if (ready.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // The server is still starting.
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("server at " + base + " did not become ready");
  }

  /** What one load slice achieved. */
  record Load(long requests, long errors, double seconds, long[] latencies) {}

  private static Load load(HttpClient client, String base, Duration duration)
      throws InterruptedException {
    URI infer = URI.create(base + "/v2/models/bench/infer");
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long[][] latencies = new long[CLIENTS][];
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      int clientIndex = c;
      Thread thread = new Thread(() -> {
        long[] mine = new long[1 << 16];
        int count = 0;
        long sequence = 0;
        while (running.get()) {
          String body = request(clientIndex + "-" + sequence++);
          long start = System.nanoTime();
          try {
            HttpResponse<Void> response = client.send(
                HttpRequest.newBuilder(infer).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() == 200) {
              ok.incrementAndGet();
              if (count == mine.length) {
                mine = Arrays.copyOf(mine, count * 2);
              }
              mine[count++] = System.nanoTime() - start;
            } else {
              errors.incrementAndGet();
            }
          } catch (IOException | InterruptedException e) {
            errors.incrementAndGet();
          }
        }
        latencies[clientIndex] = Arrays.copyOf(mine, count);
      });
      threads.add(thread);
    }
    long start = System.nanoTime();
    threads.forEach(Thread::start);
    Thread.sleep(duration.toMillis());
    running.set(false);
    for (Thread thread : threads) {
      thread.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).toArray();
    return new Load(ok.get(), errors.get(), seconds, all);
  }

  private static String request(String id) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    StringBuilder data = new StringBuilder();
    for (int f = 0; f < 8; f++) {
      data.append(f == 0 ? "" : ",").append((float) random.nextGaussian());
    }
    return "{\"id\":\"" + id + "\",\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\","
        + "\"shape\":[1,8],\"data\":[" + data + "]}]}";
  }

  /** Nanoseconds per {@link ModelQuality#inferred} call: the work added to each request. */
  private static void inProcessCost() throws Exception {
    InputLayout inputs = new InputLayout(List.of("input"), new int[] {8});
    ModelQuality quality = new ModelQuality(Task.BINARY_CLASSIFICATION,
        PredictionReader.detect(Task.BINARY_CLASSIFICATION,
            List.of(new Output("probability", true, 1)),
            new Settings(Optional.empty(), Optional.empty(), ScoreKind.AUTO, List.of())),
        inputs, new PredictionStore(100_000, Duration.ofHours(1), System::currentTimeMillis),
        1000, DriftMonitor.capturing(inputs.defaultFeatures(64), true,
            new DriftMonitor.Settings(1000, 1000, 0.05, Duration.ofSeconds(1))),
        null, Clock.systemUTC());
    float[] row = {0.1f, -0.3f, 1.2f, 0.0f, 0.5f, -1.0f, 0.2f, 0.9f};
    TensorRows features = PredictionReaderTest.rows(8, row);
    TensorRows probability = PredictionReaderTest.rows(1, 0.7f);
    java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
    var process = (com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    for (int threads : new int[] {1, CLIENTS, 1}) {
      int perThread = 1_000_000 / threads;
      long processBefore = process.getProcessCpuTime();
      AtomicLong cpuNanos = new AtomicLong();
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String prefix = t + ":";
        workers.add(new Thread(() -> {
          long begin = cpu.getCurrentThreadCpuTime();
          for (int i = 0; i < perThread; i++) {
            quality.inferred(prefix + i, 1, name -> features, name -> probability);
          }
          cpuNanos.addAndGet(cpu.getCurrentThreadCpuTime() - begin);
        }));
      }
      workers.forEach(Thread::start);
      for (Thread worker : workers) {
        worker.join();
      }
      double calls = perThread * (double) threads;
      System.out.printf(Locale.ROOT,
          "in-process, %d thread(s): %.0f ns CPU per single-row request recorded by the calling "
              + "threads, %.0f ns by the whole process (with garbage collection)%n", threads,
          cpuNanos.get() / calls, (process.getProcessCpuTime() - processBefore) / calls);
    }
  }
}

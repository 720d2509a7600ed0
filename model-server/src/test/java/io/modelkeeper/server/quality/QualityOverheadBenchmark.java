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
 * Inference throughput with quality and drift monitoring on and off, measured in one run:
 * the packaged server is started alternately without and with {@code MODELKEEPER_TASK}, and 32
 * clients send single-row requests to it. Not part of the test suite (the name does not end in
 * Test); run it as the README's "Model quality and drift" section shows. Also times the
 * monitoring's per-request work in-process.
 */
class QualityOverheadBenchmark {
  private static final int CLIENTS = Integer.getInteger("bench.clients", 32);
  private static final Duration WARMUP = Duration.ofSeconds(Long.getLong("bench.warmup", 5));
  private static final Duration MEASURE = Duration.ofSeconds(Long.getLong("bench.seconds", 15));
  private static final int ROUNDS = Integer.getInteger("bench.rounds", 2);

  /** Throughput and client-side latency of one measured round. */
  record Round(String arm, double requestsPerSecond, double p50Millis, double p99Millis,
      long errors) {}

  @Test
  void throughputWithMonitoringOnAndOff() throws Exception {
    Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "no " + jar + ": run ./mvnw -B -q -pl model-server package -DskipTests first");
    }
    Path model = Path.of("..", "examples", "models", "logistic-regression", "model.onnx")
        .toAbsolutePath().normalize();
    List<Round> rounds = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      rounds.add(measure(jar, model, "off", Map.of()));
      rounds.add(measure(jar, model, "on", Map.of("MODELKEEPER_TASK", "binary-classification")));
    }
    System.out.printf(Locale.ROOT, "%n%d clients, %ds warm-up, %ds measured per round%n",
        CLIENTS, WARMUP.toSeconds(), MEASURE.toSeconds());
    System.out.println("| round | monitoring | requests/s | p50 ms | p99 ms | errors |");
    System.out.println("|---|---|---|---|---|---|");
    for (int i = 0; i < rounds.size(); i++) {
      Round r = rounds.get(i);
      System.out.printf(Locale.ROOT, "| %d | %s | %.0f | %.2f | %.2f | %d |%n", i / 2 + 1,
          r.arm(), r.requestsPerSecond(), r.p50Millis(), r.p99Millis(), r.errors());
    }
    double off = rounds.stream().filter(r -> r.arm().equals("off"))
        .mapToDouble(Round::requestsPerSecond).average().orElseThrow();
    double on = rounds.stream().filter(r -> r.arm().equals("on"))
        .mapToDouble(Round::requestsPerSecond).average().orElseThrow();
    System.out.printf(Locale.ROOT, "mean off %.0f req/s, on %.0f req/s, on/off %.3f (%.1f%% loss)%n",
        off, on, on / off, 100 * (1 - on / off));
    inProcessCost();
  }

  private Round measure(Path jar, Path model, String arm, Map<String, String> env)
      throws Exception {
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
    Process server = builder.start();
    try {
      String base = "http://127.0.0.1:" + port;
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      awaitReady(client, base);
      load(client, base, WARMUP);
      return load(client, base, MEASURE).withArm(arm);
    } finally {
      server.destroy();
      server.waitFor();
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

  /** Partial result of {@link #load}; the arm is filled in by the caller. */
  record Load(double requestsPerSecond, double p50Millis, double p99Millis, long errors) {
    Round withArm(String arm) {
      return new Round(arm, requestsPerSecond, p50Millis, p99Millis, errors);
    }
  }

  private static Load load(HttpClient client, String base, Duration duration)
      throws InterruptedException {
    URI infer = URI.create(base + "/v2/models/bench/infer");
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long[][] latencies = new long[CLIENTS][];
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      int client_ = c;
      Thread thread = new Thread(() -> {
        long[] mine = new long[1 << 16];
        int count = 0;
        long sequence = 0;
        while (running.get()) {
          String body = request(client_ + "-" + sequence++);
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
        latencies[client_] = Arrays.copyOf(mine, count);
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
    long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
    return new Load(ok.get() / seconds, percentile(all, 0.5), percentile(all, 0.99),
        errors.get());
  }

  private static double percentile(long[] sorted, double q) {
    return sorted.length == 0 ? Double.NaN
        : sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))] / 1e6;
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
    for (int threads : new int[] {1, CLIENTS, 1}) {
      int perThread = 400_000 / threads;
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
      System.out.printf(Locale.ROOT,
          "in-process, %d thread(s): %.0f ns CPU per single-row request recorded%n", threads,
          cpuNanos.get() / (double) (perThread * threads));
    }
  }
}

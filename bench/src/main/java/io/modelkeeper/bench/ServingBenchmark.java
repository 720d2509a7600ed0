package io.modelkeeper.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.modelkeeper.server.models.DenseNetwork;
import io.modelkeeper.server.models.SampleModels;
import io.vertx.core.http.HttpMethod;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures, in one run and side by side: (a) raw in-process ONNX Runtime on the shipped MLP and on
 * the heavy MLP, (b) the HTTP floor (GET /v2/health/live), (c) JSON infer, (d) binary infer at
 * batch 64, (e) the heavy MLP with batching on and off at 32 clients, with where a batched
 * request's time goes (the server's queue, run and request histograms, its GC pauses), (f) binary
 * batch 64 on the heavy MLP; prints a Markdown table and the ratios. Argument: the packaged server
 * jar.
 *
 * <p>Refuses to report when the machine is busy ({@link MachineLoad}). The server runs on its own
 * core and this JVM (the load driver) on another ({@link CpuPinning}; {@code
 * -Dbench.serving.server-cpus=0 -Dbench.serving.driver-cpus=1} are the defaults, {@code none}
 * shares all cores), and the raw in-process figures use as many threads as the server has CPUs.
 */
public final class ServingBenchmark {

  /** Every duration times this ({@code -Dbench.serving.scale}, e.g. 0.1 to check that it runs). */
  private static final double SCALE =
      Double.parseDouble(System.getProperty("bench.serving.scale", "1"));

  private static final Duration WARMUP = scaled(2000);
  private static final Duration SLICE = scaled(2000);
  private static final Duration SLICE_WARMUP = scaled(300);
  private static final Duration HEAVY_MEASURE = scaled(8000);
  private static final Duration RAW_MEASURE = scaled(4000);
  private static final int SLICES = 3;
  private static final int[] CLIENTS = {8, 32};

  private final List<String> rows = new ArrayList<>();
  private final List<String> evidence = new ArrayList<>();
  private double peakRss;
  private CpuPinning pinning;

  /** CPUs the server may use; the raw in-process runs use as many threads. */
  private int serverCpus;

  public static void main(String[] args) throws Exception {
    new ServingBenchmark().run(Path.of(args[0]));
  }

  private void run(Path jar) throws Exception {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " not found: package model-server first");
    }
    MachineLoad load = MachineLoad.atStart("serving benchmark");
    int cores = load.cores();
    pinning = CpuPinning.fromProperties("bench.serving", cores);
    pinning.pinThisProcess();
    serverCpus = pinning.serverCpuCount(cores);
    Path work = Files.createTempDirectory("modelkeeper-bench");
    DenseNetwork mlp = SampleModels.mlp();
    DenseNetwork heavy = SampleModels.heavyMlp();
    Path mlpFile = Files.write(work.resolve("mlp.onnx"), mlp.toOnnx("mlp", Map.of()));
    Path heavyFile = Files.write(work.resolve("heavy.onnx"), heavy.toOnnx("heavy_mlp", Map.of()));
    System.out.printf(
        "server -Xmx256m on CPUs %s, load driver on CPUs %s; raw in-process runs use %d thread(s),"
            + " as many as the server has CPUs%n",
        pinning.pinned() ? pinning.serverCpus : "all (shared)",
        CpuPinning.allowedCpus(ProcessHandle.current().pid()),
        serverCpus);

    double raw1 = rawRowsPerSecond(mlp, 1, serverCpus);
    double raw64 = rawRowsPerSecond(mlp, 64, serverCpus);
    double rawHeavy64 = rawRowsPerSecond(heavy, 64, serverCpus);
    String threads = serverCpus + " thread" + (serverCpus == 1 ? "" : "s");
    row("(a) raw ONNX Runtime, batch 1", threads, raw1, raw1, Double.NaN, Double.NaN);
    row("(a) raw ONNX Runtime, batch 64", threads, raw64 / 64, raw64, Double.NaN, Double.NaN);
    row(
        "(a) raw ONNX Runtime, heavy MLP, batch 64",
        threads,
        rawHeavy64 / 64,
        rawHeavy64,
        Double.NaN,
        Double.NaN);

    try (LoadDriver driver = new LoadDriver()) {
      measure(jar, work, mlp, mlpFile, heavy, heavyFile, raw1 / serverCpus, rawHeavy64, driver);
    }
    load.printEnd();
  }

  private void measure(
      Path jar,
      Path work,
      DenseNetwork mlp,
      Path mlpFile,
      DenseNetwork heavy,
      Path heavyFile,
      double raw1PerThread,
      double rawHeavy64,
      LoadDriver driver)
      throws Exception {
    Map<String, String> mlpEnv =
        Map.of(
            "MODELKEEPER_MODEL_NAME", "mlp", "MODELKEEPER_MODEL_URI", mlpFile.toUri().toString());
    double[] floor = new double[CLIENTS.length];
    double[] json = new double[CLIENTS.length];
    try (ServerProcess server =
            ServerProcess.start(jar, work.resolve("mlp.log"), mlpEnv, pinning.serverLauncher());
        RssSampler sampler = new RssSampler(server)) {
      LoadDriver.Call live =
          new LoadDriver.Call(HttpMethod.GET, server.base + "/v2/health/live", Map.of(), null);
      LoadDriver.Call jsonInfer = jsonRequest(server.base + "/v2/models/mlp/infer", mlp, 1, 1);
      LoadDriver.Call binaryInfer = binaryRequest(server.base + "/v2/models/mlp/infer", mlp, 64, 2);
      // Warm the server's JIT on every path before measuring anything.
      for (LoadDriver.Call call : List.of(live, jsonInfer, binaryInfer)) {
        driver.run(32, Duration.ZERO, WARMUP, 1, call);
      }
      for (int i = 0; i < CLIENTS.length; i++) {
        int clients = CLIENTS[i];
        // Alternate short slices so that the three figures see the same background load.
        LoadDriver.Result b = null;
        LoadDriver.Result c = null;
        LoadDriver.Result d = null;
        for (int slice = 0; slice < SLICES; slice++) {
          b = pool(b, driver.run(clients, SLICE_WARMUP, SLICE, 1, live));
          c = pool(c, driver.run(clients, SLICE_WARMUP, SLICE, 1, jsonInfer));
          d = pool(d, driver.run(clients, SLICE_WARMUP, SLICE, 64, binaryInfer));
        }
        row("(b) HTTP floor: GET /v2/health/live", clients + " clients", b);
        row("(c) infer, JSON, 1 row", clients + " clients", c);
        row("(d) infer, binary, 64 rows", clients + " clients", d);
        floor[i] = b.requestsPerSecond();
        json[i] = c.requestsPerSecond();
      }
      peakRss = Math.max(peakRss, Math.max(sampler.peak(), server.rssMiB("VmHWM")));
    }

    Result batchedOn = heavyRun(jar, work, heavyFile, heavy, "32", driver);
    Result batchedOff = heavyRun(jar, work, heavyFile, heavy, "1", driver);

    System.out.println();
    System.out.println("| measurement | load | req/s | rows/s | p50 ms | p99 ms |");
    System.out.println("|---|---|---:|---:|---:|---:|");
    rows.forEach(System.out::println);
    System.out.println();
    for (int i = 0; i < CLIENTS.length; i++) {
      System.out.printf(
          Locale.ROOT,
          "- JSON infer / HTTP floor at %d clients: %.0f%% (target >= 80%%)%n",
          CLIENTS[i],
          100 * json[i] / floor[i]);
      // With the server's cores saturated at the floor, a request's CPU time is cores / rate.
      // 80% of the floor leaves 0.25 of the floor's time per request for everything an infer
      // request adds to a bodiless GET; the ONNX Runtime run alone needs 1 / raw1PerThread.
      double floorMicros = 1e6 * serverCpus / floor[i];
      System.out.printf(
          Locale.ROOT,
          "  at %d clients the floor costs %.2f us of server CPU per request; 80%% of it leaves"
              + " %.2f us for what infer adds (body, JSON, the run, the answer); one raw ONNX"
              + " Runtime run of one row alone takes %.2f us%n",
          CLIENTS[i],
          floorMicros,
          floorMicros / 4,
          1e6 / raw1PerThread);
    }
    System.out.printf(
        Locale.ROOT,
        "- heavy MLP, binary batch-64 rows/s over HTTP / raw in-process batch-64 rows/s of the same"
            + " model at %d clients: %.0f%% (target >= 50%%)%n",
        HEAVY_BATCH_CLIENTS,
        100 * batchedOn.batch64RowsPerSecond / rawHeavy64);
    System.out.printf(
        Locale.ROOT,
        "- heavy MLP, batching on / off at 32 clients: %.2fx (target >= 2x)%n",
        batchedOn.load.requestsPerSecond() / batchedOff.load.requestsPerSecond());
    double bound = 2 + 3 * batchedOn.batchMillis;
    System.out.printf(
        Locale.ROOT,
        "- heavy MLP, batching on: p99 %.1f ms vs maxQueueDelay 2 ms + 3 x mean batch run %.1f ms (mean %.1f rows) = %.1f ms%n",
        batchedOn.load.p99Millis(),
        batchedOn.batchMillis,
        batchedOn.meanBatch,
        bound);
    evidence.forEach(System.out::println);
    System.out.printf(
        Locale.ROOT,
        "- server peak RSS under load with -Xmx256m: %.0f MiB (target <= 400 MB)%n",
        peakRss);
  }

  /** Clients sending 64-row binary requests to the heavy MLP: enough to keep one core busy. */
  private static final int HEAVY_BATCH_CLIENTS = 8;

  /**
   * Heavy-model throughput at 32 clients, the server's own mean batch run time and size, and (with
   * batching on) the rows/s of 64-row binary requests.
   */
  private record Result(
      LoadDriver.Result load, double batchMillis, double meanBatch, double batch64RowsPerSecond) {}

  private Result heavyRun(
      Path jar, Path work, Path model, DenseNetwork heavy, String maxBatch, LoadDriver driver)
      throws Exception {
    Map<String, String> env =
        Map.of(
            "MODELKEEPER_MODEL_NAME",
            "heavy",
            "MODELKEEPER_MODEL_URI",
            model.toUri().toString(),
            "MODELKEEPER_MAX_BATCH_SIZE",
            maxBatch,
            "MODELKEEPER_MAX_QUEUE_DELAY",
            "2ms");
    boolean batching = !maxBatch.equals("1");
    Path log = work.resolve("heavy-" + maxBatch + ".log");
    try (ServerProcess server = ServerProcess.start(jar, log, env, pinning.serverLauncher());
        RssSampler sampler = new RssSampler(server)) {
      String url = server.base + "/v2/models/heavy/infer";
      // Recorded from before the warm-ups: starting a recording makes the JIT compile the
      // recorder's code, which would land in a measured phase.
      AllocationProfile recording =
          AllocationProfile.startLight(server.pid(), work.resolve("heavy-" + maxBatch + ".jfr"));
      double batch64 = Double.NaN;
      LoadDriver.Result batch64Result = null;
      Histograms batch64Histograms = null;
      Instant batch64From = null;
      Instant batch64To = null;
      String batch64Label = "(f) heavy MLP, binary, 64 rows";
      if (batching) {
        LoadDriver.Call rows64 = binaryRequest(url, heavy, 64, 4);
        driver.run(HEAVY_BATCH_CLIENTS, Duration.ZERO, WARMUP, 64, rows64);
        Histograms before = Histograms.read(server);
        batch64From = Instant.now();
        batch64Result =
            driver.run(HEAVY_BATCH_CLIENTS, Duration.ZERO, SLICE.multipliedBy(SLICES), 64, rows64);
        batch64To = Instant.now();
        batch64Histograms = Histograms.read(server).minus(before);
        row(batch64Label, HEAVY_BATCH_CLIENTS + " clients", batch64Result);
        batch64 = batch64Result.rowsPerSecond();
      }
      LoadDriver.Call request = binaryRequest(url, heavy, 1, 3);
      driver.run(32, Duration.ZERO, WARMUP, 1, request);
      Histograms before = Histograms.read(server);
      Instant from = Instant.now();
      LoadDriver.Result result = driver.run(32, Duration.ZERO, HEAVY_MEASURE, 1, request);
      Instant to = Instant.now();
      recording.stop();
      Histograms during = Histograms.read(server).minus(before);
      if (batching) {
        evidence.add(
            batch64Histograms.evidence(
                batch64Label, batch64Result, recording.gcPauses(batch64From, batch64To)));
      }
      String label =
          "(e) heavy MLP, binary, 1 row, batching " + (batching ? "on (32 rows, 2 ms)" : "off");
      row(label, "32 clients", result);
      evidence.add(during.evidence(label, result, recording.gcPauses(from, to)));
      peakRss = Math.max(peakRss, Math.max(sampler.peak(), server.rssMiB("VmHWM")));
      return new Result(result, during.run.meanMillis(), during.meanRows(), batch64);
    }
  }

  /** The server's latency histograms, to tell queueing, running and the rest apart. */
  private record Histograms(
      ServerHistogram request, ServerHistogram queue, ServerHistogram run, ServerHistogram rows) {

    static Histograms read(ServerProcess server) throws Exception {
      return new Histograms(
          ServerHistogram.read(server, "modelkeeper_request_duration_seconds"),
          ServerHistogram.read(server, "modelkeeper_queue_duration_seconds"),
          ServerHistogram.read(server, "modelkeeper_inference_duration_seconds"),
          ServerHistogram.read(server, "modelkeeper_batch_size"));
    }

    Histograms minus(Histograms earlier) {
      return new Histograms(
          request.minus(earlier.request),
          queue.minus(earlier.queue),
          run.minus(earlier.run),
          rows.minus(earlier.rows));
    }

    double meanRows() {
      return rows.meanMillis() / 1000;
    }

    /**
     * Where the time of the measured requests went: in the server's handler (arrival to answer), of
     * which waiting for a batch to start and the batch's run, and outside it (the client's latency
     * beyond the server's: the event loop's backlog before the handler, the network and the client
     * itself); and the collector's pauses over the same seconds.
     */
    String evidence(String label, LoadDriver.Result client, AllocationProfile.GcPauses gc) {
      return String.format(
          Locale.ROOT,
          "- %s, where the time went (server histograms, interpolated within buckets):"
              + " client p50 %.2f / p99 %.2f ms; server arrival-to-answer p50 %.2f / p99 %.2f ms"
              + " (mean %.2f); waiting for the batch to start p50 %.2f / p99 %.2f ms (mean %.2f);"
              + " ONNX Runtime run per batch p50 %.2f / p99 %.2f ms (mean %.2f, %.1f rows);"
              + " beyond the server's p99 at the client: %.2f ms; %s while measured",
          label,
          client.p50Millis(),
          client.p99Millis(),
          request.quantileMillis(0.5),
          request.quantileMillis(0.99),
          request.meanMillis(),
          queue.quantileMillis(0.5),
          queue.quantileMillis(0.99),
          queue.meanMillis(),
          run.quantileMillis(0.5),
          run.quantileMillis(0.99),
          run.meanMillis(),
          meanRows(),
          client.p99Millis() - request.quantileMillis(0.99),
          gc);
    }
  }

  private static double rawRowsPerSecond(DenseNetwork network, int batch, int threads)
      throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    options.setIntraOpNumThreads(1);
    options.setInterOpNumThreads(1);
    try (OrtSession session = env.createSession(network.toOnnx("raw", Map.of()), options)) {
      AtomicLong runs = new AtomicLong();
      long warmupEnd = System.nanoTime() + WARMUP.toNanos();
      long end = warmupEnd + RAW_MEASURE.toNanos();
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        float[] values = randomRows(new Random(t), batch, network.features());
        Thread worker =
            new Thread(
                () -> {
                  try (OnnxTensor input =
                      OnnxTensor.createTensor(
                          env, FloatBuffer.wrap(values), new long[] {batch, network.features()})) {
                    Map<String, OnnxTensor> inputs = Map.of(network.inputName(), input);
                    long now;
                    while ((now = System.nanoTime()) < end) {
                      try (OrtSession.Result result = session.run(inputs)) {
                        if (now >= warmupEnd) {
                          runs.incrementAndGet();
                        }
                      }
                    }
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });
        workers.add(worker);
        worker.start();
      }
      for (Thread worker : workers) {
        worker.join();
      }
      return runs.get() * batch / (RAW_MEASURE.toNanos() / 1e9);
    }
  }

  private static Duration scaled(long millis) {
    return Duration.ofMillis(Math.max(50, Math.round(millis * SCALE)));
  }

  private static float[] randomRows(Random random, int rows, int features) {
    float[] values = new float[rows * features];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return values;
  }

  static LoadDriver.Call jsonRequest(String url, DenseNetwork network, int rowCount, long seed) {
    float[] values = randomRows(new Random(seed), rowCount, network.features());
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      data.append(i == 0 ? "" : ",").append(values[i]);
    }
    String body =
        "{\"inputs\":[{\"name\":\""
            + network.inputName()
            + "\",\"datatype\":\"FP32\",\"shape\":["
            + rowCount
            + ","
            + network.features()
            + "],\"data\":["
            + data
            + "]}]}";
    return new LoadDriver.Call(
        HttpMethod.POST,
        url,
        Map.of("Content-Type", "application/json"),
        body.getBytes(StandardCharsets.UTF_8));
  }

  static LoadDriver.Call binaryRequest(String url, DenseNetwork network, int rowCount, long seed) {
    float[] values = randomRows(new Random(seed), rowCount, network.features());
    byte[] header =
        ("{\"inputs\":[{\"name\":\""
                + network.inputName()
                + "\",\"datatype\":\"FP32\",\"shape\":["
                + rowCount
                + ","
                + network.features()
                + "],\"parameters\":{\"binary_data_size\":"
                + values.length * 4
                + "}}],"
                + "\"outputs\":[{\"name\":\""
                + network.outputName()
                + "\",\"parameters\":{\"binary_data\":true}}]}")
            .getBytes(StandardCharsets.UTF_8);
    ByteBuffer body =
        ByteBuffer.allocate(header.length + values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    body.put(header);
    body.asFloatBuffer().put(values);
    return new LoadDriver.Call(
        HttpMethod.POST,
        url,
        Map.of(
            "Content-Type",
            "application/octet-stream",
            "Inference-Header-Content-Length",
            Integer.toString(header.length)),
        body.array());
  }

  private static LoadDriver.Result pool(LoadDriver.Result sofar, LoadDriver.Result next) {
    return sofar == null ? next : sofar.plus(next);
  }

  private void row(String what, String load, LoadDriver.Result result) {
    row(
        what,
        load,
        result.requestsPerSecond(),
        result.rowsPerSecond(),
        result.p50Millis(),
        result.p99Millis());
    if (result.errors() > 0) {
      rows.add("| ↳ errors in the run above | | " + result.errors() + " | | | |");
    }
  }

  private void row(
      String what, String load, double requests, double rowsPerSecond, double p50, double p99) {
    rows.add(
        String.format(
            Locale.ROOT,
            "| %s | %s | %s | %s | %s | %s |",
            what,
            load,
            format(requests, "%.0f"),
            format(rowsPerSecond, "%.0f"),
            format(p50, "%.2f"),
            format(p99, "%.2f")));
    System.out.println(rows.get(rows.size() - 1));
  }

  private static String format(double value, String pattern) {
    return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, pattern, value);
  }
}

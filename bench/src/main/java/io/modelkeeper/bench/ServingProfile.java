package io.modelkeeper.bench;

import io.modelkeeper.server.models.DenseNetwork;
import io.modelkeeper.server.models.SampleModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What one JSON inference of one row allocates in the server, on the shipped MLP and on the heavy
 * MLP: each server is warmed up, then recorded with Java Flight Recorder ({@code jcmd JFR.start})
 * while 8 clients send requests, and the recording is summarised (bytes per request, top allocation
 * sites, GC pauses, CPU sample shares). Allocation counts do not depend on the machine's load, so
 * this runs on a busy machine too (it says how busy). Arguments: the packaged server jar, and the
 * file to write the summary to (also printed). {@code -Dbench.profile.seconds=N} (default 10).
 */
public final class ServingProfile {

  private static final int CLIENTS = 8;
  private static final Duration WARMUP = Duration.ofSeconds(5);

  private ServingProfile() {}

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(args[0]);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " not found: package model-server first");
    }
    Path out = Path.of(args[1]);
    Duration measure = Duration.ofSeconds(Integer.getInteger("bench.profile.seconds", 10));
    String startLoad = MachineLoad.loadAverage();
    Path work = Files.createTempDirectory("modelkeeper-profile");
    StringBuilder summary = new StringBuilder();
    summary.append(
        String.format(
            "Allocation profile of the JSON inference path (1 row, %d clients, %d s recorded after"
                + " %d s of warm-up; server -Xmx256m, Java %s). It counts allocations, not time:"
                + " the CPU shares are a rough guide only. Load average at start: %s%n%n",
            CLIENTS,
            measure.toSeconds(),
            WARMUP.toSeconds(),
            System.getProperty("java.version"),
            startLoad));
    try (LoadDriver driver = new LoadDriver()) {
      summary.append(profile(jar, work, "mlp", SampleModels.mlp(), driver, measure));
      summary.append('\n');
      summary.append(profile(jar, work, "heavy", SampleModels.heavyMlp(), driver, measure));
    }
    summary.append("\nLoad average at end: ").append(MachineLoad.loadAverage()).append('\n');
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, summary);
    System.out.println(summary);
    System.out.println("written to " + out.toAbsolutePath());
  }

  private static String profile(
      Path jar, Path work, String name, DenseNetwork network, LoadDriver driver, Duration measure)
      throws Exception {
    Path model = Files.write(work.resolve(name + ".onnx"), network.toOnnx(name, Map.of()));
    Map<String, String> env =
        Map.of("MODELKEEPER_MODEL_NAME", name, "MODELKEEPER_MODEL_URI", model.toUri().toString());
    try (ServerProcess server = ServerProcess.start(jar, work.resolve(name + ".log"), env)) {
      LoadDriver.Call call =
          ServingBenchmark.jsonRequest(
              server.base + "/v2/models/" + name + "/infer", network, 1, 1);
      driver.run(CLIENTS, Duration.ZERO, WARMUP, 1, call);
      AllocationProfile recording =
          AllocationProfile.start(server.pid(), work.resolve(name + ".jfr"));
      LoadDriver.Result result = driver.run(CLIENTS, Duration.ZERO, measure, 1, call);
      recording.stop();
      long requests = result.latencies().length + result.errors();
      return recording.summary(
          String.format(
              "%s (%s), JSON, 1 row: %.0f req/s while recorded, %d errors",
              name,
              name.equals("mlp") ? "16 → 32 → 3" : "512 → 2048 → 2048 → 10",
              result.requestsPerSecond(),
              result.errors()),
          requests,
          20);
    }
  }
}

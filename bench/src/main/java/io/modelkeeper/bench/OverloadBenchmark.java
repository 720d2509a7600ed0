package io.modelkeeper.bench;

import io.modelkeeper.server.models.DenseNetwork;
import io.modelkeeper.server.models.SampleModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Overload: measures the server's capacity, its unloaded latency (one caller), then offers twice
 * the capacity open-loop and reports the admitted requests' latency and how fast the excess is
 * refused. Targets: admitted p99 within 3x the unloaded p99, refusals (503 with Retry-After) in
 * under 5 ms at p99. Refuses to report when the load average at start exceeds the number of cores,
 * since then it would measure the machine. Arguments: the packaged server jar.
 *
 * <p>The load driver (this JVM) and the server run on different cores (taskset), and capacity is
 * what the server answers when offered more than it takes: the larger of a closed loop's answered
 * rate and the admitted rate of open loops raised until it stops growing. So "twice the capacity"
 * is twice the server's, not the driver's.
 *
 * <p>System properties: {@code bench.overload.seconds} (open-loop length, default 20), {@code
 * bench.overload.factor} (offered load over capacity, 2), {@code bench.overload.clients}
 * (closed-loop callers for the capacity, 32), {@code bench.overload.model} ({@code mlp} for the
 * shipped MLP with JSON requests), {@code bench.overload.env} (server settings, K=V,K=V), {@code
 * bench.overload.b} (settings of a second server, over those of the first, measured in the same run
 * phase by phase: an A/B comparison), {@code bench.overload.b-jar} (the second server's jar, such
 * as an earlier commit's build: an A/B of two versions in one run), {@code
 * bench.overload.server-cpus} and {@code bench.overload.driver-cpus} (taskset CPU lists, 0 and 1;
 * {@code none} shares all cores), {@code bench.overload.force} (run on a busy machine anyway,
 * marking the figures as no measurement).
 */
public final class OverloadBenchmark {

  private static final String DEFAULT_ENV =
      "MODELKEEPER_MAX_IN_FLIGHT=32,MODELKEEPER_MAX_QUEUE_SIZE=32,MODELKEEPER_QUEUE_TIMEOUT=1ms";

  /** Open loops raised by this factor, at most this many, to find the saturation. */
  private static final double PROBE_STEP = 1.5;

  private static final int PROBES = 6;

  /** Requests a second the first open loop offers at least. */
  private static final double MIN_PROBE_RATE = 200;

  /** Most connections an open loop opens; requests wait in the client when all are busy. */
  private static final int CONNECTIONS = 512;

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(args[0]);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " not found: package model-server first");
    }
    int seconds = Integer.getInteger("bench.overload.seconds", 20);
    double factor = Double.parseDouble(System.getProperty("bench.overload.factor", "2"));
    int clients = Integer.getInteger("bench.overload.clients", 32);
    boolean heavy = !"mlp".equals(System.getProperty("bench.overload.model", "heavy"));
    MachineLoad load = MachineLoad.atStart("overload benchmark", "bench.overload.force");
    int cores = load.cores();
    boolean measurement = load.measurement();
    CpuPinning pinning = CpuPinning.fromProperties("bench.overload", cores);
    pinning.pinThisProcess();

    Path work = Files.createTempDirectory("modelkeeper-overload");
    // The heavy MLP makes capacity a matter of the model as much as of HTTP.
    DenseNetwork network = heavy ? SampleModels.heavyMlp() : SampleModels.mlp();
    Path model = Files.write(work.resolve("model.onnx"), network.toOnnx("model", Map.of()));
    Map<String, String> base = new LinkedHashMap<>();
    base.put("MODELKEEPER_MODEL_NAME", "model");
    base.put("MODELKEEPER_MODEL_URI", model.toUri().toString());
    base.putAll(settings(System.getProperty("bench.overload.env", DEFAULT_ENV)));
    List<OverloadArm> arms = new ArrayList<>();
    String other = System.getProperty("bench.overload.b", "");
    String otherJar = System.getProperty("bench.overload.b-jar", "");
    boolean ab = !other.isBlank() || !otherJar.isBlank();
    arms.add(new OverloadArm(ab ? "A" : "", base, jar));
    if (ab) {
      Map<String, String> b = new LinkedHashMap<>(base);
      b.putAll(settings(other));
      Path bJar = otherJar.isBlank() ? jar : Path.of(otherJar);
      if (!Files.isRegularFile(bJar)) {
        throw new IllegalStateException(bJar + " not found (bench.overload.b-jar)");
      }
      arms.add(new OverloadArm("B", b, bJar));
    }

    Duration phase = Duration.ofSeconds(Math.max(2, seconds / 2));
    Duration second = Duration.ofSeconds(1);
    try (LoadDriver closed = new LoadDriver();
        OpenLoopDriver open = new OpenLoopDriver()) {
      for (OverloadArm arm : arms) {
        arm.start(work, pinning, heavy, network);
        System.out.printf(
            "server%s: %s, settings %s; CPUs: server %s, driver %s%n",
            arm.name.isEmpty() ? "" : " " + arm.name,
            arm.jar,
            arm.env,
            CpuPinning.allowedCpus(arm.server.pid()),
            CpuPinning.allowedCpus(ProcessHandle.current().pid()));
      }
      // The GC recording starts before the warm-up: starting it later makes the server's JIT
      // compile the recorder's code during the measured phase (half a core on one pinned core).
      Map<OverloadArm, AllocationProfile> recordings = new LinkedHashMap<>();
      for (OverloadArm arm : arms) {
        recordings.put(
            arm,
            AllocationProfile.startLight(
                arm.server.pid(),
                work.resolve("overload" + (arm.name.isEmpty() ? "" : "-" + arm.name) + ".jfr")));
      }
      // Each phase runs for every server before the next phase, so that they see the same machine.
      for (OverloadArm arm : arms) {
        closed.run(clients, Duration.ZERO, Duration.ofSeconds(3), 1, arm.call);
      }
      for (OverloadArm arm : arms) {
        arm.capacity = closed.run(clients, second, phase, 1, arm.call);
        // Capacity counts answered requests only (200), not refusals.
        arm.closedServed = arm.capacity.requestsPerSecond();
      }
      for (OverloadArm arm : arms) {
        arm.saturated = saturation(open, arm, phase);
      }
      for (OverloadArm arm : arms) {
        arm.unloaded = closed.run(1, second, phase, 1, arm.call);
      }
      for (OverloadArm arm : arms) {
        arm.offered = factor * arm.capacityRate();
        ServerCpu.Sample cpuBefore = ServerCpu.of(arm.server.pid());
        double rowsBefore = arm.server.metricSum("modelkeeper_batch_size");
        double runsBefore = arm.server.metricCount("modelkeeper_batch_size");
        arm.overloadFrom = Instant.now();
        long started = System.nanoTime();
        arm.overload =
            open.run(arm.call, arm.offered, second, Duration.ofSeconds(seconds), CONNECTIONS);
        arm.overloadWallNanos = System.nanoTime() - started;
        arm.overloadTo = Instant.now();
        arm.overloadCpu = ServerCpu.of(arm.server.pid()).minus(cpuBefore);
        double runs = arm.server.metricCount("modelkeeper_batch_size") - runsBefore;
        arm.meanBatchRows = (arm.server.metricSum("modelkeeper_batch_size") - rowsBefore) / runs;
      }
      for (OverloadArm arm : arms) {
        AllocationProfile recording = recordings.get(arm);
        recording.stop();
        arm.overloadGc = recording.gcPauses(arm.overloadFrom, arm.overloadTo);
      }
      for (OverloadArm arm : arms) {
        arm.report(clients, measurement);
      }
      if (ab) {
        OverloadArm.compare(arms.get(0), arms.get(1));
      }
    } finally {
      for (OverloadArm arm : arms) {
        arm.close();
      }
    }
    load.printEnd();
  }

  /**
   * The admitted rate at saturation: open loops from 1.5 times the closed-loop rate up, each
   * offering half as much again, until the admitted rate stops growing (by less than 5%) — the
   * plateau, whatever part of the offer is refused on the way (a closed loop that is refused
   * retries at once, so it can find less than the server takes).
   */
  private static double saturation(OpenLoopDriver open, OverloadArm arm, Duration phase)
      throws InterruptedException {
    double rate = Math.max(MIN_PROBE_RATE, PROBE_STEP * arm.closedServed);
    double best = 0;
    for (int probe = 0; probe < PROBES; probe++) {
      OpenLoopDriver.Result result =
          open.run(arm.call, rate, Duration.ofSeconds(1), phase, CONNECTIONS);
      double admitted = result.admitted().length / result.seconds();
      arm.probes.add(String.format("%.0f→%.0f", rate, admitted));
      boolean growing = admitted > 1.05 * best;
      best = Math.max(best, admitted);
      if (!growing) {
        break;
      }
      rate *= PROBE_STEP;
    }
    return best;
  }

  private static Map<String, String> settings(String list) {
    Map<String, String> settings = new LinkedHashMap<>();
    for (String setting : list.split(",")) {
      if (setting.contains("=")) {
        settings.put(
            setting.substring(0, setting.indexOf('=')).trim(),
            setting.substring(setting.indexOf('=') + 1).trim());
      }
    }
    return settings;
  }
}

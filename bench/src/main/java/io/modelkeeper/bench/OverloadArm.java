package io.modelkeeper.bench;

import io.modelkeeper.server.models.DenseNetwork;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One server configuration of the overload benchmark: its process, its figures, their report. */
final class OverloadArm implements AutoCloseable {

  final String name;
  final Map<String, String> env;

  /** The packaged server this arm runs. */
  final Path jar;

  ServerProcess server;
  LoadDriver.Call call;

  LoadDriver.Result capacity;
  double closedServed;
  final List<String> probes = new ArrayList<>();
  double saturated;
  LoadDriver.Result unloaded;
  double offered;
  OpenLoopDriver.Result overload;
  long overloadWallNanos;

  /** When the overload phase began and ended, to pick its GC pauses out of the recording. */
  Instant overloadFrom;

  Instant overloadTo;

  ServerCpu.Sample overloadCpu;
  double meanBatchRows;
  AllocationProfile.GcPauses overloadGc;

  OverloadArm(String name, Map<String, String> env, Path jar) {
    this.name = name;
    this.env = env;
    this.jar = jar;
  }

  void start(Path work, CpuPinning pinning, boolean heavy, DenseNetwork network) throws Exception {
    String log = "server" + (name.isEmpty() ? "" : "-" + name) + ".log";
    server = ServerProcess.start(jar, work.resolve(log), env, pinning.serverLauncher());
    String url = server.base + "/v2/models/model/infer";
    call =
        heavy
            ? ServingBenchmark.binaryRequest(url, network, 1, 1)
            : ServingBenchmark.jsonRequest(url, network, 1, 1);
  }

  private String label(String measurement) {
    return name.isEmpty() ? measurement : name + ": " + measurement;
  }

  /** What the server answers when offered more than it takes: the larger of both measures. */
  double capacityRate() {
    return Math.max(closedServed, saturated);
  }

  double admittedP99() {
    return OpenLoopDriver.Result.percentileMillis(overload.admitted(), 0.99);
  }

  double refusedP99() {
    return OpenLoopDriver.Result.percentileMillis(overload.refused(), 0.99);
  }

  void report(int clients, boolean measurement) throws Exception {
    double admittedP99 = admittedP99();
    double refusedP99 = refusedP99();
    System.out.println();
    if (!name.isEmpty()) {
      System.out.println("server " + name + ": " + env);
    }
    System.out.println("| measurement | req/s | p50 ms | p99 ms | max ms |");
    System.out.println("|---|---:|---:|---:|---:|");
    row(
        String.format(
            "capacity: closed loop, %d callers, answered (%d refused)", clients, capacity.errors()),
        closedServed,
        capacity.p50Millis(),
        capacity.p99Millis(),
        Double.NaN);
    System.out.printf(
        Locale.ROOT,
        "| %s | %.0f | – | – | – |%n",
        label("capacity: open loop at saturation, admitted (offered→admitted " + probes + ")"),
        saturated);
    row(
        "unloaded: closed loop, 1 caller",
        unloaded.requestsPerSecond(),
        unloaded.p50Millis(),
        unloaded.p99Millis(),
        Double.NaN);
    long[] admitted = overload.admitted();
    long[] refused = overload.refused();
    row(
        String.format("offered open loop at %.0f req/s: admitted (200)", offered),
        admitted.length / overload.seconds(),
        OpenLoopDriver.Result.percentileMillis(admitted, 0.50),
        admittedP99,
        OpenLoopDriver.Result.percentileMillis(admitted, 1.0));
    row(
        String.format("offered open loop at %.0f req/s: refused (503)", offered),
        refused.length / overload.seconds(),
        OpenLoopDriver.Result.percentileMillis(refused, 0.50),
        refusedP99,
        OpenLoopDriver.Result.percentileMillis(refused, 1.0));
    System.out.printf(
        Locale.ROOT,
        "sent %d in the measured window; other statuses %d, transport failures %d, 503 without"
            + " Retry-After %d; driver lag (sent after due) p99 %.2f ms, max %.2f ms%n",
        overload.sent(),
        overload.otherStatuses(),
        overload.failures(),
        overload.refusedWithoutRetryAfter(),
        OpenLoopDriver.Result.percentileMillis(overload.lags(), 0.99),
        OpenLoopDriver.Result.percentileMillis(overload.lags(), 1.0));
    if (OpenLoopDriver.Result.percentileMillis(overload.lags(), 0.99) > 1) {
      System.out.println(
          "the driver fell behind (lag p99 over 1 ms): the load was burstier than offered, and the"
              + " driver's core was not its own");
    }
    double wall = overloadWallNanos / 1e9;
    System.out.printf(
        Locale.ROOT,
        "server during the overload: %.0f%% of a core (requests %.0f%%, GC %.0f%%, JIT %.0f%%,"
            + " other %.0f%%), %.1f rows per ONNX Runtime run; peak RSS (VmHWM) %.0f MiB%n",
        100 * overloadCpu.total() / 1e9 / wall,
        100 * overloadCpu.requests() / 1e9 / wall,
        100 * overloadCpu.gc() / 1e9 / wall,
        100 * overloadCpu.jit() / 1e9 / wall,
        100 * overloadCpu.other() / 1e9 / wall,
        meanBatchRows,
        server.rssMiB("VmHWM"));
    if (overloadGc != null) {
      System.out.printf(
          Locale.ROOT,
          "server's collector during the overload (its flight recording): %s; each pause holds up"
              + " every request in the server and every one arriving meanwhile%n",
          overloadGc);
    }
    double bound = 3 * unloaded.p99Millis();
    System.out.printf(
        Locale.ROOT,
        "%starget admitted p99 <= 3 x unloaded p99: %.2f ms vs %.2f ms: %s%n",
        name.isEmpty() ? "" : name + ": ",
        admittedP99,
        bound,
        admittedP99 <= bound ? "met" : "NOT met");
    System.out.printf(
        Locale.ROOT,
        "%starget refusals in < 5 ms (p99): %.2f ms: %s%n",
        name.isEmpty() ? "" : name + ": ",
        refusedP99,
        refusedP99 < 5 ? "met" : "NOT met");
    if (!measurement) {
      System.out.println("(forced on a busy machine: not a measurement)");
    }
  }

  private void row(String measurement, double rate, double p50, double p99, double max) {
    System.out.printf(
        Locale.ROOT,
        "| %s | %.0f | %.2f | %.2f | %s |%n",
        label(measurement),
        rate,
        p50,
        p99,
        Double.isNaN(max) ? "–" : String.format(Locale.ROOT, "%.2f", max));
  }

  /** One line per figure that matters, B against A. */
  static void compare(OverloadArm a, OverloadArm b) {
    System.out.println();
    System.out.println("| A/B | A | B |");
    System.out.println("|---|---:|---:|");
    compareRow("capacity req/s", a.capacityRate(), b.capacityRate());
    compareRow("unloaded p99 ms", a.unloaded.p99Millis(), b.unloaded.p99Millis());
    compareRow(
        "admitted req/s at the offered load",
        a.overload.admitted().length / a.overload.seconds(),
        b.overload.admitted().length / b.overload.seconds());
    compareRow("admitted p99 ms", a.admittedP99(), b.admittedP99());
    compareRow(
        "admitted p99 / unloaded p99",
        a.admittedP99() / a.unloaded.p99Millis(),
        b.admittedP99() / b.unloaded.p99Millis());
    compareRow("refused p99 ms", a.refusedP99(), b.refusedP99());
    compareRow("rows per ONNX Runtime run", a.meanBatchRows, b.meanBatchRows);
  }

  private static void compareRow(String figure, double a, double b) {
    System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f |%n", figure, a, b);
  }

  @Override
  public void close() throws InterruptedException {
    if (server != null) {
      server.close();
    }
  }
}

package io.modelkeeper.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How busy the machine is around a benchmark run. Every benchmark prints the load average at its
 * start and end, and refuses to report (exit status 2) when the 1-minute load average at start
 * exceeds the number of cores: its figures would then measure the other work on the machine. {@code
 * -Dbench.force=true} runs anyway and marks the figures as no measurement.
 */
public final class MachineLoad {

  /** The exit status of a run refused for a busy machine. */
  public static final int BUSY_EXIT_STATUS = 2;

  private static final Path LOADAVG = Path.of("/proc/loadavg");

  private final String benchmark;
  private final int cores;
  private final String atStart;
  private final boolean measurement;

  private MachineLoad(String benchmark, int cores, String atStart, boolean measurement) {
    this.benchmark = benchmark;
    this.cores = cores;
    this.atStart = atStart;
    this.measurement = measurement;
  }

  /**
   * Prints the load average at the start of {@code benchmark} and exits with status 2 when the
   * machine is busy, unless {@code bench.force} (or the benchmark's own {@code forceProperty}) is
   * true.
   */
  public static MachineLoad atStart(String benchmark, String forceProperty) {
    int cores = Runtime.getRuntime().availableProcessors();
    String now = loadAverage();
    System.out.printf(
        "%s: cores=%d, java=%s, load average at start: %s%n",
        benchmark, cores, System.getProperty("java.version"), now);
    double oneMinute = oneMinute(now);
    boolean quiet = !(oneMinute > cores);
    boolean force =
        Boolean.getBoolean("bench.force")
            || (forceProperty != null && Boolean.getBoolean(forceProperty));
    if (!quiet && !force) {
      System.out.printf(
          Locale.ROOT,
          "refusing to report: the 1-minute load average %.2f at start exceeds the %d cores, so"
              + " the figures would measure the other work on the machine; run it alone"
              + " (BENCHMARKS.md), or -Dbench.force=true to run anyway%n",
          oneMinute,
          cores);
      System.out.flush();
      System.exit(BUSY_EXIT_STATUS);
    }
    if (!quiet) {
      System.out.println("FORCED on a busy machine: the figures below are NOT a measurement");
    }
    return new MachineLoad(benchmark, cores, now, quiet);
  }

  /** As {@link #atStart(String, String)} with {@code bench.force} only. */
  public static MachineLoad atStart(String benchmark) {
    return atStart(benchmark, null);
  }

  /** False when the run was forced on a busy machine: its figures are no measurement. */
  public boolean measurement() {
    return measurement;
  }

  public int cores() {
    return cores;
  }

  /** Prints the load average at the end, beside the one at the start. */
  public void printEnd() {
    System.out.printf(
        "%s: load average at start: %s; at end: %s%s%n",
        benchmark,
        atStart,
        loadAverage(),
        measurement ? "" : " (FORCED on a busy machine: NOT a measurement)");
  }

  /** The three load averages and the rest of /proc/loadavg, or "unknown". */
  public static String loadAverage() {
    try {
      return Files.readString(LOADAVG).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static double oneMinute(String loadavg) {
    try {
      return Double.parseDouble(loadavg.split(" ")[0]);
    } catch (NumberFormatException e) {
      // Without /proc/loadavg nothing tells that the machine is busy.
      return 0;
    }
  }
}

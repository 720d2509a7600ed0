package io.modelkeeper.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Keeps the load driver and the server on different cores with {@code taskset} (util-linux), so
 * that a benchmark measures the server rather than the contest of both for a core: the server
 * (started behind {@code taskset -c <server cpus>}) and this JVM (all its threads moved with {@code
 * taskset -a -p -c <driver cpus>}) each keep their cores to themselves.
 */
final class CpuPinning {

  private static final Path TASKSET = Path.of("/usr/bin/taskset");

  /** The CPU lists, as taskset takes them; both null when nothing is pinned. */
  final String serverCpus;

  final String driverCpus;

  private CpuPinning(String serverCpus, String driverCpus) {
    this.serverCpus = serverCpus;
    this.driverCpus = driverCpus;
  }

  /**
   * From {@code <prefix>.server-cpus} and {@code <prefix>.driver-cpus} (defaults 0 and 1; {@code
   * none} for either pins nothing). Nothing is pinned on a single core or without taskset.
   */
  static CpuPinning fromProperties(String prefix, int cores) {
    String server = System.getProperty(prefix + ".server-cpus", "0").trim();
    String driver = System.getProperty(prefix + ".driver-cpus", "1").trim();
    if (server.isEmpty() || driver.isEmpty() || "none".equals(server) || "none".equals(driver)) {
      return new CpuPinning(null, null);
    }
    if (cores < 2) {
      System.out.println("one core only: driver and server are NOT kept apart");
      return new CpuPinning(null, null);
    }
    if (!Files.isExecutable(TASKSET)) {
      System.out.println(
          TASKSET + " not found (Debian package util-linux): driver and server are NOT kept apart");
      return new CpuPinning(null, null);
    }
    return new CpuPinning(server, driver);
  }

  boolean pinned() {
    return serverCpus != null;
  }

  /** How many CPUs the server may use: those of its list when pinned, else all {@code cores}. */
  int serverCpuCount(int cores) {
    if (!pinned()) {
      return cores;
    }
    int count = 0;
    for (String part : serverCpus.split(",")) {
      String[] range = part.trim().split("-");
      count += range.length == 2 ? Integer.parseInt(range[1]) - Integer.parseInt(range[0]) + 1 : 1;
    }
    return count;
  }

  /** The command the server is started behind; empty when nothing is pinned. */
  List<String> serverLauncher() {
    return pinned() ? List.of(TASKSET.toString(), "-c", serverCpus) : List.of();
  }

  /** Moves every thread of this JVM, and so those it starts later, to the driver's cores. */
  void pinThisProcess() throws IOException, InterruptedException {
    if (!pinned()) {
      return;
    }
    long pid = ProcessHandle.current().pid();
    Process taskset =
        new ProcessBuilder(TASKSET.toString(), "-a", "-p", "-c", driverCpus, Long.toString(pid))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (taskset.waitFor() != 0) {
      throw new IllegalStateException(
          "taskset -a -p -c " + driverCpus + " " + pid + " failed: check the CPU list");
    }
  }

  /** The CPUs a process may run on, as /proc says ({@code Cpus_allowed_list}). */
  static String allowedCpus(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("Cpus_allowed_list:")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      return "unknown";
    }
    return "unknown";
  }
}

package io.modelkeeper.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time of a server process from /proc, split by what its threads do: serving requests (event
 * loops, inference threads), garbage collection, JIT compilation, the rest. The split tells whether
 * a change costs CPU on the request path or in the collector.
 */
final class ServerCpu {

  /** User plus system nanoseconds per kind of thread. */
  record Sample(long requests, long gc, long jit, long other) {

    long total() {
      return requests + gc + jit + other;
    }

    Sample minus(Sample earlier) {
      return new Sample(
          requests - earlier.requests, gc - earlier.gc, jit - earlier.jit, other - earlier.other);
    }

    Sample plus(Sample more) {
      return new Sample(requests + more.requests, gc + more.gc, jit + more.jit, other + more.other);
    }
  }

  static final Sample NONE = new Sample(0, 0, 0, 0);

  /** Clock ticks of /proc stat; 100 per second on Linux. */
  private static final long NANOS_PER_TICK = 10_000_000L;

  private ServerCpu() {}

  static Sample of(long pid) throws IOException {
    long[] kinds = new long[4];
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException threadEnded) {
          continue;
        }
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        kinds[kind(name)] += ticks * NANOS_PER_TICK;
      }
    }
    return new Sample(kinds[0], kinds[1], kinds[2], kinds[3]);
  }

  private static int kind(String thread) {
    if (thread.startsWith("vert.x-eventloo") || thread.startsWith("inference-")) {
      return 0;
    }
    if (thread.startsWith("GC Thread") || thread.startsWith("G1 ")) {
      return 1;
    }
    if (thread.contains("CompilerThre")) {
      return 2;
    }
    return 3;
  }
}

package io.modelkeeper.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * A server's Java Flight Recorder recording, taken with {@code jcmd <pid> JFR.start} around a load
 * run, read back as what a request allocates: bytes per request (exact, from each thread's
 * allocation counter) and the sites that allocate them (from the sampled allocations, weighted by
 * the bytes each sample stands for); and, as a rough guide only, where the CPU samples fell.
 * Allocation counts do not depend on how busy the machine is; CPU shares do, somewhat.
 */
final class AllocationProfile {

  /** The JDK's "profile" settings with allocation samples 20 times as dense. */
  private static final String SAMPLES_PER_SECOND = "6000/s";

  private final Path recording;
  private final long pid;

  private AllocationProfile(Path recording, long pid) {
    this.recording = recording;
    this.pid = pid;
  }

  /** Starts a recording in the server process {@code pid}, to be written to {@code recording}. */
  static AllocationProfile start(long pid, Path recording)
      throws IOException, InterruptedException {
    Path settings = recording.resolveSibling("allocation.jfc");
    String profile =
        Files.readString(Path.of(System.getProperty("java.home"), "lib", "jfr", "profile.jfc"));
    Files.writeString(
        settings,
        profile.replace(
            "<setting name=\"throttle\" control=\"allocation-profiling\">300/s</setting>",
            "<setting name=\"throttle\" control=\"allocation-profiling\">"
                + SAMPLES_PER_SECOND
                + "</setting>"));
    jcmd(pid, "JFR.start", "name=profile", "settings=" + settings, "filename=" + recording);
    return new AllocationProfile(recording, pid);
  }

  /**
   * Starts a recording with the JDK's default settings (about 1% overhead): enough for the GC
   * pauses, without the allocation samples.
   */
  static AllocationProfile startLight(long pid, Path recording)
      throws IOException, InterruptedException {
    jcmd(pid, "JFR.start", "name=profile", "settings=default", "filename=" + recording);
    return new AllocationProfile(recording, pid);
  }

  /** The garbage collector's pauses in a recording: how many, their sum and the longest. */
  record GcPauses(long count, double totalMillis, double longestMillis) {
    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%d GC pauses, %.1f ms in all, longest %.2f ms",
          count,
          totalMillis,
          longestMillis);
    }
  }

  /** The GC pauses of the (stopped) recording. */
  GcPauses gcPauses() throws IOException {
    return gcPauses(Instant.MIN, Instant.MAX);
  }

  /** The GC pauses of the (stopped) recording that started within [from, to). */
  GcPauses gcPauses(Instant from, Instant to) throws IOException {
    long count = 0;
    long total = 0;
    long longest = 0;
    for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
      if (event.getEventType().getName().equals("jdk.GarbageCollection")
          && !event.getStartTime().isBefore(from)
          && event.getStartTime().isBefore(to)) {
        long pause = event.getDuration("sumOfPauses").toNanos();
        count++;
        total += pause;
        longest = Math.max(longest, event.getDuration("longestPause").toNanos());
      }
    }
    return new GcPauses(count, total / 1e6, longest / 1e6);
  }

  /** Stops the recording and writes it out. */
  void stop() throws IOException, InterruptedException {
    jcmd(pid, "JFR.stop", "name=profile");
  }

  private static void jcmd(long pid, String... command) throws IOException, InterruptedException {
    List<String> line = new ArrayList<>();
    line.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
    line.add(Long.toString(pid));
    line.addAll(List.of(command));
    Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (process.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", line) + " failed:\n" + output);
    }
  }

  /** The summary of the recording for {@code requests} requests, as Markdown-friendly text. */
  String summary(String title, long requests, int topSites) throws IOException {
    Map<String, long[]> allocatedByThread = new HashMap<>();
    Map<String, Long> sampledByKind = new HashMap<>();
    Map<String, Long> sampledBySite = new HashMap<>();
    Map<String, Long> cpuByFrame = new HashMap<>();
    Map<String, Long> cpuByKind = new HashMap<>();
    long sampledTotal = 0;
    long cpuSamples = 0;
    long gcPauses = 0;
    long gcPauseNanos = 0;
    long gcPauseMaxNanos = 0;
    for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
      String type = event.getEventType().getName();
      switch (type) {
        case "jdk.ThreadAllocationStatistics" -> {
          RecordedThread thread = event.getThread("thread");
          if (recorderThread(thread)) {
            continue;
          }
          String name =
              thread == null ? "?" : thread.getJavaName() + "#" + thread.getJavaThreadId();
          long allocated = event.getLong("allocated");
          long[] range =
              allocatedByThread.computeIfAbsent(name, n -> new long[] {allocated, allocated});
          range[0] = Math.min(range[0], allocated);
          range[1] = Math.max(range[1], allocated);
        }
        case "jdk.ObjectAllocationSample" -> {
          if (recorderThread(event.getThread("eventThread"))) {
            continue;
          }
          long weight = event.getLong("weight");
          sampledTotal += weight;
          sampledByKind.merge(kind(event.getThread("eventThread")), weight, Long::sum);
          String site = event.getClass("objectClass").getName() + " " + site(event.getStackTrace());
          sampledBySite.merge(site, weight, Long::sum);
        }
        case "jdk.ExecutionSample" -> {
          cpuSamples++;
          cpuByKind.merge(kind(event.getThread("sampledThread")), 1L, Long::sum);
          RecordedStackTrace stack = event.getStackTrace();
          if (stack != null && !stack.getFrames().isEmpty()) {
            cpuByFrame.merge(frame(stack.getFrames().get(0)), 1L, Long::sum);
          }
        }
        case "jdk.GarbageCollection" -> {
          gcPauses++;
          long pause = event.getDuration("sumOfPauses").toNanos();
          gcPauseNanos += pause;
          gcPauseMaxNanos = Math.max(gcPauseMaxNanos, pause);
        }
        default -> {
          // Other events are not summarised.
        }
      }
    }
    long allocated = 0;
    Map<String, Long> allocatedByKind = new HashMap<>();
    for (Map.Entry<String, long[]> thread : allocatedByThread.entrySet()) {
      long bytes = thread.getValue()[1] - thread.getValue()[0];
      allocated += bytes;
      allocatedByKind.merge(kindOfName(thread.getKey()), bytes, Long::sum);
    }
    StringBuilder out = new StringBuilder();
    out.append("### ").append(title).append('\n').append('\n');
    out.append(
        String.format(
            Locale.ROOT,
            "%,d requests; %,d bytes allocated in the server, %,.0f bytes per request"
                + " (threads' allocation counters); %d GC pauses, %.1f ms in all, longest %.2f ms%n%n",
            requests,
            allocated,
            (double) allocated / requests,
            gcPauses,
            gcPauseNanos / 1e6,
            gcPauseMaxNanos / 1e6));
    out.append("| thread | bytes per request |\n|---|---:|\n");
    allocatedByKind.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(
            e ->
                out.append(
                    String.format(
                        Locale.ROOT,
                        "| %s | %,.0f |%n",
                        e.getKey(),
                        (double) e.getValue() / requests)));
    out.append('\n');
    out.append(
        String.format(
            Locale.ROOT,
            "Top allocation sites (sampled, %,d bytes in samples' weight = %,.0f per request):%n%n",
            sampledTotal,
            (double) sampledTotal / requests));
    out.append("| share | bytes per request | allocated | at (first frames, innermost first) |\n");
    out.append("|---:|---:|---|---|\n");
    long total = sampledTotal;
    long allocatedBytes = allocated;
    sampledBySite.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(topSites)
        .forEach(
            e -> {
              int space = e.getKey().indexOf(' ');
              out.append(
                  String.format(
                      Locale.ROOT,
                      "| %.1f%% | %,.0f | %s | %s |%n",
                      100.0 * e.getValue() / total,
                      (double) e.getValue() * allocatedBytes / Math.max(1, total) / requests,
                      e.getKey().substring(0, space),
                      e.getKey().substring(space + 1)));
            });
    out.append('\n');
    out.append(
        String.format(
            Locale.ROOT,
            "CPU samples (%,d; shares only, and only a rough guide on a busy machine): %s%n%n",
            cpuSamples,
            shares(cpuByKind, cpuSamples)));
    out.append("| share of CPU samples | method (innermost frame) |\n|---:|---|\n");
    long samples = cpuSamples;
    cpuByFrame.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(15)
        .forEach(
            e ->
                out.append(
                    String.format(
                        Locale.ROOT,
                        "| %.1f%% | %s |%n",
                        100.0 * e.getValue() / Math.max(1, samples),
                        e.getKey())));
    return out.toString();
  }

  private static String shares(Map<String, Long> counts, long total) {
    List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.entrySet());
    entries.sort(Map.Entry.<String, Long>comparingByValue().reversed());
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, Long> e : entries) {
      parts.add(String.format(Locale.ROOT, "%s %.0f%%", e.getKey(), 100.0 * e.getValue() / total));
    }
    return String.join(", ", parts);
  }

  /**
   * Where a sample was allocated: the innermost frame, the innermost frame of the server's own code
   * if it is another, and the frame that called that one.
   */
  private static String site(RecordedStackTrace stack) {
    if (stack == null || stack.getFrames().isEmpty()) {
      return "(no stack)";
    }
    List<RecordedFrame> frames = stack.getFrames();
    List<String> shown = new ArrayList<>();
    shown.add(frame(frames.get(0)));
    int own = -1;
    for (int i = 0; i < frames.size(); i++) {
      if (frames.get(i).getMethod().getType().getName().startsWith("io.modelkeeper.")) {
        own = i;
        break;
      }
    }
    if (own > 0) {
      if (own > 1) {
        shown.add("…");
      }
      shown.add(frame(frames.get(own)));
    }
    int caller = Math.max(own, 0) + 1;
    if (caller < frames.size()) {
      shown.add(frame(frames.get(caller)));
    }
    return String.join(" ← ", shown);
  }

  private static String frame(RecordedFrame frame) {
    String type = frame.getMethod().getType().getName();
    return type.substring(type.lastIndexOf('.') + 1)
        + "."
        + frame.getMethod().getName()
        + (frame.getLineNumber() > 0 ? ":" + frame.getLineNumber() : "");
  }

  /** The recorder's own threads, and jcmd's: their allocations are not the server's. */
  private static boolean recorderThread(RecordedThread thread) {
    String name = thread == null ? null : thread.getJavaName();
    return name != null && (name.startsWith("JFR ") || name.equals("Attach Listener"));
  }

  private static String kind(RecordedThread thread) {
    return thread == null ? "other" : kindOfName(thread.getJavaName());
  }

  private static String kindOfName(String name) {
    if (name == null) {
      return "other";
    }
    if (name.startsWith("vert.x-eventloop")) {
      return "event loop";
    }
    if (name.startsWith("inference-")) {
      return "inference threads";
    }
    if (name.startsWith("executor-thread") || name.startsWith("vert.x-worker")) {
      return "worker threads";
    }
    return "other";
  }
}

package io.modelkeeper.trainer.curves;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelkeeper.contract.TrainingContract;
import io.modelkeeper.trainer.Environment;
import io.modelkeeper.trainer.Results;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A run's per-step metrics: the {@code modelkeeper.metric} lines on stdout that the operator reads,
 * the same lines in {@code metrics.jsonl}, and a TensorBoard event file, both in the output
 * directory and flushed after every step, so a run that dies keeps its curve so far.
 *
 * <p>The two files are for people; the model is what the run is for. A file that cannot be written
 * is reported once on stderr and then left alone, and training goes on.
 */
public final class TrainingCurves implements AutoCloseable {
  private static final int MAX_HOST_LENGTH = 63;

  private final Clock clock;
  private final PrintStream out;
  private final PrintStream err;
  private final Path logPath;
  private Path eventsPath;
  private Writer log;
  private EventFile events;

  private TrainingCurves(Path directory, Clock clock, PrintStream out, PrintStream err) {
    this.clock = clock;
    this.out = out;
    this.err = err;
    this.logPath = directory.resolve(TrainingContract.METRICS_LOG_FILE);
  }

  /**
   * Starts {@code metrics.jsonl} and {@code events.out.tfevents.<seconds>.<host>} in {@code
   * directory} (creating it); either may fail without an exception.
   */
  public static TrainingCurves open(
      Path directory, String host, Clock clock, PrintStream out, PrintStream err) {
    TrainingCurves curves = new TrainingCurves(directory, clock, out, err);
    Instant now = clock.instant();
    curves.eventsPath = directory.resolve(EventFile.name(now, host));
    try {
      Files.createDirectories(directory);
      curves.log = Files.newBufferedWriter(curves.logPath, StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      curves.giveUp(curves.logPath, null, e);
    }
    try {
      curves.events = EventFile.create(directory, now, host);
    } catch (IOException | RuntimeException e) {
      curves.giveUp(curves.eventsPath, null, e);
    }
    return curves;
  }

  /**
   * The host part of the event file's name: the pod's name ({@code HOSTNAME}), else the machine's,
   * with anything but letters, digits, {@code .}, {@code -} and {@code _} replaced.
   */
  public static String host(Environment env) {
    String host =
        env.get("HOSTNAME")
            .orElseGet(
                () -> {
                  try {
                    return InetAddress.getLocalHost().getHostName();
                  } catch (IOException | RuntimeException e) {
                    return "localhost";
                  }
                });
    String safe = host.replaceAll("[^A-Za-z0-9._-]", "_");
    return safe.length() <= MAX_HOST_LENGTH ? safe : safe.substring(0, MAX_HOST_LENGTH);
  }

  /**
   * The metrics of one step, in the given order: a line each on stdout and in {@code
   * metrics.jsonl}, one event in the event file, then both files flushed. Undefined (NaN) values
   * are left out everywhere.
   */
  public void step(int step, Map<String, Double> values) {
    Map<String, Double> finite = new LinkedHashMap<>();
    values.forEach(
        (name, value) -> {
          if (value != null && Double.isFinite(value)) {
            finite.put(name, value);
          }
        });
    if (finite.isEmpty()) {
      return;
    }
    StringBuilder lines = new StringBuilder();
    finite.forEach(
        (name, value) -> {
          String line = metricJson(step, name, value);
          out.println(TrainingContract.METRIC_LINE_PREFIX + " " + line);
          lines.append(line).append('\n');
        });
    if (log != null) {
      try {
        log.write(lines.toString());
        log.flush();
      } catch (IOException | RuntimeException e) {
        giveUp(logPath, log, e);
        log = null;
      }
    }
    if (events != null) {
      try {
        events.scalars(step, clock.instant(), finite);
        events.flush();
      } catch (IOException | RuntimeException e) {
        giveUp(eventsPath, events, e);
        events = null;
      }
    }
  }

  @Override
  public void close() {
    if (log != null) {
      try {
        log.close();
      } catch (IOException | RuntimeException e) {
        giveUp(logPath, null, e);
      }
      log = null;
    }
    if (events != null) {
      try {
        events.close();
      } catch (IOException | RuntimeException e) {
        giveUp(eventsPath, null, e);
      }
      events = null;
    }
  }

  /** The JSON object of a metric line, as on stdout after the prefix. */
  static String metricJson(int step, String name, double value) {
    ObjectNode line = JsonNodeFactory.instance.objectNode();
    line.put("step", step);
    line.put("name", name);
    line.put("value", value);
    return Results.compact(line);
  }

  private void giveUp(Path file, Closeable open, Exception e) {
    err.println(
        "training curves: cannot write " + file + " (" + e + "); training goes on without it");
    if (open != null) {
      try {
        open.close();
      } catch (IOException | RuntimeException ignored) {
        // already reported the first error; the file is abandoned
      }
    }
  }
}

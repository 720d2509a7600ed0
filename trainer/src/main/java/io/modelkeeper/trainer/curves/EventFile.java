package io.modelkeeper.trainer.curves;

import io.modelkeeper.trainer.curves.proto.Event;
import io.modelkeeper.trainer.curves.proto.Summary;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;

/**
 * A TensorBoard event file: TFRecord-framed {@code Event} protos, a file version first, then one
 * event per step whose summary holds a scalar per metric.
 */
final class EventFile implements Closeable {
  /** What TensorBoard looks for in a file's name to read it as an event file. */
  static final String NAME_PREFIX = "events.out.tfevents.";

  /** The first event's {@code file_version}: the version every current writer puts there. */
  static final String FILE_VERSION = "brain.Event:2";

  private final Path path;
  private final OutputStream out;

  private EventFile(Path path, OutputStream out) {
    this.path = path;
    this.out = out;
  }

  /**
   * TensorBoard's name, {@code events.out.tfevents.<seconds, 10 digits>.<host>}: the files of a
   * directory sort by when they were started.
   */
  static String name(Instant created, String host) {
    return NAME_PREFIX + String.format("%010d", created.getEpochSecond()) + "." + host;
  }

  /** Starts the file (replacing one of the same name) with the file-version event, flushed. */
  static EventFile create(Path directory, Instant now, String host) throws IOException {
    Path path = directory.resolve(name(now, host));
    OutputStream out =
        new BufferedOutputStream(
            Files.newOutputStream(
                path,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE));
    EventFile file = new EventFile(path, out);
    try {
      file.append(
          Event.newBuilder().setWallTime(seconds(now)).setFileVersion(FILE_VERSION).build());
      file.flush();
    } catch (IOException | RuntimeException e) {
      out.close();
      throw e;
    }
    return file;
  }

  Path path() {
    return path;
  }

  /** One event holding a scalar ({@code simple_value}, float32) per metric of the step. */
  void scalars(long step, Instant wallTime, Map<String, Double> values) throws IOException {
    Summary.Builder summary = Summary.newBuilder();
    values.forEach(
        (tag, value) ->
            summary.addValue(
                Summary.Value.newBuilder().setTag(tag).setSimpleValue(value.floatValue())));
    append(
        Event.newBuilder()
            .setWallTime(seconds(wallTime))
            .setStep(step)
            .setSummary(summary)
            .build());
  }

  void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }

  private void append(Event event) throws IOException {
    out.write(TfRecord.frame(event.toByteArray()));
  }

  private static double seconds(Instant instant) {
    return instant.getEpochSecond() + instant.getNano() / 1e9;
  }
}

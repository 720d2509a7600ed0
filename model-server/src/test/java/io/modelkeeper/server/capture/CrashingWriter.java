package io.modelkeeper.server.capture;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * A separate process that captures rows without end, reporting after each flush how many rows are
 * on disk, until the test kills it.
 */
public final class CrashingWriter {
  public static void main(String[] args) throws Exception {
    DatasetWriter writer =
        new DatasetWriter(
            Path.of(args[0]),
            "fraud",
            "7",
            "pod-a",
            new DatasetWriter.Limits(4096, Duration.ofHours(1), Duration.ofMillis(5), 64, 10_000),
            Clock.systemUTC());
    for (long i = 0; ; i++) {
      writer.append(DatasetWriterTest.row(i));
      if (i % 50 == 49) {
        writer.flush(Duration.ofSeconds(10));
        System.out.println("flushed " + writer.writtenRows());
        System.out.flush();
      }
    }
  }

  private CrashingWriter() {}
}

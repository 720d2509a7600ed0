package io.modelkeeper.trainer.support;

import io.modelkeeper.server.capture.CapturedRow;
import io.modelkeeper.server.capture.DatasetWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Writes rows with the model server's own dataset-capture writer, as a serving pod would. */
public final class Captured {

  /** One labelled row of a one-input model. */
  public record Row(String id, int row, float[] features, Number label, Instant time) {
    public Row(String id, float[] features, Number label) {
      this(id, 0, features, label, Instant.now());
    }
  }

  private Captured() {}

  /** Writes the rows into finished {@code *.jsonl} files of {@code directory}. */
  public static void write(Path directory, String input, List<Row> rows) throws Exception {
    try (DatasetWriter writer =
        new DatasetWriter(
            directory,
            "model",
            "1",
            "pod-" + Math.abs(directory.hashCode() ^ rows.size()),
            new DatasetWriter.Limits(
                64 << 20, Duration.ofHours(1), Duration.ofMillis(50), 1000, rows.size() + 10),
            Clock.systemUTC())) {
      for (Row row : rows) {
        boolean integral = row.label() instanceof Integer;
        writer.append(
            new CapturedRow(
                row.time(),
                row.id(),
                row.row(),
                Map.of(input, row.features()),
                row.label(),
                integral ? (Number) 0 : (Number) 0.0,
                null,
                null));
      }
      if (!writer.flush(Duration.ofSeconds(60))) {
        throw new IllegalStateException("capture did not flush");
      }
    }
  }
}

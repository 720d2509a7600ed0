package io.modelkeeper.trainer.curves;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.modelkeeper.contract.TrainingContract;
import io.modelkeeper.trainer.Environment;
import io.modelkeeper.trainer.support.EventRecords;
import io.modelkeeper.trainer.support.EventRecords.ReadEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The curve files are on disk after every step, and a file that cannot be written is let go. */
class TrainingCurvesTest {
  static final Instant NOW = Instant.parse("2026-12-03T02:00:00.250Z");
  static final Path DEV_FULL = Path.of("/dev/full");

  @TempDir Path dir;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void eachStepIsOnDiskBeforeTheRunEnds() throws Exception {
    TrainingCurves curves = open();
    Path events = dir.resolve("events.out.tfevents.1796263200.trial-1");

    curves.step(1, values(0.5, 0.75, Double.NaN));

    assertThat(Files.readAllLines(dir.resolve(TrainingContract.METRICS_LOG_FILE)))
        .containsExactly(
            "{\"step\":1,\"name\":\"train_loss\",\"value\":0.5}",
            "{\"step\":1,\"name\":\"val_loss\",\"value\":0.75}");
    assertThat(EventRecords.events(events))
        .containsExactly(
            new ReadEvent(1796263200.25, 0, Optional.of("brain.Event:2"), Map.of()),
            new ReadEvent(
                1796263200.25,
                1,
                Optional.empty(),
                scalars("train_loss", 0.5f, "val_loss", 0.75f)));

    curves.step(2, values(0.25, 0.5, 0.9));

    assertThat(Files.readAllLines(dir.resolve(TrainingContract.METRICS_LOG_FILE))).hasSize(5);
    assertThat(EventRecords.events(events).get(2).scalars())
        .containsExactlyEntriesOf(
            scalars("train_loss", 0.25f, "val_loss", 0.5f, "val_accuracy", 0.9f));
    assertThat(out.toString(StandardCharsets.UTF_8).lines())
        .hasSize(5)
        .allMatch(line -> line.startsWith("modelkeeper.metric {\"step\":"));
    curves.close();
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void aMetricsLogThatCannotBeWrittenIsReportedOnceAndTheRestGoesOn() throws Exception {
    assumeThat(Files.isWritable(DEV_FULL)).as("/dev/full, a device that is always full").isTrue();
    Files.createSymbolicLink(dir.resolve(TrainingContract.METRICS_LOG_FILE), DEV_FULL);

    try (TrainingCurves curves = open()) {
      for (int step = 1; step <= 3; step++) {
        curves.step(step, values(1.0 / step, 2.0 / step, 0.5));
      }
    }

    assertThat(err.toString(StandardCharsets.UTF_8).lines())
        .singleElement()
        .asString()
        .contains("training curves: cannot write", "metrics.jsonl", "training goes on");
    assertThat(EventRecords.events(dir.resolve("events.out.tfevents.1796263200.trial-1")))
        .extracting(ReadEvent::step)
        .containsExactly(0L, 1L, 2L, 3L);
    assertThat(out.toString(StandardCharsets.UTF_8).lines()).hasSize(9);
  }

  @Test
  void anEventFileThatCannotBeWrittenIsReportedOnceAndTheRestGoesOn() throws Exception {
    assumeThat(Files.isWritable(DEV_FULL)).as("/dev/full, a device that is always full").isTrue();
    Files.createSymbolicLink(dir.resolve("events.out.tfevents.1796263200.trial-1"), DEV_FULL);

    try (TrainingCurves curves = open()) {
      for (int step = 1; step <= 3; step++) {
        curves.step(step, values(1.0 / step, 2.0 / step, 0.5));
      }
    }

    assertThat(err.toString(StandardCharsets.UTF_8).lines())
        .singleElement()
        .asString()
        .contains("training curves: cannot write", "events.out.tfevents.1796263200.trial-1");
    assertThat(Files.readAllLines(dir.resolve(TrainingContract.METRICS_LOG_FILE))).hasSize(9);
    assertThat(out.toString(StandardCharsets.UTF_8).lines()).hasSize(9);
  }

  @Test
  void anOutputDirectoryThatCannotBeMadeLeavesTheStdoutLines() throws Exception {
    Files.writeString(dir.resolve("file"), "not a directory");

    try (TrainingCurves curves =
        TrainingCurves.open(
            dir.resolve("file").resolve("run"),
            "trial-1",
            Clock.fixed(NOW, ZoneOffset.UTC),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8))) {
      curves.step(1, values(0.5, 0.75, 0.9));
    }

    assertThat(err.toString(StandardCharsets.UTF_8).lines())
        .hasSize(2)
        .allMatch(line -> line.startsWith("training curves: cannot write"));
    assertThat(out.toString(StandardCharsets.UTF_8).lines()).hasSize(3);
  }

  @Test
  void theHostInTheFileNameIsThePodsNameMadeSafe() {
    assertThat(TrainingCurves.host(new Environment(Map.of("HOSTNAME", "fraud-r3-trial-2-x7k"))))
        .isEqualTo("fraud-r3-trial-2-x7k");
    assertThat(TrainingCurves.host(new Environment(Map.of("HOSTNAME", "a/../b c"))))
        .isEqualTo("a_.._b_c");
    assertThat(TrainingCurves.host(new Environment(Map.of("HOSTNAME", "h".repeat(300)))))
        .hasSize(63);
    assertThat(EventFile.name(NOW, "pod")).isEqualTo("events.out.tfevents.1796263200.pod");
  }

  private TrainingCurves open() {
    return TrainingCurves.open(
        dir,
        "trial-1",
        Clock.fixed(NOW, ZoneOffset.UTC),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private static Map<String, Double> values(double trainLoss, double valLoss, double accuracy) {
    Map<String, Double> values = new LinkedHashMap<>();
    values.put("train_loss", trainLoss);
    values.put("val_loss", valLoss);
    values.put("val_accuracy", accuracy);
    return values;
  }

  private static Map<String, Float> scalars(Object... tagsAndValues) {
    Map<String, Float> scalars = new LinkedHashMap<>();
    for (int i = 0; i < tagsAndValues.length; i += 2) {
      scalars.put((String) tagsAndValues[i], (Float) tagsAndValues[i + 1]);
    }
    return scalars;
  }
}

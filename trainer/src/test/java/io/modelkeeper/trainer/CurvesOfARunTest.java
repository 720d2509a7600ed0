package io.modelkeeper.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelkeeper.contract.TrainingContract;
import io.modelkeeper.trainer.support.Captured;
import io.modelkeeper.trainer.support.EventRecords;
import io.modelkeeper.trainer.support.EventRecords.ReadEvent;
import io.modelkeeper.trainer.support.Runs;
import io.modelkeeper.trainer.support.Synthetic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real training run leaves its curves in the output directory: {@code metrics.jsonl} holds the
 * stdout metric lines, and the TensorBoard event file, read back by the tests' own reader, holds
 * the same steps, tags and values.
 */
class CurvesOfARunTest {
  static final double[] WEIGHTS = {1.5, -1, 0.5, 0, 0.25, 0, 0, 0};
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  Path data;

  @BeforeEach
  void capture() throws Exception {
    data = dir.resolve("data");
    Captured.write(data, "input", Synthetic.logistic(WEIGHTS, 0.2, 600, 11));
  }

  @Test
  void theEventFileHoldsTheStepsAndValuesOfMetricsJsonlAndStdout() throws Exception {
    Path output = dir.resolve("run").resolve("trial-2");
    Map<String, String> env = Runs.env("binary-classification", data, output);
    env.put("MODELKEEPER_PARAM_EPOCHS", "6");
    env.put("HOSTNAME", "fraud-r3-trial-2");
    Instant before = Instant.now();

    Runs.Run run = Runs.run("train", env);

    Instant after = Instant.now();
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err()).doesNotContain("training curves");
    List<String> stdout =
        run.out()
            .lines()
            .filter(line -> line.startsWith(TrainingContract.METRIC_LINE_PREFIX + " "))
            .map(line -> line.substring(TrainingContract.METRIC_LINE_PREFIX.length() + 1))
            .toList();
    List<String> jsonl = Files.readAllLines(output.resolve(TrainingContract.METRICS_LOG_FILE));
    assertThat(jsonl).hasSize(6 * 3).isEqualTo(stdout);

    List<Path> eventFiles = eventFiles(output);
    assertThat(eventFiles).hasSize(1);
    assertThat(eventFiles.get(0).getFileName().toString())
        .matches("events\\.out\\.tfevents\\.\\d{10}\\.fraud-r3-trial-2");
    List<ReadEvent> events = EventRecords.events(eventFiles.get(0));
    assertThat(events.get(0).fileVersion()).contains("brain.Event:2");
    assertThat(events.get(0).scalars()).isEmpty();

    Map<Long, Map<String, Float>> fromJsonl = byStep(jsonl);
    Map<Long, Map<String, Float>> fromEvents = new LinkedHashMap<>();
    for (ReadEvent event : events.subList(1, events.size())) {
      assertThat(event.fileVersion()).isEmpty();
      assertThat(fromEvents.put(event.step(), event.scalars())).as("one event per step").isNull();
    }
    assertThat(fromEvents).containsExactlyEntriesOf(fromJsonl);
    assertThat(fromEvents.keySet()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(fromEvents.get(1L)).containsOnlyKeys("train_loss", "val_loss", "val_accuracy");

    List<Double> wallTimes = events.stream().map(ReadEvent::wallTime).toList();
    assertThat(wallTimes).isSorted();
    assertThat(wallTimes)
        .allSatisfy(
            seconds ->
                assertThat(seconds)
                    .isBetween(before.getEpochSecond() - 1.0, after.getEpochSecond() + 1.0));
  }

  @Test
  void curvesThatCannotBeWrittenDoNotFailTheRun() throws Exception {
    Path full = Path.of("/dev/full");
    assumeThat(Files.isWritable(full)).as("/dev/full, a device that is always full").isTrue();
    Instant now = Instant.parse("2026-12-03T02:10:00Z");
    Path output = dir.resolve("run");
    Files.createDirectories(output);
    Files.createSymbolicLink(output.resolve(TrainingContract.METRICS_LOG_FILE), full);
    Files.createSymbolicLink(output.resolve("events.out.tfevents.1796263800.trial-0"), full);
    Map<String, String> env = Runs.env("binary-classification", data, output);
    env.put("MODELKEEPER_PARAM_EPOCHS", "4");
    env.put("HOSTNAME", "trial-0");

    Runs.Run run = Runs.run("train", env, Clock.fixed(now, ZoneOffset.UTC));

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err().lines().filter(line -> line.startsWith("training curves:")))
        .hasSize(2)
        .anyMatch(line -> line.contains("metrics.jsonl"))
        .anyMatch(line -> line.contains("events.out.tfevents.1796263800.trial-0"));
    assertThat(run.metric("val_loss")).hasSize(4);
    assertThat(output.resolve(TrainingContract.MODEL_FILE)).isNotEmptyFile();
    assertThat(run.summary().get("epochs").asInt()).isEqualTo(4);
  }

  private static Map<Long, Map<String, Float>> byStep(List<String> lines) throws Exception {
    Map<Long, Map<String, Float>> steps = new TreeMap<>();
    for (String line : lines) {
      JsonNode metric = JSON.readTree(line);
      steps
          .computeIfAbsent(metric.get("step").asLong(), step -> new LinkedHashMap<>())
          .put(metric.get("name").asText(), (float) metric.get("value").asDouble());
    }
    return steps;
  }

  private static List<Path> eventFiles(Path directory) throws Exception {
    try (Stream<Path> files = Files.list(directory)) {
      return files
          .filter(file -> file.getFileName().toString().startsWith("events.out.tfevents."))
          .toList();
    }
  }
}

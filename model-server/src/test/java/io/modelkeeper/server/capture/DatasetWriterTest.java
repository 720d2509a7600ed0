package io.modelkeeper.server.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetWriterTest {
  @TempDir Path directory;

  static CapturedRow row(long i) {
    return new CapturedRow(
        Instant.parse("2026-11-29T08:00:00Z").plusMillis(i),
        "req-" + i,
        0,
        Map.of("x", new float[] {0.1f, (float) i}),
        (int) (i % 2),
        1,
        0.75,
        new float[] {0.25f, 0.75f});
  }

  private DatasetWriter writer(long maxFileBytes, Duration maxAge, Clock clock) throws Exception {
    return new DatasetWriter(
        directory,
        "fraud",
        "7",
        "pod-a",
        new DatasetWriter.Limits(maxFileBytes, maxAge, Duration.ofMillis(20), 100, 1000),
        clock);
  }

  @Test
  void rowsAreWrittenAsDocumentedJsonLines() throws Exception {
    try (DatasetWriter writer = writer(1 << 20, Duration.ofHours(1), Clock.systemUTC())) {
      writer.append(row(3));
    }

    List<Path> files = DatasetFiles.list(directory);
    assertThat(files)
        .singleElement()
        .satisfies(
            f ->
                assertThat(f.getFileName().toString())
                    .matches("fraud-7-pod-a-\\d{8}T\\d{6}Z-000000\\.jsonl"));
    assertThat(Files.readString(files.get(0)))
        .isEqualTo(
            "{\"time\":\"2026-11-29T08:00:00.003Z\",\"model\":\"fraud\",\"version\":\"7\","
                + "\"id\":\"req-3\",\"row\":0,\"features\":{\"x\":[0.1,3.0]},\"label\":1,"
                + "\"prediction\":1,\"score\":0.75,\"probabilities\":[0.25,0.75]}\n");
  }

  @Test
  void rotatesBySize_andEveryRowIsReadBackOnce() throws Exception {
    try (DatasetWriter writer = writer(2000, Duration.ofHours(1), Clock.systemUTC())) {
      for (int i = 0; i < 300; i++) {
        writer.append(row(i));
      }
    }

    List<Path> files = DatasetFiles.list(directory);
    List<JsonNode> rows = DatasetFiles.readAll(directory);

    assertThat(files.size()).isGreaterThan(3);
    assertThat(files).allMatch(f -> f.toString().endsWith(".jsonl"));
    assertThat(rows).extracting(r -> r.get("id").asText()).doesNotHaveDuplicates().hasSize(300);
  }

  @Test
  void rotatesByAge_evenWhenNoMoreRowsCome() throws Exception {
    Clock later = Clock.offset(Clock.fixed(Instant.now(), ZoneOffset.UTC), Duration.ZERO);
    MutableClock clock = new MutableClock(later.instant());
    try (DatasetWriter writer = writer(1 << 20, Duration.ofMinutes(5), clock)) {
      writer.append(row(1));
      writer.flush(Duration.ofSeconds(5));
      assertThat(DatasetFiles.list(directory))
          .singleElement()
          .satisfies(f -> assertThat(f.toString()).endsWith(".jsonl.part"));

      clock.advance(Duration.ofMinutes(6));

      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(DatasetFiles.list(directory))
                      .singleElement()
                      .satisfies(
                          f ->
                              assertThat(f.toString()).endsWith(".jsonl").doesNotEndWith(".part")));
    }
  }

  @Test
  void killedWriter_losesOnlyUnflushedRows_andEarlierFilesStayIntact() throws Exception {
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                CrashingWriter.class.getName(),
                directory.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    long flushed = 0;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null && flushed < 1000) {
        flushed = Long.parseLong(line.substring("flushed ".length()));
      }
      child.destroyForcibly().waitFor();
    }

    List<Path> finished =
        DatasetFiles.list(directory).stream().filter(f -> f.toString().endsWith(".jsonl")).toList();
    assertThat(finished).hasSizeGreaterThan(2);
    for (Path file : finished) {
      // A finished file is whole: every line ends in a newline and parses.
      String text = Files.readString(file);
      assertThat(text).endsWith("\n");
      assertThat(DatasetFiles.read(file)).hasSize((int) text.lines().count());
    }
    List<Path> inProgress =
        DatasetFiles.list(directory).stream().filter(f -> f.toString().endsWith(".part")).toList();
    assertThat(inProgress).hasSizeLessThanOrEqualTo(1);

    // The kill may land between whole writes, even just after a rotation; tear the last line of
    // the file in progress as a crash mid-write would.
    Path torn =
        inProgress.isEmpty()
            ? directory.resolve("fraud-7-pod-a-20261129T080000Z-999999.jsonl.part")
            : inProgress.get(0);
    Files.writeString(
        torn, "{\"time\":\"2026-11-29T08:", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    List<JsonNode> survivors = DatasetFiles.readAll(directory);
    assertThat((long) survivors.size()).isGreaterThanOrEqualTo(flushed);
    assertThat(survivors).extracting(r -> r.get("id").asText()).doesNotHaveDuplicates();

    // A restarted writer cuts the torn line off and finishes the leftover file.
    try (DatasetWriter restarted = writer(1 << 20, Duration.ofHours(1), Clock.systemUTC())) {
      restarted.append(row(-1));
    }
    assertThat(DatasetFiles.list(directory)).allMatch(f -> f.toString().endsWith(".jsonl"));
    assertThat(DatasetFiles.readAll(directory)).hasSize(survivors.size() + 1);
  }

  @Test
  void anotherWritersAbandonedPartFileIsRecovered_aRecentOneIsLeftAlone() throws Exception {
    java.io.ByteArrayOutputStream lines = new java.io.ByteArrayOutputStream();
    DatasetLine line = new DatasetLine("fraud", "7");
    line.write(row(1), lines);
    line.write(row(2), lines);
    Path abandoned = directory.resolve("fraud-7-pod-gone-20261129T080000Z-000000.jsonl.part");
    Files.write(abandoned, lines.toByteArray());
    Files.writeString(abandoned, "{\"time\":\"2026-11-29T08:", StandardOpenOption.APPEND);
    Files.setLastModifiedTime(
        abandoned, java.nio.file.attribute.FileTime.from(Instant.now().minus(Duration.ofHours(2))));
    Path live = directory.resolve("fraud-7-pod-live-20261129T090000Z-000000.jsonl.part");
    Files.write(live, lines.toByteArray());
    byte[] liveBefore = Files.readAllBytes(live);

    try (DatasetWriter writer = writer(1 << 20, Duration.ofHours(1), Clock.systemUTC())) {
      writer.flush(Duration.ofSeconds(5));
    }

    Path recovered = directory.resolve("fraud-7-pod-gone-20261129T080000Z-000000.jsonl");
    assertThat(abandoned).doesNotExist();
    assertThat(DatasetFiles.read(recovered))
        .extracting(r -> r.get("id").asText())
        .containsExactly("req-1", "req-2");
    assertThat(Files.readAllBytes(live))
        .as("a live writer's file is not touched")
        .isEqualTo(liveBefore);
  }

  @Test
  void fullQueue_dropsAndCounts() throws Exception {
    DatasetWriter writer =
        new DatasetWriter(
            directory,
            "fraud",
            "7",
            "pod-a",
            new DatasetWriter.Limits(1 << 20, Duration.ofHours(1), Duration.ofSeconds(30), 1000, 2),
            Clock.systemUTC());
    try (writer) {
      int accepted = 0;
      for (int i = 0; i < 50; i++) {
        accepted += writer.append(row(i)) ? 1 : 0;
      }
      assertThat(writer.droppedRows()).isEqualTo(50 - accepted).isPositive();
    }
  }

  /** A clock the test moves by hand. */
  private static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}

package io.modelkeeper.trainer.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A live writer may publish its {@code .part} file between the listing and the read. */
class DatasetReaderTest {
  @TempDir Path dir;

  @Test
  void aPartFilePublishedAfterTheListingIsReadUnderItsNewName() throws Exception {
    Path part = dir.resolve("m-1-pod-a-000001.jsonl.part");
    Path finished = dir.resolve("m-1-pod-a-000001.jsonl");
    Files.writeString(finished, "{}\n");

    assertThat(DatasetReader.published(part, List.of(part))).isEqualTo(finished);
    assertThat(DatasetReader.published(part, List.of(part, finished)))
        .as("already listed: read once")
        .isNull();
  }

  @Test
  void filesThatStillExistAreReadAsListed() throws Exception {
    Path part = dir.resolve("m-1-pod-b-000001.jsonl.part");
    Files.writeString(part, "{}\n");
    assertThat(DatasetReader.published(part, List.of(part))).isEqualTo(part);
  }
}

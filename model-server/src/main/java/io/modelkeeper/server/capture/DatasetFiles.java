package io.modelkeeper.server.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads captured dataset files. A finished file ({@code *.jsonl}) is whole; a file still being
 * written ({@code *.jsonl.part}) may end in a torn line after a crash, which is skipped. The writer
 * uses the same rule to recover leftover files on start.
 */
public final class DatasetFiles {
  public static final String FINISHED = ".jsonl";
  public static final String IN_PROGRESS = ".jsonl.part";

  private static final ObjectMapper JSON = new ObjectMapper();

  private DatasetFiles() {}

  /** The dataset files in a directory, finished and in progress, oldest name first. */
  public static List<Path> list(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files
          .filter(f -> f.toString().endsWith(FINISHED) || f.toString().endsWith(IN_PROGRESS))
          .sorted()
          .toList();
    }
  }

  /** Every complete row of every dataset file in the directory. */
  public static List<JsonNode> readAll(Path directory) throws IOException {
    List<JsonNode> rows = new ArrayList<>();
    for (Path file : list(directory)) {
      rows.addAll(read(file));
    }
    return rows;
  }

  /** The complete rows of one file; a torn final line is left out. */
  public static List<JsonNode> read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    List<JsonNode> rows = new ArrayList<>();
    int start = 0;
    for (int end = 0; end < bytes.length; end++) {
      if (bytes[end] == '\n') {
        if (end > start) {
          rows.add(JSON.readTree(new String(bytes, start, end - start, StandardCharsets.UTF_8)));
        }
        start = end + 1;
      }
    }
    return rows;
  }

  /**
   * Length of the longest prefix made of complete lines that parse as JSON: what survives of a file
   * whose writer died.
   */
  static long completePrefix(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    long valid = 0;
    int start = 0;
    for (int end = 0; end < bytes.length; end++) {
      if (bytes[end] == '\n') {
        try {
          JSON.readTree(new String(bytes, start, end - start, StandardCharsets.UTF_8));
        } catch (IOException torn) {
          return valid;
        }
        valid = end + 1;
        start = end + 1;
      }
    }
    return valid;
  }
}

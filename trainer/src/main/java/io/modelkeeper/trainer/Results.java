package io.modelkeeper.trainer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelkeeper.contract.TrainingContract;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * What a run leaves behind: files in the output directory (each written whole under a temporary
 * name, then renamed) and the short summary in the termination log. Per-step metrics go through
 * {@link io.modelkeeper.trainer.curves.TrainingCurves}.
 */
public final class Results {
  public static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper COMPACT = new ObjectMapper();

  private final Path directory;

  public Results(Path directory) {
    this.directory = directory;
  }

  public Path directory() {
    return directory;
  }

  /** Writes one file of the output directory. */
  public void write(String name, byte[] bytes) {
    try {
      Files.createDirectories(directory);
      Path target = directory.resolve(name);
      Path partial = directory.resolve(name + ".writing");
      Files.write(partial, bytes);
      try {
        Files.move(
            partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new TrainerException("cannot write " + name + " to " + directory + ": " + e, e);
    }
  }

  public void writeJson(String name, Object value) {
    try {
      write(name, JSON.writeValueAsBytes(value));
    } catch (IOException e) {
      throw new TrainerException("cannot encode " + name + ": " + e, e);
    }
  }

  /** A number for JSON: NaN and infinities become null, since JSON has no such numbers. */
  public static Double finite(double value) {
    return Double.isFinite(value) ? value : null;
  }

  /** Figures with NaN as null. */
  public static ObjectNode figures(Map<String, Double> figures) {
    ObjectNode node = COMPACT.createObjectNode();
    figures.forEach((name, value) -> node.put(name, finite(value)));
    return node;
  }

  /**
   * Writes the summary to the termination log (the contract's path, or {@link
   * Environment#TERMINATION_LOG}); a log that cannot be written is not an error, the summary is on
   * stdout too.
   */
  public static void terminationMessage(Environment env, String message) {
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > TrainingContract.TERMINATION_MESSAGE_MAX_BYTES) {
      bytes = java.util.Arrays.copyOf(bytes, TrainingContract.TERMINATION_MESSAGE_MAX_BYTES - 1);
    }
    Path log =
        Path.of(env.get(Environment.TERMINATION_LOG).orElse(TrainingContract.TERMINATION_LOG));
    try {
      Files.write(log, bytes);
    } catch (IOException | RuntimeException e) {
      // not running in a pod, or the log is not writable: stdout/stderr have it
    }
  }

  public static String compact(Object value) {
    try {
      return COMPACT.writeValueAsString(value);
    } catch (IOException e) {
      throw new IllegalStateException("summary is not serialisable", e);
    }
  }
}

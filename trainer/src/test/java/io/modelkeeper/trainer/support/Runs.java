package io.modelkeeper.trainer.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelkeeper.contract.TrainingContract;
import io.modelkeeper.trainer.TrainerMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs {@code train} or {@code evaluate} in-process, as the jar would, and keeps what it printed.
 */
public final class Runs {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Exit code, stdout, stderr and the termination message of one run. */
  public record Run(int exitCode, String out, String err, String termination) {

    public JsonNode summary() throws Exception {
      return JSON.readTree(termination);
    }

    /** The values of one metric's lines, in step order. */
    public List<Double> metric(String name) throws Exception {
      List<Double> values = new ArrayList<>();
      for (String line : out.split("\n")) {
        if (line.startsWith(TrainingContract.METRIC_LINE_PREFIX + " ")) {
          JsonNode metric =
              JSON.readTree(line.substring(TrainingContract.METRIC_LINE_PREFIX.length() + 1));
          if (metric.get("name").asText().equals(name)) {
            values.add(metric.get("value").asDouble());
          }
        }
      }
      return values;
    }
  }

  private Runs() {}

  /** The environment of a run over {@code dataset} writing to {@code output}. */
  public static Map<String, String> env(String task, Path dataset, Path output) {
    Map<String, String> env = new HashMap<>();
    env.put(TrainingContract.TASK, task);
    env.put(TrainingContract.DATASET_DIR, dataset.toString());
    env.put(TrainingContract.OUTPUT_DIR, output.toString());
    env.put(TrainingContract.HOLDOUT_FRACTION, "0.2");
    env.put(
        "MODELKEEPER_TERMINATION_LOG",
        output.resolveSibling(output.getFileName() + ".termination").toString());
    return env;
  }

  public static Run run(String command, Map<String, String> env) throws Exception {
    return run(command, env, Clock.systemUTC());
  }

  public static Run run(String command, Map<String, String> env, Clock clock) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        TrainerMain.run(
            new String[] {command},
            env,
            clock,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    Path log = Path.of(env.get("MODELKEEPER_TERMINATION_LOG"));
    return new Run(
        code,
        out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8),
        Files.exists(log) ? Files.readString(log) : "");
  }

  public static JsonNode json(Path file) throws Exception {
    return JSON.readTree(file.toFile());
  }
}

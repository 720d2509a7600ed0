package io.modelkeeper.bench.tuning;

import io.modelkeeper.contract.TrainingContract;
import io.modelkeeper.operator.tuning.Assignment;
import io.modelkeeper.server.capture.CapturedRow;
import io.modelkeeper.server.capture.DatasetWriter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Trials of the reference trainer on a fixed capture, each a child process as the trainer image
 * runs it ({@code java -jar modelkeeper-trainer.jar train}) with the trial's parameters as {@code
 * MODELKEEPER_PARAM_<NAME>}: the curve is its per-epoch {@code val_loss} metric lines. The trainer
 * repeats a run exactly for a seed, so a curve is kept per assignment and an assignment tried again
 * (random search's and TPE's start-up draws are the same for a seed) is not trained twice.
 */
final class TrainerTrials implements SearchLoop.Trials, AutoCloseable {

  private static final Pattern VAL_LOSS =
      Pattern.compile("\"step\":(\\d+),\"name\":\"val_loss\",\"value\":([-0-9.eE+]+)");

  private final Path jar;
  private final Path data;
  private final Path work;
  private final String heap;
  private final ExecutorService pool;
  private final Map<Assignment, double[]> curves = new HashMap<>();
  private final AtomicInteger runs = new AtomicInteger();

  TrainerTrials(Path jar, Path work, int rows, int parallel, String heap) throws Exception {
    this.jar = jar;
    this.work = work;
    this.heap = heap;
    this.data = work.resolve("capture");
    this.pool = Executors.newFixedThreadPool(parallel);
    capture(data, rows);
  }

  /** Trainer processes started so far (assignments seen before are not run again). */
  int processes() {
    return runs.get();
  }

  @Override
  public List<double[]> run(List<Assignment> batch) throws Exception {
    List<Future<double[]>> running = new ArrayList<>();
    for (Assignment assignment : batch) {
      double[] known;
      synchronized (curves) {
        known = curves.get(assignment);
      }
      running.add(
          known != null
              ? CompletableFuture.completedFuture(known)
              : pool.submit(() -> train(assignment)));
    }
    List<double[]> results = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      double[] curve = running.get(i).get();
      synchronized (curves) {
        curves.put(batch.get(i), curve);
      }
      results.add(curve);
    }
    return results;
  }

  private double[] train(Assignment assignment) throws Exception {
    int number = runs.incrementAndGet();
    Path output = work.resolve("trial-" + number);
    ProcessBuilder builder =
        new ProcessBuilder("java", "-Xmx" + heap, "-jar", jar.toString(), "train")
            .redirectError(work.resolve("trial-" + number + ".err").toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(key -> key.startsWith("MODELKEEPER_"));
    env.put(TrainingContract.TASK, "binary-classification");
    env.put(TrainingContract.DATASET_DIR, data.toString());
    env.put(TrainingContract.OUTPUT_DIR, output.toString());
    env.put(TrainingContract.HOLDOUT_FRACTION, "0.2");
    env.put(TrainingContract.SEED, "1");
    env.put("MODELKEEPER_TERMINATION_LOG", work.resolve("trial-" + number + ".summary").toString());
    env.put("ORT_DISABLE_TELEMETRY", "1");
    assignment
        .values()
        .forEach(
            (name, value) ->
                env.put(TrainingContract.PARAM_PREFIX + name.toUpperCase(Locale.ROOT), value));
    Process process = builder.start();
    List<Double> losses = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        Matcher matcher = VAL_LOSS.matcher(line);
        if (line.startsWith(TrainingContract.METRIC_LINE_PREFIX) && matcher.find()) {
          losses.add(Double.parseDouble(matcher.group(2)));
        }
      }
    }
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
    }
    deleteTree(output);
    if (process.exitValue() != 0) {
      System.out.println(
          "trial "
              + assignment.values()
              + " failed: "
              + Files.readString(work.resolve("trial-" + number + ".err")).strip());
      return new double[0];
    }
    return losses.stream().mapToDouble(Double::doubleValue).toArray();
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }

  /**
   * A fixed binary problem with 8 features, written by the model server's capture writer: a
   * logistic part plus an interaction and a square, so a hidden layer can beat a linear model and
   * the parameters matter.
   */
  private static void capture(Path directory, int rows) throws Exception {
    Random random = new Random(42);
    double[] weights = {0.8, -0.6, 0.0, 0.5, -0.4, 0.3, 0.0, 0.2};
    try (DatasetWriter writer =
        new DatasetWriter(
            directory,
            "bench",
            "1",
            "bench-tuning",
            new DatasetWriter.Limits(
                64 << 20, Duration.ofHours(1), Duration.ofMillis(100), 1000, 20_000),
            Clock.systemUTC())) {
      for (int r = 0; r < rows; r++) {
        float[] x = new float[weights.length];
        double logit = 0.5;
        for (int f = 0; f < x.length; f++) {
          x[f] = (float) random.nextGaussian();
          logit += weights[f] * x[f];
        }
        logit += 1.5 * x[0] * x[1] - 1.0 * x[2] * x[2];
        int label = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
        CapturedRow row =
            new CapturedRow(Instant.now(), "t-" + r, 0, Map.of("input", x), label, 0, null, null);
        while (!writer.append(row)) {
          writer.flush(Duration.ofSeconds(30));
        }
      }
      writer.flush(Duration.ofSeconds(60));
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}

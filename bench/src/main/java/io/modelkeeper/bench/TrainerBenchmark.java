package io.modelkeeper.bench;

import io.modelkeeper.contract.TrainingContract;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The reference trainer on captured rows, run as its image runs it ({@code java -jar
 * modelkeeper-trainer.jar train}): training rows per second for logistic regression and an MLP,
 * peak RSS and time from start to {@code model.onnx}; then, after a shift of the labels, the epochs
 * incremental and full training need to reach the full retrain's final held-out log loss. Rows are
 * written by the model server's own dataset-capture writer. Argument: the trainer jar.
 */
public final class TrainerBenchmark {
  private static final int ROWS = Integer.getInteger("bench.trainer.rows", 100_000);

  /**
   * Rows labelled since the shift: an incremental run retrains on what arrived after the model went
   * wrong, far fewer rows than the model first learnt from. At 100,000 rows one epoch of either
   * kind already reaches the optimum, so there is nothing left to compare.
   */
  private static final int SHIFT_ROWS = Integer.getInteger("bench.trainer.shiftRows", 5_000);

  private static final int FEATURES = Integer.getInteger("bench.trainer.features", 16);
  private static final int EPOCHS = Integer.getInteger("bench.trainer.epochs", 10);
  private static final String HEAP = System.getProperty("bench.trainer.heap", "1g");

  /** What one trainer process did. */
  record Run(
      String name,
      int exitCode,
      double seconds,
      double peakRssMiB,
      List<Double> epochEnds,
      List<Double> valLoss,
      int trainingRows) {

    /** Training rows per second over the epochs after the first (no loading, warm JIT). */
    double rowsPerSecond() {
      if (epochEnds.size() < 2) {
        return Double.NaN;
      }
      double seconds = epochEnds.get(epochEnds.size() - 1) - epochEnds.get(0);
      return trainingRows * (epochEnds.size() - 1) / seconds;
    }

    /** Seconds from start to the end of the first epoch: reading the rows and one pass. */
    double firstEpochSeconds() {
      return epochEnds.isEmpty() ? Double.NaN : epochEnds.get(0);
    }
  }

  private TrainerBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(args[0]).toAbsolutePath();
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: package the trainer module first");
    }
    Path work = Files.createTempDirectory("trainer-bench");
    MachineLoad load = MachineLoad.atStart("trainer benchmark");
    System.out.printf(
        Locale.ROOT,
        "trainer benchmark: %,d rows of %d features, %d epochs, -Xmx%s%n",
        ROWS,
        FEATURES,
        EPOCHS,
        HEAP);
    double[] before = weights(FEATURES, 1);
    // Positives become more common and one feature matters less: the old model is wrong, but near.
    double[] after = before.clone();
    after[0] = 0.3 * after[0];
    Path old = work.resolve("old");
    Path shifted = work.resolve("shifted");
    capture(old, before, -0.2, ROWS, 10);
    capture(shifted, after, 0.8, SHIFT_ROWS, 20);

    List<Run> runs = new ArrayList<>();
    runs.add(train(jar, work, "logistic regression", old, Map.of()));
    runs.add(
        train(jar, work, "MLP 32 hidden", old, Map.of("MODELKEEPER_PARAM_HIDDEN_UNITS", "32")));
    System.out.println();
    System.out.println(
        "| model | exit | training rows | rows/s (epochs 2..n) | first epoch s | to model.onnx s | peak RSS MiB |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (Run run : runs) {
      System.out.printf(
          Locale.ROOT,
          "| %s | %d | %,d | %,.0f | %.1f | %.1f | %.0f |%n",
          run.name(),
          run.exitCode(),
          run.trainingRows(),
          run.rowsPerSecond(),
          run.firstEpochSeconds(),
          run.seconds(),
          run.peakRssMiB());
    }

    Path base = work.resolve("logistic regression").resolve(TrainingContract.MODEL_FILE);
    Run full =
        train(
            jar,
            work,
            "full after shift",
            shifted,
            Map.of(TrainingContract.BASE_MODEL, base.toString()));
    Run incremental =
        train(
            jar,
            work,
            "incremental after shift",
            shifted,
            Map.of(
                TrainingContract.BASE_MODEL,
                base.toString(),
                TrainingContract.TRAINING_MODE,
                "incremental"));
    double target = full.valLoss().get(full.valLoss().size() - 1) * 1.01;
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "after the shift, %,d new rows: target held-out log loss %.4f (1%% above the full retrain's"
            + " final)%n",
        SHIFT_ROWS,
        target);
    System.out.println("| training | epochs to target | val_loss per epoch |");
    System.out.println("|---|---|---|");
    for (Run run : List.of(full, incremental)) {
      System.out.printf(
          Locale.ROOT,
          "| %s | %s | %s |%n",
          run.name(),
          epochsToReach(run.valLoss(), target),
          run.valLoss().stream()
              .map(v -> String.format(Locale.ROOT, "%.4f", v))
              .reduce((a, b) -> a + " " + b)
              .orElse(""));
    }
    load.printEnd();
    deleteTree(work);
  }

  private static String epochsToReach(List<Double> losses, double target) {
    for (int epoch = 1; epoch <= losses.size(); epoch++) {
      if (losses.get(epoch - 1) <= target) {
        return Integer.toString(epoch);
      }
    }
    return "not within " + losses.size();
  }

  private static double[] weights(int features, long seed) {
    Random random = new Random(seed);
    double[] weights = new double[features];
    for (int i = 0; i < features; i++) {
      weights[i] = random.nextGaussian();
    }
    return weights;
  }

  /** Writes labelled rows of a logistic problem with the model server's capture writer. */
  private static void capture(
      Path directory, double[] weights, double intercept, int rows, long seed) throws Exception {
    Random random = new Random(seed);
    try (DatasetWriter writer =
        new DatasetWriter(
            directory,
            "bench",
            "1",
            "bench-" + seed,
            new DatasetWriter.Limits(
                64 << 20, Duration.ofHours(1), Duration.ofMillis(100), 1000, 20_000),
            Clock.systemUTC())) {
      for (int r = 0; r < rows; r++) {
        float[] x = new float[weights.length];
        double logit = intercept;
        for (int f = 0; f < x.length; f++) {
          x[f] = (float) random.nextGaussian();
          logit += weights[f] * x[f];
        }
        int label = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
        CapturedRow row =
            new CapturedRow(
                Instant.now(), "b" + seed + "-" + r, 0, Map.of("input", x), label, 0, null, null);
        while (!writer.append(row)) {
          writer.flush(Duration.ofSeconds(30));
        }
      }
      writer.flush(Duration.ofSeconds(60));
    }
  }

  private static Run train(Path jar, Path work, String name, Path data, Map<String, String> extra)
      throws Exception {
    Path output = work.resolve(name);
    ProcessBuilder builder =
        new ProcessBuilder("java", "-Xmx" + HEAP, "-jar", jar.toString(), "train")
            .redirectError(work.resolve(name + ".err").toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(key -> key.startsWith("MODELKEEPER_"));
    env.put(TrainingContract.TASK, "binary-classification");
    env.put(TrainingContract.DATASET_DIR, data.toString());
    env.put(TrainingContract.OUTPUT_DIR, output.toString());
    env.put(TrainingContract.HOLDOUT_FRACTION, "0.2");
    env.put(TrainingContract.PARAM_PREFIX + "EPOCHS", Integer.toString(EPOCHS));
    env.put("MODELKEEPER_TERMINATION_LOG", work.resolve(name + ".summary").toString());
    env.put("ORT_DISABLE_TELEMETRY", "1");
    env.putAll(new HashMap<>(extra));
    long start = System.nanoTime();
    Process process = builder.start();
    double[] peak = {0};
    Thread sampler =
        new Thread(
            () -> {
              while (process.isAlive()) {
                peak[0] = Math.max(peak[0], statusMiB(process.pid(), "VmHWM"));
                try {
                  Thread.sleep(50);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    sampler.setDaemon(true);
    sampler.start();
    List<Double> epochEnds = new ArrayList<>();
    List<Double> valLoss = new ArrayList<>();
    String prefix = TrainingContract.METRIC_LINE_PREFIX + " ";
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (!line.startsWith(prefix)) {
          continue;
        }
        if (line.contains("\"name\":\"train_loss\"")) {
          epochEnds.add((System.nanoTime() - start) / 1e9);
        } else if (line.contains("\"name\":\"val_loss\"")) {
          valLoss.add(Double.parseDouble(line.replaceAll(".*\"value\":([^}]+)}.*", "$1")));
        }
      }
    }
    if (!process.waitFor(2, TimeUnit.HOURS)) {
      process.destroyForcibly();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    sampler.interrupt();
    if (process.exitValue() != 0) {
      System.out.println(name + " failed: " + Files.readString(work.resolve(name + ".err")));
    }
    String summary =
        Files.exists(work.resolve(name + ".summary"))
            ? Files.readString(work.resolve(name + ".summary"))
            : "";
    int trainingRows =
        summary.matches(".*\"training\":(\\d+).*")
            ? Integer.parseInt(summary.replaceAll(".*\"training\":(\\d+).*", "$1"))
            : 0;
    return new Run(name, process.exitValue(), seconds, peak[0], epochEnds, valLoss, trainingRows);
  }

  private static double statusMiB(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // the process ended between two samples
    }
    return 0;
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}

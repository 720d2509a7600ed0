package io.modelkeeper.bench.tuning;

import io.modelkeeper.bench.MachineLoad;
import io.modelkeeper.operator.tuning.MedianStop;
import io.modelkeeper.operator.tuning.Parameter;
import io.modelkeeper.operator.tuning.SearchSpace;
import io.modelkeeper.operator.tuning.SearchStrategies;
import io.modelkeeper.operator.tuning.SearchStrategy;
import io.modelkeeper.operator.tuning.Tpe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/**
 * TPE against random search through the operator's own strategy code, side by side in one run: the
 * median best objective after N trials over many seeds, with quartiles, on Branin and Hartmann-6
 * and on the reference trainer tuning a fixed problem; and what median stopping saves and costs,
 * online on a synthetic learning-curve family for the test functions and replayed on the trainer's
 * recorded per-epoch val_loss curves. Argument: the trainer jar. Settings are system properties
 * {@code bench.tuning.*} (see BENCHMARKS.md).
 */
public final class TuningBenchmark {

  private static final int SEEDS = Integer.getInteger("bench.tuning.seeds", 30);
  private static final int TRIALS = Integer.getInteger("bench.tuning.trials", 60);
  private static final int STEPS = Integer.getInteger("bench.tuning.steps", 20);
  private static final int PARALLEL = Integer.getInteger("bench.tuning.parallel", 1);
  private static final int MIN_TRIALS = Integer.getInteger("bench.tuning.minTrials", 3);
  private static final int START_STEP = Integer.getInteger("bench.tuning.startStep", 4);
  private static final int TRAINER_SEEDS = Integer.getInteger("bench.tuning.trainer.seeds", 20);
  private static final int TRAINER_TRIALS = Integer.getInteger("bench.tuning.trainer.trials", 20);
  private static final int TRAINER_PARALLEL =
      Integer.getInteger("bench.tuning.trainer.parallel", 2);
  private static final int TRAINER_ROWS = Integer.getInteger("bench.tuning.trainer.rows", 4000);
  private static final int TRAINER_START_STEP =
      Integer.getInteger("bench.tuning.trainer.startStep", 2);
  private static final String TRAINER_HEAP =
      System.getProperty("bench.tuning.trainer.heap", "256m");

  private static final List<String> STRATEGIES = List.of("random", "tpe");

  private TuningBenchmark() {}

  public static void main(String[] args) throws Exception {
    MachineLoad load = MachineLoad.atStart("tuning benchmark");
    System.out.printf(
        Locale.ROOT,
        "tuning benchmark: test functions %d trials x %d seeds (%d at a time, curves of %d steps),"
            + " trainer %d trials x %d seeds (%d at a time, %,d rows); TPE: %d start-up trials,"
            + " gamma min(ceil(0.1 n), 25), %d candidates; median stopping: minTrials %d,"
            + " startStep %d (trainer %d)%n",
        TRIALS,
        SEEDS,
        PARALLEL,
        STEPS,
        TRAINER_TRIALS,
        TRAINER_SEEDS,
        TRAINER_PARALLEL,
        TRAINER_ROWS,
        Tpe.DEFAULT_STARTUP_TRIALS,
        Tpe.DEFAULT_CANDIDATES,
        MIN_TRIALS,
        START_STEP,
        TRAINER_START_STEP);
    List<Row> search = new ArrayList<>();
    List<StopRow> stopping = new ArrayList<>();
    MedianStop stop = new MedianStop(MIN_TRIALS, START_STEP);
    for (TestFunctions.Problem problem :
        List.of(TestFunctions.branin(), TestFunctions.hartmann6())) {
      SearchLoop.Trials curves =
          batch ->
              batch.stream()
                  .map(
                      a ->
                          LearningCurves.curve(
                              a, problem.objective().at(a), problem.minimum(), STEPS))
                  .toList();
      String name = String.format(Locale.ROOT, "%s (min %s)", problem.name(), problem.minimum());
      compare(name, problem.space(), curves, TRIALS, PARALLEL, SEEDS, stop, true, search, stopping);
    }
    Path jar = args.length > 0 ? Path.of(args[0]).toAbsolutePath() : null;
    if (TRAINER_SEEDS > 0 && jar != null && Files.exists(jar)) {
      Path work = Files.createTempDirectory("tuning-bench");
      try (TrainerTrials trainer =
          new TrainerTrials(jar, work, TRAINER_ROWS, TRAINER_PARALLEL, TRAINER_HEAP)) {
        compare(
            "reference trainer (val_loss)",
            trainerSpace(),
            trainer,
            TRAINER_TRIALS,
            TRAINER_PARALLEL,
            TRAINER_SEEDS,
            new MedianStop(MIN_TRIALS, TRAINER_START_STEP),
            false,
            search,
            stopping);
        System.out.printf(
            Locale.ROOT,
            "reference trainer: %d trainer processes (assignments tried twice ran once)%n",
            trainer.processes());
      } finally {
        TrainerTrials.deleteTree(work);
      }
    } else if (TRAINER_SEEDS > 0) {
      System.out.println(jar + " is missing: package the trainer module for its part");
    }
    print(search, stopping);
    load.printEnd();
  }

  /** The reference trainer's parameters tuned on its fixed problem. */
  static SearchSpace trainerSpace() {
    return new SearchSpace(
        List.of(
            Parameter.logUniform("learning_rate", 1e-4, 0.3),
            Parameter.uniform("l2", 0, 0.01),
            Parameter.categorical("hidden_units", List.of("0", "8", "32")),
            Parameter.integer("epochs", 1, 8)));
  }

  /** Best objective over a run of each strategy for each seed, and median stopping's effect. */
  private static void compare(
      String problem,
      SearchSpace space,
      SearchLoop.Trials trials,
      int n,
      int parallel,
      int seeds,
      MedianStop stop,
      boolean online,
      List<Row> search,
      List<StopRow> stopping)
      throws Exception {
    Map<String, double[]> bests = new LinkedHashMap<>();
    for (String algorithm : STRATEGIES) {
      SearchStrategy strategy = SearchStrategies.of(algorithm);
      double[] best = new double[seeds];
      double[] bestStopped = new double[seeds];
      long run = 0;
      long full = 0;
      long stoppedTrials = 0;
      for (int seed = 0; seed < seeds; seed++) {
        SearchLoop.Outcome outcome =
            SearchLoop.search(strategy, space, trials, n, parallel, seed + 1, null);
        SearchLoop.Outcome withStopping =
            online
                ? SearchLoop.search(strategy, space, trials, n, parallel, seed + 1, stop)
                : SearchLoop.replay(outcome.trials(), parallel, stop);
        best[seed] = outcome.best();
        bestStopped[seed] = withStopping.best();
        run += withStopping.stepsRun();
        full += outcome.stepsWithoutStopping();
        stoppedTrials += withStopping.stopped();
      }
      bests.put(algorithm, best);
      stopping.add(
          new StopRow(
              problem,
              algorithm + (online ? "" : " (replayed)"),
              run,
              full,
              stoppedTrials,
              (long) n * seeds,
              median(best),
              median(bestStopped)));
    }
    double[] random = bests.get("random");
    double[] tpe = bests.get("tpe");
    int tpeWins = 0;
    for (int s = 0; s < seeds; s++) {
      tpeWins += tpe[s] < random[s] ? 1 : 0;
    }
    search.add(new Row(problem, "random", n, seeds, random, -1));
    search.add(new Row(problem, "tpe", n, seeds, tpe, tpeWins));
  }

  private static void print(List<Row> search, List<StopRow> stopping) {
    System.out.println();
    System.out.println(
        "| problem | strategy | N | seeds | median best | quartiles (25%-75%) | TPE better in |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (Row row : search) {
      System.out.printf(
          Locale.ROOT,
          "| %s | %s | %d | %d | %.5f | %.5f - %.5f | %s |%n",
          row.problem(),
          row.strategy(),
          row.n(),
          row.seeds(),
          median(row.best()),
          quantile(row.best(), 25),
          quantile(row.best(), 75),
          row.tpeWins() < 0 ? "" : row.tpeWins() + " of " + row.seeds() + " seeds");
    }
    System.out.println();
    System.out.println(
        "| problem | strategy | trials stopped | steps run / without stopping | saved |"
            + " median best without | with median stopping | loss |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (StopRow row : stopping) {
      System.out.printf(
          Locale.ROOT,
          "| %s | %s | %d of %d | %,d / %,d | %.1f%% | %.5f | %.5f | %.2f%% |%n",
          row.problem(),
          row.strategy(),
          row.stoppedTrials(),
          row.trials(),
          row.stepsRun(),
          row.stepsFull(),
          100.0 * (row.stepsFull() - row.stepsRun()) / row.stepsFull(),
          row.medianBest(),
          row.medianBestStopped(),
          100.0 * (row.medianBestStopped() - row.medianBest()) / Math.abs(row.medianBest()));
    }
  }

  /** One strategy's best objectives on one problem; tpeWins -1 on random search's row. */
  private record Row(
      String problem, String strategy, int n, int seeds, double[] best, int tpeWins) {}

  /** Median stopping's effect on one strategy's runs of one problem. */
  private record StopRow(
      String problem,
      String strategy,
      long stepsRun,
      long stepsFull,
      long stoppedTrials,
      long trials,
      double medianBest,
      double medianBestStopped) {}

  static double median(double[] values) {
    return quantile(values, 50);
  }

  /** The {@code p}th percentile, interpolated between order statistics (R's type 7). */
  static double quantile(double[] values, double p) {
    return new Percentile().withEstimationType(Percentile.EstimationType.R_7).evaluate(values, p);
  }
}

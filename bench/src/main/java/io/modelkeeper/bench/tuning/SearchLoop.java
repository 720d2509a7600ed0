package io.modelkeeper.bench.tuning;

import io.modelkeeper.operator.tuning.Assignment;
import io.modelkeeper.operator.tuning.Direction;
import io.modelkeeper.operator.tuning.MedianStop;
import io.modelkeeper.operator.tuning.Observation;
import io.modelkeeper.operator.tuning.SearchSpace;
import io.modelkeeper.operator.tuning.SearchStrategy;
import io.modelkeeper.operator.tuning.TrialState;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A tuning run as the operator drives it, minimising: trials start {@code parallel} at a time (the
 * strategy asked for that many at once, so each batch is suggested with the others pending), each
 * reports its objective at steps 1..n, and median stopping, when on, ends a trial at the first step
 * where the rule says so, judged against the trials completed in earlier batches. A stopped trial
 * tells the strategy its best value so far; a trial with no values failed.
 */
final class SearchLoop {

  /** Runs trials to their last step: the objective's value at each step, empty when one failed. */
  interface Trials {
    List<double[]> run(List<Assignment> batch) throws Exception;
  }

  /** One trial: its full curve and how many of its steps ran. */
  record Trial(Assignment assignment, double[] curve, int stepsRun) {

    boolean failed() {
      return curve.length == 0;
    }

    boolean stopped() {
      return !failed() && stepsRun < curve.length;
    }

    /** The final value of a completed trial; the best value so far of a stopped one. */
    double objective() {
      double best = Double.POSITIVE_INFINITY;
      for (int s = 0; s < stepsRun; s++) {
        best = Math.min(best, curve[s]);
      }
      return stopped() ? best : curve[curve.length - 1];
    }
  }

  /** The trials of one run. */
  record Outcome(List<Trial> trials) {

    /** The best final value over completed trials (stopped ones left no finished model). */
    double best() {
      return trials.stream()
          .filter(t -> !t.failed() && !t.stopped())
          .mapToDouble(Trial::objective)
          .min()
          .orElse(Double.NaN);
    }

    long stepsRun() {
      return trials.stream().mapToLong(Trial::stepsRun).sum();
    }

    long stepsWithoutStopping() {
      return trials.stream().mapToLong(t -> t.curve().length).sum();
    }

    long stopped() {
      return trials.stream().filter(Trial::stopped).count();
    }
  }

  private SearchLoop() {}

  /** {@code trials} trials of {@code strategy}; {@code stop} null for no early stopping. */
  static Outcome search(
      SearchStrategy strategy,
      SearchSpace space,
      Trials runner,
      int trials,
      int parallel,
      long seed,
      MedianStop stop)
      throws Exception {
    List<Observation> history = new ArrayList<>();
    List<Trial> done = new ArrayList<>();
    while (done.size() < trials) {
      int count = Math.min(parallel, trials - done.size());
      List<Assignment> batch = strategy.suggest(space, Direction.MINIMIZE, history, count, seed);
      List<double[]> curves = runner.run(batch);
      List<Trial> finished = judge(batch, curves, done, stop);
      for (Trial trial : finished) {
        history.add(observation(trial));
      }
      done.addAll(finished);
    }
    return new Outcome(done);
  }

  /** The recorded trials replayed in their order and batches, with {@code stop} on. */
  static Outcome replay(List<Trial> recorded, int parallel, MedianStop stop) {
    List<Trial> done = new ArrayList<>();
    for (int from = 0; from < recorded.size(); from += parallel) {
      List<Trial> batch = recorded.subList(from, Math.min(recorded.size(), from + parallel));
      done.addAll(
          judge(
              batch.stream().map(Trial::assignment).toList(),
              batch.stream().map(Trial::curve).toList(),
              done,
              stop));
    }
    return new Outcome(done);
  }

  private static List<Trial> judge(
      List<Assignment> batch, List<double[]> curves, List<Trial> before, MedianStop stop) {
    List<SortedMap<Integer, Double>> completed = new ArrayList<>();
    for (Trial trial : before) {
      if (!trial.failed() && !trial.stopped()) {
        completed.add(steps(trial.curve(), trial.curve().length));
      }
    }
    List<Trial> judged = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      double[] curve = curves.get(i);
      int run = curve.length;
      if (stop != null) {
        for (int step = 1; step < curve.length; step++) {
          if (stop.shouldStop(Direction.MINIMIZE, steps(curve, step), completed)) {
            run = step;
            break;
          }
        }
      }
      judged.add(new Trial(batch.get(i), curve, run));
    }
    return judged;
  }

  /** Steps 1..{@code upTo} of a curve. */
  private static SortedMap<Integer, Double> steps(double[] curve, int upTo) {
    SortedMap<Integer, Double> steps = new TreeMap<>();
    for (int s = 1; s <= upTo; s++) {
      steps.put(s, curve[s - 1]);
    }
    return steps;
  }

  private static Observation observation(Trial trial) {
    if (trial.failed()) {
      return new Observation(trial.assignment(), TrialState.FAILED, OptionalDouble.empty());
    }
    return new Observation(
        trial.assignment(),
        trial.stopped() ? TrialState.STOPPED : TrialState.SUCCEEDED,
        OptionalDouble.of(trial.objective()));
  }
}

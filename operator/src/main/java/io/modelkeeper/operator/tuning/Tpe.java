package io.modelkeeper.operator.tuning;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntUnaryOperator;

/**
 * The Tree-structured Parzen Estimator of Hyperopt and Optuna (Bergstra et al., 2011), each
 * parameter modelled on its own as Optuna does by default.
 *
 * <p>Until {@code startupTrials} trials have finished with an objective, suggestions are random
 * (the same draws as {@link RandomSearch} for the seed). Then the finished trials are split: the
 * {@code gamma(n)} best are "good", the rest and every pending trial "bad" (Optuna's constant liar:
 * a pending trial counts as worse than any result, so parallel trials spread out). For each
 * parameter, a Parzen estimator is fitted to each group, {@code candidates} values are drawn from
 * the good one, l(x), and the one with the largest log l(x) - log g(x) is taken. Within one call
 * each suggestion joins the pending trials before the next is drawn.
 *
 * <p>A STOPPED trial counts with its best objective value; a FAILED one, or a finished one without
 * a finite objective, is left out (as Optuna does). Trials of earlier runs are history like any
 * other; older trials weigh less once there are more than 25 in a group. An assignment already in
 * the history, in any state, is not suggested again while the candidates, or failing them random
 * draws, offer another.
 */
public final class Tpe implements SearchStrategy {

  /** Random trials before the search models anything (Optuna's default). */
  public static final int DEFAULT_STARTUP_TRIALS = 10;

  /** Candidates drawn from l(x) per parameter and suggestion (Optuna's and Hyperopt's 24). */
  public static final int DEFAULT_CANDIDATES = 24;

  private final int startupTrials;
  private final IntUnaryOperator gamma;
  private final int candidates;

  /** TPE with Optuna's defaults: 10 start-up trials, {@link #defaultGamma}, 24 candidates. */
  public Tpe() {
    this(DEFAULT_STARTUP_TRIALS, Tpe::defaultGamma, DEFAULT_CANDIDATES);
  }

  /** TPE with {@code startupTrials} random trials first and Optuna's other defaults. */
  public Tpe(int startupTrials) {
    this(startupTrials, Tpe::defaultGamma, DEFAULT_CANDIDATES);
  }

  /**
   * TPE with {@code startupTrials} random trials first, {@code gamma} giving how many of n finished
   * trials are good, and {@code candidates} draws from l(x) per parameter.
   */
  public Tpe(int startupTrials, IntUnaryOperator gamma, int candidates) {
    if (startupTrials < 1) {
      throw new IllegalArgumentException("TPE needs at least 1 start-up trial");
    }
    if (candidates < 1) {
      throw new IllegalArgumentException("TPE needs at least 1 candidate");
    }
    this.startupTrials = startupTrials;
    this.gamma = gamma;
    this.candidates = candidates;
  }

  /** Optuna's default split: the best 10% of n finished trials, rounded up, at most 25. */
  public static int defaultGamma(int n) {
    return Math.min((n + 9) / 10, 25);
  }

  @Override
  public List<Assignment> suggest(
      SearchSpace space, Direction direction, List<Observation> history, int count, long seed) {
    Checks.count(count);
    List<Trial> finished = new ArrayList<>();
    List<Trial> pending = new ArrayList<>();
    for (int order = 0; order < history.size(); order++) {
      Observation observation = history.get(order);
      double[] coordinates = space.coordinates(observation.assignment());
      if (coordinates == null) {
        continue;
      }
      if (observation.state() == TrialState.PENDING) {
        pending.add(new Trial(order, coordinates, Double.POSITIVE_INFINITY));
      } else if (observation.result().isPresent()) {
        double loss = direction.loss(observation.result().getAsDouble());
        finished.add(new Trial(order, coordinates, loss));
      }
    }
    Tried tried = new Tried(space, history);
    List<Assignment> suggestions = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      SplittableRandom random = Seeds.random(seed, (long) history.size() + i);
      List<double[]> candidates = new ArrayList<>();
      if (finished.size() >= startupTrials) {
        candidates.addAll(modelled(space, finished, pending, random));
      }
      candidates.addAll(Tried.randomDraws(space, random, Tried.RANDOM_DRAWS));
      Assignment next = space.assignment(tried.pick(candidates));
      tried.suggested(next);
      pending.add(new Trial(history.size() + i, space.coordinates(next), Double.POSITIVE_INFINITY));
      suggestions.add(next);
    }
    return suggestions;
  }

  /** A finished or pending trial: its place in the history, coordinates and loss. */
  private record Trial(int order, double[] coordinates, double loss) {}

  /**
   * The candidates of the model, best first: the best value of each parameter together, then the
   * values drawn together, by total score.
   */
  private List<double[]> modelled(
      SearchSpace space, List<Trial> finished, List<Trial> pending, SplittableRandom random) {
    int good = Math.max(0, Math.min(finished.size(), gamma.applyAsInt(finished.size())));
    List<Trial> byLoss = new ArrayList<>(finished);
    byLoss.sort(Comparator.comparingDouble(Trial::loss).thenComparingInt(Trial::order));
    List<Trial> below = new ArrayList<>(byLoss.subList(0, good));
    List<Trial> above = new ArrayList<>(byLoss.subList(good, byLoss.size()));
    above.addAll(pending);
    below.sort(Comparator.comparingInt(Trial::order));
    above.sort(Comparator.comparingInt(Trial::order));

    int d = space.parameters().size();
    double[][] drawn = new double[candidates][d];
    double[][] scores = new double[candidates][d];
    for (int p = 0; p < d; p++) {
      Parameter parameter = space.parameters().get(p);
      if (parameter.min() == parameter.max()) {
        // One value only: nothing to model (and a zero bandwidth).
        for (int c = 0; c < candidates; c++) {
          drawn[c][p] = toModel(parameter, parameter.min());
        }
        continue;
      }
      ParzenEstimator l = estimator(parameter, below, p);
      ParzenEstimator g = estimator(parameter, above, p);
      for (int c = 0; c < candidates; c++) {
        double x = l.sample(random);
        drawn[c][p] = x;
        scores[c][p] = l.logDensity(x) - g.logDensity(x);
      }
    }
    return ranked(space, drawn, scores);
  }

  private static List<double[]> ranked(SearchSpace space, double[][] drawn, double[][] scores) {
    int d = space.parameters().size();
    double[] best = new double[d];
    for (int p = 0; p < d; p++) {
      int argmax = 0;
      for (int c = 1; c < drawn.length; c++) {
        if (scores[c][p] > scores[argmax][p]) {
          argmax = c;
        }
      }
      best[p] = drawn[argmax][p];
    }
    Integer[] byTotal = new Integer[drawn.length];
    double[] totals = new double[drawn.length];
    for (int c = 0; c < drawn.length; c++) {
      byTotal[c] = c;
      for (int p = 0; p < d; p++) {
        totals[c] += scores[c][p];
      }
    }
    Arrays.sort(byTotal, (a, b) -> Double.compare(totals[b], totals[a]));
    List<double[]> ranked = new ArrayList<>(drawn.length + 1);
    ranked.add(fromModel(space, best));
    for (int c : byTotal) {
      ranked.add(fromModel(space, drawn[c]));
    }
    return ranked;
  }

  /** The density of parameter {@code p} fitted to {@code trials}, in the model's coordinates. */
  private static ParzenEstimator estimator(Parameter parameter, List<Trial> trials, int p) {
    int n = trials.size();
    if (parameter.kind() == Parameter.Kind.CATEGORICAL) {
      int[] observed = new int[n];
      for (int i = 0; i < n; i++) {
        observed[i] = (int) Math.round(trials.get(i).coordinates()[p]);
      }
      return new CategoricalMixture(parameter.values().size(), observed);
    }
    double[] observed = new double[n];
    for (int i = 0; i < n; i++) {
      observed[i] = toModel(parameter, trials.get(i).coordinates()[p]);
    }
    boolean integer = parameter.kind() == Parameter.Kind.INTEGER;
    return new TruncatedNormalMixture(
        toModel(parameter, parameter.min()),
        toModel(parameter, parameter.max()),
        integer ? 1 : 0,
        observed);
  }

  /** A coordinate in the space the model works in: the logarithm for a log-uniform parameter. */
  private static double toModel(Parameter parameter, double coordinate) {
    return parameter.kind() == Parameter.Kind.LOG_UNIFORM ? StrictMath.log(coordinate) : coordinate;
  }

  private static double[] fromModel(SearchSpace space, double[] model) {
    double[] coordinates = new double[model.length];
    for (int p = 0; p < model.length; p++) {
      Parameter parameter = space.parameters().get(p);
      double x =
          parameter.kind() == Parameter.Kind.LOG_UNIFORM ? StrictMath.exp(model[p]) : model[p];
      coordinates[p] = Math.max(parameter.min(), Math.min(parameter.max(), x));
    }
    return coordinates;
  }
}

package io.modelkeeper.operator.tuning;

import static io.modelkeeper.operator.tuning.SearchSpaceTest.SPACE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

class TpeTest {

  static final SearchSpace LINE = new SearchSpace(List.of(Parameter.uniform("x", 0, 10)));
  static final double OPTIMUM = 7.3;

  final Tpe tpe = new Tpe();

  @Test
  void sameHistoryAndSeedGiveTheSameSuggestions() {
    List<Observation> history = run(tpe, LINE, Direction.MINIMIZE, TpeTest::quadratic, 15, 5);
    assertThat(tpe.suggest(LINE, Direction.MINIMIZE, history, 3, 9))
        .isEqualTo(tpe.suggest(LINE, Direction.MINIMIZE, history, 3, 9))
        .isNotEqualTo(tpe.suggest(LINE, Direction.MINIMIZE, history, 3, 10));
    assertThat(run(tpe, LINE, Direction.MINIMIZE, TpeTest::quadratic, 15, 5)).isEqualTo(history);
  }

  @Test
  void startUpTrialsAreRandomSearchsDraws() {
    List<Assignment> first = tpe.suggest(SPACE, Direction.MINIMIZE, List.of(), 4, 11);
    assertThat(first)
        .isEqualTo(new RandomSearch().suggest(SPACE, Direction.MINIMIZE, List.of(), 4, 11));
  }

  @Test
  void everySuggestionIsAValidValueOfEveryKind() {
    List<Observation> history = run(tpe, SPACE, Direction.MINIMIZE, TpeTest::mixed, 60, 3);
    for (Observation observation : history) {
      Assignment a = observation.assignment();
      assertThat(a.values().keySet()).containsExactly("learning_rate", "l2", "epochs", "hidden");
      for (Parameter p : SPACE.parameters()) {
        assertThat(p.accepts(a.values().get(p.name()))).as(p.name() + " " + a).isTrue();
      }
    }
    // Edges of narrow spaces, including a parameter with a single value.
    SearchSpace narrow =
        new SearchSpace(
            List.of(
                Parameter.uniform("fixed", 2, 2),
                Parameter.logUniform("fixedLog", 0.5, 0.5),
                Parameter.categorical("only", List.of("one")),
                Parameter.integer("bit", 0, 1),
                Parameter.logUniform("tiny", 1e-9, 1.0000001e-9)));
    for (Observation o : run(tpe, narrow, Direction.MINIMIZE, a -> 1, 30, 4)) {
      assertThat(narrow.canonical(o.assignment())).as(o.assignment().toString()).isPresent();
    }
  }

  @Test
  void concentratesNearTheOptimumOfAQuadraticAfterStartUp() {
    // Within 1 of the optimum is the best 20% of the range: random search lands there 1 time in 5.
    int tpeNear = 0;
    int randomNear = 0;
    for (long seed = 1; seed <= 10; seed++) {
      tpeNear += nearOptimumAfterStartUp(tpe, Direction.MINIMIZE, TpeTest::quadratic, seed);
      randomNear +=
          nearOptimumAfterStartUp(new RandomSearch(), Direction.MINIMIZE, TpeTest::quadratic, seed);
    }
    assertThat(tpeNear).as("of 200").isGreaterThanOrEqualTo(80);
    assertThat(randomNear).as("of 200").isLessThan(60);
  }

  @Test
  void maximizingLooksForTheLargestValue() {
    int near = 0;
    for (long seed = 1; seed <= 10; seed++) {
      near += nearOptimumAfterStartUp(tpe, Direction.MAXIMIZE, a -> -quadratic(a), seed);
    }
    assertThat(near).as("of 200").isGreaterThanOrEqualTo(80);
  }

  @Test
  void favoursTheBestCategoryAndIntegers() {
    SearchSpace space =
        new SearchSpace(
            List.of(
                Parameter.categorical("act", List.of("relu", "tanh", "sigmoid", "gelu")),
                Parameter.integer("layers", 1, 20)));
    ToDoubleFunction<Assignment> loss =
        a ->
            (a.values().get("act").equals("gelu") ? 0 : 1)
                + Math.abs(Long.parseLong(a.values().get("layers")) - 4) / 10.0;
    int gelu = 0;
    int fewLayers = 0;
    for (long seed = 1; seed <= 5; seed++) {
      for (Observation o : run(tpe, space, Direction.MINIMIZE, loss, 40, seed).subList(10, 40)) {
        gelu += o.assignment().values().get("act").equals("gelu") ? 1 : 0;
        fewLayers += Long.parseLong(o.assignment().values().get("layers")) <= 7 ? 1 : 0;
      }
    }
    // Random search: a quarter gelu (37 of 150), 7 in 20 with at most 7 layers (52 of 150).
    assertThat(gelu).as("of 150").isGreaterThan(60);
    assertThat(fewLayers).as("of 150").isGreaterThan(75);
  }

  @Test
  void twoSuggestionsInOneCallDifferAndMatchOneAtATime() {
    SearchSpace space =
        new SearchSpace(
            List.of(
                Parameter.categorical("act", List.of("relu", "tanh")),
                Parameter.integer("layers", 1, 3)));
    ToDoubleFunction<Assignment> loss =
        a ->
            a.values().get("act").equals("tanh")
                ? 0.1
                : Double.parseDouble(a.values().get("layers"));
    Tpe quick = new Tpe(3);
    List<Observation> history = run(quick, space, Direction.MINIMIZE, loss, 3, 8);
    List<Assignment> two = quick.suggest(space, Direction.MINIMIZE, history, 2, 8);
    assertThat(two.get(0)).isNotEqualTo(two.get(1));

    List<Observation> withPending = new ArrayList<>(history);
    withPending.add(new Observation(two.get(0), TrialState.PENDING, OptionalDouble.empty()));
    assertThat(quick.suggest(space, Direction.MINIMIZE, withPending, 1, 8))
        .containsExactly(two.get(1));
  }

  @Test
  void aPendingAssignmentIsNotSuggestedAgain() {
    // The model's favourite is the pending point next to the best result.
    SearchSpace space = new SearchSpace(List.of(Parameter.integer("n", 0, 9)));
    List<Observation> history = new ArrayList<>();
    for (int n = 0; n <= 3; n++) {
      history.add(RandomSearchTest.succeeded(Map.of("n", Integer.toString(n)), 10 - n));
    }
    Assignment four = new Assignment(Map.of("n", "4"));
    history.add(new Observation(four, TrialState.PENDING, OptionalDouble.empty()));
    for (long seed = 0; seed < 20; seed++) {
      assertThat(new Tpe(3).suggest(space, Direction.MINIMIZE, history, 1, seed))
          .doesNotContain(four)
          .noneMatch(a -> Long.parseLong(a.values().get("n")) <= 3);
    }
  }

  @Test
  void whenEveryPointIsTriedAFinishedOneIsRepeatedNotAPendingOne() {
    SearchSpace space = new SearchSpace(List.of(Parameter.integer("n", 0, 4)));
    List<Observation> history = new ArrayList<>();
    for (int n = 0; n <= 3; n++) {
      history.add(RandomSearchTest.succeeded(Map.of("n", Integer.toString(n)), 10 - n));
    }
    Assignment four = new Assignment(Map.of("n", "4"));
    history.add(new Observation(four, TrialState.PENDING, OptionalDouble.empty()));
    for (long seed = 0; seed < 20; seed++) {
      assertThat(new Tpe(3).suggest(space, Direction.MINIMIZE, history, 1, seed))
          .doesNotContain(four);
      assertThat(new RandomSearch().suggest(space, Direction.MINIMIZE, history, 1, seed))
          .doesNotContain(four);
    }
  }

  @Test
  void parallelSuggestionsOfAContinuousSpaceSpreadOut() {
    List<Observation> history = run(tpe, LINE, Direction.MINIMIZE, TpeTest::quadratic, 20, 12);
    List<Assignment> four = tpe.suggest(LINE, Direction.MINIMIZE, history, 4, 12);
    assertThat(four).doesNotHaveDuplicates();
  }

  @Test
  void invalidAndFailedTrialsAreIgnoredStoppedOnesCount() {
    List<Observation> history = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      history.add(RandomSearchTest.succeeded(Map.of("x", Double.toString(i)), i));
    }
    history.add(RandomSearchTest.succeeded(Map.of("x", "eleven"), 0));
    history.add(RandomSearchTest.succeeded(Map.of("x", "11.0"), 0));
    history.add(RandomSearchTest.succeeded(Map.of("y", "1.0"), 0));
    history.add(
        new Observation(
            new Assignment(Map.of("x", "9.5")), TrialState.FAILED, OptionalDouble.of(0)));
    history.add(
        new Observation(
            new Assignment(Map.of("x", "9.6")),
            TrialState.SUCCEEDED,
            OptionalDouble.of(Double.NaN)));
    RandomSearch random = new RandomSearch();
    // Nine usable results: still starting up, so the random draw.
    assertThat(tpe.suggest(LINE, Direction.MINIMIZE, history, 1, 4))
        .isEqualTo(random.suggest(LINE, Direction.MINIMIZE, history, 1, 4));
    history.add(
        new Observation(
            new Assignment(Map.of("x", "9.9")), TrialState.STOPPED, OptionalDouble.of(9.9)));
    assertThat(tpe.suggest(LINE, Direction.MINIMIZE, history, 1, 4))
        .isNotEqualTo(random.suggest(LINE, Direction.MINIMIZE, history, 1, 4));
  }

  @Test
  void earlierRunsSeedTheSearch() {
    // An earlier run found the region of the optimum: this run's first suggestions go there more
    // often than a fresh start's random ones.
    int near = 0;
    for (long seed = 1; seed <= 5; seed++) {
      List<Observation> earlier = run(tpe, LINE, Direction.MINIMIZE, TpeTest::quadratic, 30, seed);
      for (Assignment a : tpe.suggest(LINE, Direction.MINIMIZE, earlier, 4, seed + 100)) {
        near += Math.abs(Double.parseDouble(a.values().get("x")) - OPTIMUM) <= 1.0 ? 1 : 0;
      }
    }
    assertThat(near).as("of 20").isGreaterThanOrEqualTo(8);
  }

  static int nearOptimumAfterStartUp(
      SearchStrategy strategy,
      Direction direction,
      ToDoubleFunction<Assignment> objective,
      long seed) {
    int near = 0;
    for (Observation o : run(strategy, LINE, direction, objective, 30, seed).subList(10, 30)) {
      near += Math.abs(x(o) - OPTIMUM) <= 1.0 ? 1 : 0;
    }
    return near;
  }

  /** {@code trials} sequential trials of {@code strategy} on {@code objective}. */
  static List<Observation> run(
      SearchStrategy strategy,
      SearchSpace space,
      Direction direction,
      ToDoubleFunction<Assignment> objective,
      int trials,
      long seed) {
    List<Observation> history = new ArrayList<>();
    for (int t = 0; t < trials; t++) {
      Assignment next = strategy.suggest(space, direction, history, 1, seed).get(0);
      history.add(
          new Observation(
              next, TrialState.SUCCEEDED, OptionalDouble.of(objective.applyAsDouble(next))));
    }
    return history;
  }

  static double quadratic(Assignment a) {
    double x = Double.parseDouble(a.values().get("x"));
    return (x - OPTIMUM) * (x - OPTIMUM);
  }

  static double mixed(Assignment a) {
    double lr = Math.log10(Double.parseDouble(a.values().get("learning_rate")));
    return (lr + 2) * (lr + 2)
        + Double.parseDouble(a.values().get("l2")) * 100
        + Math.abs(Long.parseLong(a.values().get("epochs")) - 5)
        + (a.values().get("hidden").equals("16") ? 0 : 1);
  }

  static double x(Observation o) {
    return Double.parseDouble(o.assignment().values().get("x"));
  }
}

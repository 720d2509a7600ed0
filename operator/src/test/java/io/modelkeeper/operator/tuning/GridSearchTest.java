package io.modelkeeper.operator.tuning;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class GridSearchTest {

  @Test
  void gridHasAtLeastTheTrialsAndEveryCategory() {
    SearchSpace space =
        new SearchSpace(
            List.of(
                Parameter.uniform("x", 0, 1),
                Parameter.logUniform("lr", 1e-4, 1e-1),
                Parameter.categorical("act", List.of("relu", "tanh"))));
    assertThat(GridSearch.pointsPerParameter(space, 1)).containsExactly(1, 1, 2);
    assertThat(GridSearch.pointsPerParameter(space, 8)).containsExactly(2, 2, 2);
    assertThat(GridSearch.pointsPerParameter(space, 9)).containsExactly(3, 2, 2);
    assertThat(GridSearch.pointsPerParameter(space, 18)).containsExactly(3, 3, 2);
  }

  @Test
  void numericPointsAreEvenlySpacedLogInLogSpaceIntegersRounded() {
    Parameter lr = Parameter.logUniform("lr", 1e-4, 1e-1);
    assertThat(List.of(0, 1, 2, 3).stream().map(i -> lr.text(GridSearch.coordinate(lr, 4, i))))
        .containsExactly("1.0E-4", "0.001", "0.01", "0.1");
    Parameter x = Parameter.uniform("x", -1, 1);
    assertThat(List.of(0, 1, 2).stream().map(i -> GridSearch.coordinate(x, 3, i)))
        .containsExactly(-1.0, 0.0, 1.0);
    assertThat(GridSearch.coordinate(x, 1, 0)).isEqualTo(0.0);
    Parameter n = Parameter.integer("n", 1, 4);
    assertThat(List.of(0, 1, 2).stream().map(i -> n.text(GridSearch.coordinate(n, 3, i))))
        .containsExactly("1", "3", "4");
  }

  @Test
  void walkCoversTheGridOnceThenStops() {
    SearchSpace space =
        new SearchSpace(
            List.of(
                Parameter.integer("layers", 1, 3),
                Parameter.categorical("act", List.of("a", "b"))));
    SearchStrategy grid = SearchStrategies.of("grid", 6);
    List<Observation> history = new ArrayList<>();
    List<Assignment> walked = new ArrayList<>();
    for (int call = 0; call < 4; call++) {
      List<Assignment> next = grid.suggest(space, Direction.MINIMIZE, history, 2, 0);
      walked.addAll(next);
      next.forEach(a -> history.add(new Observation(a, TrialState.FAILED, OptionalDouble.empty())));
    }
    assertThat(walked).hasSize(6);
    assertThat(new HashSet<>(walked)).hasSize(6);
    assertThat(walked.get(0).values())
        .containsExactly(Map.entry("layers", "1"), Map.entry("act", "a"));
    assertThat(walked.get(1).values())
        .containsExactly(Map.entry("layers", "1"), Map.entry("act", "b"));
  }

  @Test
  void integersCannotTakeMorePointsThanTheirRange() {
    SearchSpace space = new SearchSpace(List.of(Parameter.integer("n", 0, 2)));
    assertThat(GridSearch.pointsPerParameter(space, 100)).containsExactly(3);
    assertThat(new GridSearch(100).suggest(space, Direction.MINIMIZE, List.of(), 10, 0))
        .extracting(a -> a.values().get("n"))
        .containsExactly("0", "1", "2");
  }

  @Test
  void pointsOfEarlierRunsAreSkippedAndForeignOnesIgnored() {
    SearchSpace space = new SearchSpace(List.of(Parameter.uniform("x", 0, 1)));
    List<Observation> history =
        List.of(
            RandomSearchTest.succeeded(Map.of("x", "0.5"), 1),
            RandomSearchTest.succeeded(Map.of("x", "not a number"), 2),
            RandomSearchTest.succeeded(Map.of("y", "0.0"), 3));
    assertThat(new GridSearch(3).suggest(space, Direction.MAXIMIZE, history, 5, 0))
        .extracting(a -> a.values().get("x"))
        .containsExactly("0.0", "1.0");
  }

  @Test
  void hugeGridsAreNotMaterialised() {
    List<Parameter> parameters = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      parameters.add(Parameter.categorical("c" + i, List.of("a", "b", "c", "d")));
    }
    SearchSpace space = new SearchSpace(parameters);
    assertThat(GridSearch.size(GridSearch.pointsPerParameter(space, 10))).isEqualTo(Long.MAX_VALUE);
    assertThat(new GridSearch(10).suggest(space, Direction.MINIMIZE, List.of(), 3, 0)).hasSize(3);
  }
}

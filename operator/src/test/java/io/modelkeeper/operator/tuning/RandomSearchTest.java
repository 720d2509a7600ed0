package io.modelkeeper.operator.tuning;

import static io.modelkeeper.operator.tuning.SearchSpaceTest.SPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class RandomSearchTest {

  final SearchStrategy random = SearchStrategies.of("random");

  @Test
  void sameHistoryAndSeedGiveTheSameSuggestions() {
    List<Observation> history = List.of(succeeded(Map.of("x", "0.5"), 1.0));
    SearchSpace space = new SearchSpace(List.of(Parameter.uniform("x", 0, 1)));
    assertThat(random.suggest(space, Direction.MINIMIZE, history, 3, 7))
        .isEqualTo(random.suggest(space, Direction.MINIMIZE, history, 3, 7))
        .isNotEqualTo(random.suggest(space, Direction.MINIMIZE, history, 3, 8));
  }

  @Test
  void everyValueIsWithinBoundsAndValid() {
    List<Assignment> suggestions = random.suggest(SPACE, Direction.MINIMIZE, List.of(), 500, 1);
    assertThat(suggestions).hasSize(500);
    for (Assignment a : suggestions) {
      assertThat(a.values().keySet()).containsExactly("learning_rate", "l2", "epochs", "hidden");
      for (Parameter p : SPACE.parameters()) {
        assertThat(p.accepts(a.values().get(p.name()))).as(p.name()).isTrue();
      }
    }
    assertThat(suggestions.stream().map(a -> a.values().get("epochs")).distinct())
        .containsExactlyInAnyOrder("1", "2", "3", "4", "5", "6", "7", "8");
    assertThat(suggestions.stream().map(a -> a.values().get("hidden")).distinct())
        .containsExactlyInAnyOrder("0", "16", "64");
    // Log-uniform: about a third of the draws in each decade.
    long lowDecade =
        suggestions.stream()
            .filter(a -> Double.parseDouble(a.values().get("learning_rate")) < 1e-3)
            .count();
    assertThat(lowDecade).isBetween(120L, 210L);
  }

  @Test
  void oneAtATimeWithPendingEqualsAllAtOnce() {
    List<Assignment> together = random.suggest(SPACE, Direction.MINIMIZE, List.of(), 3, 42);
    List<Observation> history = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Assignment next = random.suggest(SPACE, Direction.MINIMIZE, history, 1, 42).get(0);
      history.add(new Observation(next, TrialState.PENDING, OptionalDouble.empty()));
    }
    assertThat(history.stream().map(Observation::assignment)).containsExactlyElementsOf(together);
  }

  @Test
  void aSmallDiscreteSpaceIsNotRepeatedBeforeItIsExhausted() {
    SearchSpace space =
        new SearchSpace(
            List.of(
                Parameter.integer("layers", 1, 3),
                Parameter.categorical("act", List.of("a", "b"))));
    List<Assignment> suggestions = random.suggest(space, Direction.MINIMIZE, List.of(), 6, 3);
    assertThat(new HashSet<>(suggestions)).hasSize(6);
  }

  @Test
  void countIsBounded() {
    assertThatThrownBy(() -> random.suggest(SPACE, Direction.MINIMIZE, List.of(), -1, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(random.suggest(SPACE, Direction.MINIMIZE, List.of(), 0, 0)).isEmpty();
  }

  @Test
  void algorithmsByName() {
    assertThat(SearchStrategies.of("random")).isInstanceOf(RandomSearch.class);
    assertThat(SearchStrategies.of("tpe")).isInstanceOf(Tpe.class);
    SearchSpace space = new SearchSpace(List.of(Parameter.uniform("x", 0, 1)));
    assertThat(SearchStrategies.of("grid", 3).suggest(space, Direction.MINIMIZE, List.of(), 9, 0))
        .hasSize(3);
    assertThat(SearchStrategies.of("grid").suggest(space, Direction.MINIMIZE, List.of(), 99, 0))
        .hasSize(SearchStrategies.DEFAULT_GRID_TRIALS);
  }

  @Test
  void unknownAlgorithmIsNamed() {
    assertThatThrownBy(() -> SearchStrategies.of("bayes"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'bayes'");
  }

  static Observation succeeded(Map<String, String> values, double objective) {
    return new Observation(
        new Assignment(values), TrialState.SUCCEEDED, OptionalDouble.of(objective));
  }
}

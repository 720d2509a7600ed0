package io.modelkeeper.operator.tuning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SearchSpaceTest {

  static final SearchSpace SPACE =
      new SearchSpace(
          List.of(
              Parameter.logUniform("learning_rate", 1e-4, 1e-1),
              Parameter.uniform("l2", 0, 0.01),
              Parameter.integer("epochs", 1, 8),
              Parameter.categorical("hidden", List.of("0", "16", "64"))));

  @Test
  void parametersAreChecked() {
    assertThatThrownBy(() -> Parameter.logUniform("lr", 0, 1)).hasMessageContaining("min > 0");
    assertThatThrownBy(() -> Parameter.uniform("x", 2, 1)).hasMessageContaining("min <= max");
    assertThatThrownBy(() -> Parameter.uniform("x", 0, Double.POSITIVE_INFINITY))
        .hasMessageContaining("finite");
    assertThatThrownBy(() -> Parameter.categorical("c", List.of())).hasMessageContaining("value");
    assertThatThrownBy(() -> Parameter.categorical("c", List.of("a", "a")))
        .hasMessageContaining("distinct");
    assertThatThrownBy(() -> Parameter.integer("n", 0, 1L << 60)).hasMessageContaining("2^53");
    assertThatThrownBy(() -> Parameter.uniform(" ", 0, 1)).hasMessageContaining("name");
    assertThatThrownBy(
            () ->
                new SearchSpace(
                    List.of(Parameter.uniform("x", 0, 1), Parameter.uniform("x", 1, 2))))
        .hasMessageContaining("x appears twice");
    assertThatThrownBy(() -> new SearchSpace(List.of())).hasMessageContaining("at least one");
  }

  @Test
  void valuesOfEachKind() {
    Parameter lr = SPACE.parameters().get(0);
    Parameter epochs = SPACE.parameters().get(2);
    Parameter hidden = SPACE.parameters().get(3);
    assertThat(lr.accepts("0.001")).isTrue();
    assertThat(lr.accepts("0.5")).isFalse();
    assertThat(lr.accepts("NaN")).isFalse();
    assertThat(lr.accepts("fast")).isFalse();
    assertThat(epochs.accepts("8")).isTrue();
    assertThat(epochs.accepts("9")).isFalse();
    assertThat(epochs.accepts("2.5")).isFalse();
    assertThat(hidden.accepts("16")).isTrue();
    assertThat(hidden.accepts("32")).isFalse();
    assertThat(hidden.min()).isZero();
    assertThat(hidden.max()).isEqualTo(2);
  }

  @Test
  void canonicalAssignmentsKeepSpaceOrderAndRejectStrangers() {
    Assignment given =
        new Assignment(
            Map.of("hidden", "64", "epochs", "3", "l2", "1e-3", "learning_rate", "0.01"));
    assertThat(SPACE.canonical(given).orElseThrow().values())
        .containsExactly(
            Map.entry("learning_rate", "0.01"),
            Map.entry("l2", "0.001"),
            Map.entry("epochs", "3"),
            Map.entry("hidden", "64"));
    assertThat(SPACE.canonical(new Assignment(Map.of("learning_rate", "0.01")))).isEmpty();
    assertThat(
            SPACE.canonical(
                new Assignment(
                    Map.of("learning_rate", "0.01", "l2", "0", "epochs", "3", "dropout", "0.5"))))
        .isEmpty();
  }
}

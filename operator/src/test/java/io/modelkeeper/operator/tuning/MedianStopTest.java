package io.modelkeeper.operator.tuning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class MedianStopTest {

  // Running averages up to step 3: 0.5, 0.6 and 0.9 -> median 0.6; up to step 1: 0.6, 0.7, 0.95.
  static final List<SortedMap<Integer, Double>> LOSSES =
      List.of(curve(0.7, 0.5, 0.4, 0.4), curve(0.8, 0.6, 0.5, 0.5), curve(1.0, 0.9, 0.9, 0.8));

  final MedianStop rule = new MedianStop(3, 2);

  @Test
  void minimizingStopsATrialWorseThanTheMedianAndKeepsOneBetter() {
    assertThat(rule.shouldStop(Direction.MINIMIZE, curve(0.9, 0.8, 0.7, 0.65), LOSSES)).isTrue();
    assertThat(rule.shouldStop(Direction.MINIMIZE, curve(0.9, 0.8, 0.7, 0.55), LOSSES)).isFalse();
    // Its best so far counts, not its latest value.
    assertThat(rule.shouldStop(Direction.MINIMIZE, curve(0.9, 0.55, 0.7, 0.8), LOSSES)).isFalse();
    // Equal to the median is not strictly worse.
    assertThat(rule.shouldStop(Direction.MINIMIZE, curve(0.9, 0.8, 0.7, 0.6), LOSSES)).isFalse();
  }

  @Test
  void maximizingComparesTheOtherWay() {
    List<SortedMap<Integer, Double>> accuracies =
        List.of(curve(0.3, 0.5, 0.6), curve(0.2, 0.4, 0.6), curve(0.5, 0.7, 0.9));
    // Running averages up to step 2: 0.4667, 0.4, 0.7 -> median 0.4667.
    assertThat(rule.shouldStop(Direction.MAXIMIZE, curve(0.1, 0.3, 0.45), accuracies)).isTrue();
    assertThat(rule.shouldStop(Direction.MAXIMIZE, curve(0.1, 0.3, 0.5), accuracies)).isFalse();
  }

  @Test
  void notBeforeStartStep() {
    assertThat(rule.shouldStop(Direction.MINIMIZE, curve(5.0, 5.0), LOSSES)).isFalse();
    assertThat(new MedianStop(3, 1).shouldStop(Direction.MINIMIZE, curve(5.0, 5.0), LOSSES))
        .isTrue();
    assertThat(rule.shouldStop(Direction.MINIMIZE, new TreeMap<>(), LOSSES)).isFalse();
  }

  @Test
  void notWithTooFewCompletedTrialsThatReachedTheStep() {
    assertThat(rule.shouldStop(Direction.MINIMIZE, curve(5.0, 5.0, 5.0), LOSSES.subList(0, 2)))
        .isFalse();
    assertThat(
            new MedianStop(2, 2)
                .shouldStop(Direction.MINIMIZE, curve(5.0, 5.0, 5.0), LOSSES.subList(0, 2)))
        .isTrue();
    // Completed trials that ended before step 4 do not count at step 4.
    List<SortedMap<Integer, Double>> shortOnes =
        List.of(curve(0.1, 0.1, 0.1), curve(0.1, 0.1, 0.1), curve(0.1, 0.1, 0.1, 0.1, 0.1));
    assertThat(rule.shouldStop(Direction.MINIMIZE, curve(5.0, 5.0, 5.0, 5.0, 5.0), shortOnes))
        .isFalse();
  }

  @Test
  void valuesThatAreNotNumbersAreLeftOut() {
    assertThat(
            rule.shouldStop(Direction.MINIMIZE, curve(Double.NaN, Double.NaN, Double.NaN), LOSSES))
        .isFalse();
    assertThat(
            rule.shouldStop(Direction.MINIMIZE, curve(0.9, Double.NEGATIVE_INFINITY, 0.8), LOSSES))
        .isTrue();
  }

  @Test
  void settingsAreChecked() {
    assertThatThrownBy(() -> new MedianStop(0, 1)).hasMessageContaining("minTrials >= 1");
    assertThatThrownBy(() -> new MedianStop(1, -1)).hasMessageContaining("startStep >= 0");
  }

  /** Values at steps 0, 1, 2, ... */
  static SortedMap<Integer, Double> curve(double... values) {
    SortedMap<Integer, Double> curve = new TreeMap<>();
    for (int step = 0; step < values.length; step++) {
      curve.put(step, values[step]);
    }
    return curve;
  }
}

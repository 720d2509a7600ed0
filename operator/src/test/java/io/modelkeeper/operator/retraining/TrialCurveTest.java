package io.modelkeeper.operator.retraining;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.operator.tuning.Direction;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TrialCurveTest {

  @Test
  void aLookAddsOnlyTheStepsAfterTheLastKept() {
    SortedMap<Integer, Double> kept = curve(1, 0.9, 2, 0.8);
    SortedMap<Integer, Double> read = curve(2, 0.1, 3, 0.7, 4, 0.6);
    assertThat(TrialCurve.merge(kept, read)).isEqualTo(curve(1, 0.9, 2, 0.8, 3, 0.7, 4, 0.6));
  }

  @Test
  void aLongCurveIsThinnedEvenlyKeepingItsFirstAndLatestStep() {
    SortedMap<Integer, Double> read = new TreeMap<>();
    for (int step = 1; step <= 1000; step++) {
      read.put(step, 1.0 / step);
    }
    SortedMap<Integer, Double> merged = TrialCurve.merge(new TreeMap<>(), read);
    assertThat(merged.size()).isLessThanOrEqualTo(TrialCurve.MAX_POINTS).isGreaterThan(50);
    assertThat(merged.firstKey()).isEqualTo(1);
    assertThat(merged.lastKey()).isEqualTo(1000);

    // A later look with the same tail adds only what came after: the thinned steps stay out.
    SortedMap<Integer, Double> later = new TreeMap<>(read.tailMap(900));
    later.put(1001, 0.0);
    SortedMap<Integer, Double> again = TrialCurve.merge(merged, later);
    assertThat(again.lastKey()).isEqualTo(1001);
    assertThat(again.size()).isLessThanOrEqualTo(TrialCurve.MAX_POINTS);
  }

  @Test
  void theStatusFormRoundTripsAndIgnoresWhatIsNotAStep() {
    SortedMap<Integer, Double> curve = curve(10, 0.5, 2, 0.25);
    var kept = TrialCurve.write(curve);
    assertThat(kept).containsOnlyKeys("2", "10");
    kept.put("x", 1.0);
    assertThat(TrialCurve.read(kept)).isEqualTo(curve);
    assertThat(TrialCurve.read(null)).isEmpty();
  }

  @Test
  void bestFollowsTheDirection() {
    SortedMap<Integer, Double> curve = curve(1, 0.5, 2, 0.2, 3, 0.4);
    assertThat(TrialCurve.best(curve, Direction.MINIMIZE).getAsDouble()).isEqualTo(0.2);
    assertThat(TrialCurve.best(curve, Direction.MAXIMIZE).getAsDouble()).isEqualTo(0.5);
    assertThat(TrialCurve.best(new TreeMap<>(), Direction.MINIMIZE)).isEmpty();
    assertThat(TrialCurve.better(0.1, 0.2, Direction.MINIMIZE)).isTrue();
    assertThat(TrialCurve.better(0.1, 0.2, Direction.MAXIMIZE)).isFalse();
  }

  private static SortedMap<Integer, Double> curve(Object... stepsAndValues) {
    SortedMap<Integer, Double> curve = new TreeMap<>();
    for (int i = 0; i < stepsAndValues.length; i += 2) {
      curve.put((Integer) stepsAndValues[i], (Double) stepsAndValues[i + 1]);
    }
    return curve;
  }
}

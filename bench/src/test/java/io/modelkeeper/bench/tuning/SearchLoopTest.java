package io.modelkeeper.bench.tuning;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.operator.tuning.Assignment;
import io.modelkeeper.operator.tuning.MedianStop;
import io.modelkeeper.operator.tuning.Parameter;
import io.modelkeeper.operator.tuning.SearchSpace;
import io.modelkeeper.operator.tuning.SearchStrategies;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SearchLoopTest {

  static SearchLoop.Trial trial(String x, double... curve) {
    return new SearchLoop.Trial(new Assignment(Map.of("x", x)), curve, curve.length);
  }

  @Test
  void replayStopsABadTrialAndCountsTheStepsSaved() {
    List<SearchLoop.Trial> recorded =
        List.of(
            trial("1", 1.0, 0.5, 0.4, 0.3),
            trial("2", 1.0, 0.6, 0.5, 0.4),
            trial("3", 3.0, 2.9, 2.8, 0.1), // looks bad, ends best: stopping loses it
            trial("4", 0.9, 0.5, 0.35, 0.2));
    SearchLoop.Outcome full = SearchLoop.replay(recorded, 1, null);
    SearchLoop.Outcome stopped = SearchLoop.replay(recorded, 1, new MedianStop(2, 2));
    assertThat(full.best()).isEqualTo(0.1);
    assertThat(full.stepsRun()).isEqualTo(16);
    // Trial 3 at step 2: best 2.9 against the median of 0.75 and 0.8.
    assertThat(stopped.trials().get(2).stopped()).isTrue();
    assertThat(stopped.trials().get(2).stepsRun()).isEqualTo(2);
    assertThat(stopped.trials().get(2).objective()).isEqualTo(2.9);
    assertThat(stopped.trials().get(3).stopped()).isFalse();
    assertThat(stopped.stepsRun()).isEqualTo(14);
    assertThat(stopped.stepsWithoutStopping()).isEqualTo(16);
    assertThat(stopped.best()).isEqualTo(0.2);
  }

  @Test
  void trialsOfOneBatchAreNotJudgedAgainstEachOther() {
    List<SearchLoop.Trial> recorded =
        List.of(trial("1", 1.0, 0.5, 0.4), trial("2", 1.0, 0.6, 0.5), trial("3", 3, 3, 3));
    assertThat(SearchLoop.replay(recorded, 3, new MedianStop(1, 1)).stopped()).isZero();
    assertThat(SearchLoop.replay(recorded, 1, new MedianStop(1, 1)).stopped()).isEqualTo(1);
  }

  @Test
  void searchRunsTheTrialsAskedForInBatchesAndFailedTrialsHaveNoBest() throws Exception {
    SearchSpace space = new SearchSpace(List.of(Parameter.uniform("x", 0, 1)));
    SearchLoop.Outcome outcome =
        SearchLoop.search(
            SearchStrategies.of("tpe"),
            space,
            batch -> batch.stream().map(a -> new double[0]).toList(),
            5,
            2,
            1,
            null);
    assertThat(outcome.trials()).hasSize(5).allMatch(SearchLoop.Trial::failed);
    assertThat(outcome.best()).isNaN();
  }
}

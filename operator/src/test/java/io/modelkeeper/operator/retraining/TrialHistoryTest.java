package io.modelkeeper.operator.retraining;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.api.v1alpha1.RetrainingRunStatus;
import io.modelkeeper.api.v1alpha1.TrialStatus;
import io.modelkeeper.operator.tuning.Observation;
import io.modelkeeper.operator.tuning.TrialState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrialHistoryTest {

  @Test
  void earlierRunsComeFirstAndThisRunsRunningTrialsArePending() {
    RetrainingRunStatus earlier = new RetrainingRunStatus();
    earlier.setTrials(
        List.of(
            trial(1, "0.01", io.modelkeeper.api.v1alpha1.TrialState.Succeeded, 0.3),
            trial(2, "0.02", io.modelkeeper.api.v1alpha1.TrialState.StoppedEarly, 0.6),
            trial(3, "0.03", io.modelkeeper.api.v1alpha1.TrialState.Failed, null),
            trial(4, "0.04", io.modelkeeper.api.v1alpha1.TrialState.Running, 0.2)));
    List<Observation> history =
        TrialHistory.of(
            List.of(earlier, new RetrainingRunStatus()),
            List.of(
                trial(1, "0.05", io.modelkeeper.api.v1alpha1.TrialState.Running, 0.9),
                trial(2, "0.06", io.modelkeeper.api.v1alpha1.TrialState.Succeeded, 0.1)));

    assertThat(history)
        .extracting(o -> o.assignment().values().get("learning_rate"), Observation::state)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("0.01", TrialState.SUCCEEDED),
            org.assertj.core.groups.Tuple.tuple("0.02", TrialState.STOPPED),
            org.assertj.core.groups.Tuple.tuple("0.03", TrialState.FAILED),
            org.assertj.core.groups.Tuple.tuple("0.05", TrialState.PENDING),
            org.assertj.core.groups.Tuple.tuple("0.06", TrialState.SUCCEEDED));
    assertThat(history.get(0).objective()).hasValue(0.3);
    assertThat(history.get(1).objective()).hasValue(0.6);
    assertThat(history.get(3).objective()).as("a running trial has no result yet").isEmpty();
  }

  private static TrialStatus trial(
      int index, String rate, io.modelkeeper.api.v1alpha1.TrialState state, Double objective) {
    TrialStatus trial = new TrialStatus();
    trial.setIndex(index);
    trial.setParameters(Map.of("learning_rate", rate));
    trial.setState(state);
    trial.setObjective(objective);
    return trial;
  }
}

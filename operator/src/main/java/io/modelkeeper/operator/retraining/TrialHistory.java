package io.modelkeeper.operator.retraining;

import io.modelkeeper.api.v1alpha1.RetrainingRunStatus;
import io.modelkeeper.api.v1alpha1.TrialStatus;
import io.modelkeeper.operator.tuning.Assignment;
import io.modelkeeper.operator.tuning.Observation;
import io.modelkeeper.operator.tuning.TrialState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * What the search knows before it suggests: the trials of the ModelRetraining's earlier runs (the
 * ones its history keeps), then this run's, its running trials as pending so that parallel trials
 * are not given what another one already tries.
 */
public final class TrialHistory {

  private TrialHistory() {}

  /** {@code earlier} in run order, then {@code current}. */
  public static List<Observation> of(List<RetrainingRunStatus> earlier, List<TrialStatus> current) {
    List<Observation> history = new ArrayList<>();
    for (RetrainingRunStatus run : earlier) {
      for (TrialStatus trial :
          Objects.requireNonNullElse(run.getTrials(), List.<TrialStatus>of())) {
        // A trial still running in an earlier run is one that run ended without: it says nothing.
        if (trial.getState() != null
            && trial.getState().finished()
            && trial.getParameters() != null) {
          history.add(observation(trial));
        }
      }
    }
    for (TrialStatus trial : current) {
      if (trial.getParameters() != null && trial.getState() != null) {
        history.add(observation(trial));
      }
    }
    return history;
  }

  private static Observation observation(TrialStatus trial) {
    TrialState state =
        switch (trial.getState()) {
          case Running -> TrialState.PENDING;
          case Succeeded -> TrialState.SUCCEEDED;
          case StoppedEarly -> TrialState.STOPPED;
          case Failed -> TrialState.FAILED;
        };
    boolean valued =
        (state == TrialState.SUCCEEDED || state == TrialState.STOPPED)
            && trial.getObjective() != null;
    return new Observation(
        new Assignment(new LinkedHashMap<>(trial.getParameters())),
        state,
        valued ? OptionalDouble.of(trial.getObjective()) : OptionalDouble.empty());
  }
}

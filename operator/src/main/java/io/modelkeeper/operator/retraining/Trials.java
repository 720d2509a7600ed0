package io.modelkeeper.operator.retraining;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelkeeper.api.v1alpha1.BestTrial;
import io.modelkeeper.api.v1alpha1.RetrainingRunStatus;
import io.modelkeeper.api.v1alpha1.TrialState;
import io.modelkeeper.api.v1alpha1.TrialStatus;
import io.modelkeeper.api.v1alpha1.TuningSpec;
import io.modelkeeper.operator.config.OperatorConfig;
import io.modelkeeper.operator.telemetry.RetrainingMetrics;
import io.modelkeeper.operator.tuning.Assignment;
import io.modelkeeper.operator.tuning.Direction;
import io.modelkeeper.operator.tuning.SearchStrategies;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The trials of a tuning run, moved one look at a time: looks at each running trial ({@link
 * TrialProgress}: its Job, its pod's metric lines and summary, the median rule); starts new trials
 * up to tuning.parallelTrials with the search strategy's suggestions; keeps the best. A trial's
 * parameters are on its Job (an annotation) as it is made and in the run's status, and its Job's
 * name comes from the run's name and the trial's index, so a look taken twice never makes a second
 * Job for a trial nor changes its parameters.
 */
public final class Trials {

  /** Failure reason of a run whose trials failed: more than allowed, or all of them. */
  public static final String TRIALS_FAILED = "TrialsFailed";

  private final KubernetesClient client;
  private final OperatorConfig config;
  private final RetrainingMetrics metrics;

  public Trials(KubernetesClient client, OperatorConfig config, RetrainingMetrics metrics) {
    this.client = client;
    this.config = config;
    this.metrics = metrics;
  }

  /** Where the trials are after a look: still going, failed (reason, message), or all over. */
  public record Outcome(State state, String reason, String message) {

    public enum State {
      RUNNING,
      FAILED,
      DONE
    }

    static Outcome running() {
      return new Outcome(State.RUNNING, null, null);
    }
  }

  /**
   * Takes a look at the trials of {@code run}, writing into {@code status}; {@code earlier} are the
   * statuses of the ModelRetraining's earlier runs, whose trials seed the search.
   */
  public Outcome advance(
      RunContext run, RetrainingRunStatus status, List<RetrainingRunStatus> earlier) {
    TuningSpec tuning = run.retraining().getSpec().getTuning();
    Direction direction = TuningSpace.direction(tuning);
    List<TrialStatus> trials =
        new ArrayList<>(Objects.requireNonNullElse(status.getTrials(), List.of()));
    Map<Integer, Job> jobs = jobs(run);
    adopt(trials, jobs);
    TrialProgress progress = new TrialProgress(client, metrics);
    for (TrialStatus trial : trials) {
      if (trial.getState() != TrialState.Running) {
        continue;
      }
      Job job = jobs.get(trial.getIndex());
      if (job == null) {
        // Made before a restart and not seen yet, or lost: making it again is safe by its name.
        CreateIfAbsent.trainingJob(
            client, run, TrialJobs.trial(run, config, trial.getIndex(), trial.getParameters()));
      } else {
        progress.observe(run, tuning, direction, trial, job, trials);
      }
    }
    List<TrialStatus> failed =
        trials.stream().filter(t -> t.getState() == TrialState.Failed).toList();
    if (failed.size() > tuning.getMaxFailedTrials()) {
      end(run, trials);
      record(status, trials, direction, tuning);
      TrialStatus last = failed.get(failed.size() - 1);
      return new Outcome(
          Outcome.State.FAILED,
          TRIALS_FAILED,
          failed.size()
              + " trials failed, more than tuning.maxFailedTrials "
              + tuning.getMaxFailedTrials()
              + "; trial "
              + last.getIndex()
              + ": "
              + last.getMessage());
    }
    boolean exhausted = start(run, tuning, direction, trials, earlier);
    record(status, trials, direction, tuning);
    boolean over =
        (trials.size() >= tuning.getTrials() || exhausted)
            && trials.stream().allMatch(t -> t.getState().finished());
    if (!over) {
      return Outcome.running();
    }
    if (status.getBest() == null) {
      return new Outcome(
          Outcome.State.FAILED,
          TRIALS_FAILED,
          "no trial of "
              + trials.size()
              + " succeeded with a value of "
              + tuning.getObjective().getMetric()
              + (failed.isEmpty()
                  ? ""
                  : "; last failure: " + failed.get(failed.size() - 1).getMessage()));
    }
    return new Outcome(Outcome.State.DONE, null, null);
  }

  /** The trial Jobs of the run, by trial index. */
  private Map<Integer, Job> jobs(RunContext run) {
    Map<Integer, Job> jobs = new LinkedHashMap<>();
    for (Job job :
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(run.namespace())
            .withLabel(RunNames.RUN, run.runName())
            .withLabel(RunNames.TRIAL)
            .list()
            .getItems()) {
      TrialJobs.index(job).ifPresent(index -> jobs.put(index, job));
    }
    return jobs;
  }

  /** Trials whose Job exists but whose status write was lost: their parameters are the Job's. */
  private static void adopt(List<TrialStatus> trials, Map<Integer, Job> jobs) {
    jobs.forEach(
        (index, job) -> {
          boolean known = trials.stream().anyMatch(t -> index.equals(t.getIndex()));
          Optional<Map<String, String>> parameters = TrialJobs.parameters(job);
          if (!known && parameters.isPresent()) {
            trials.add(running(index, parameters.get(), job.getMetadata().getName()));
          }
        });
    trials.sort(Comparator.comparing(TrialStatus::getIndex));
  }

  /** The run failed: its running trials end with it. */
  private void end(RunContext run, List<TrialStatus> trials) {
    for (TrialStatus trial : trials) {
      if (trial.getState() == TrialState.Running) {
        TrialProgress.delete(client, run, trial);
        trial.setState(TrialState.Failed);
        trial.setMessage("ended: the run failed");
      }
    }
  }

  /**
   * Starts trials while fewer than parallelTrials run and fewer than trials were started; says
   * whether the search had no more to suggest (a grid walked to its end).
   */
  private boolean start(
      RunContext run,
      TuningSpec tuning,
      Direction direction,
      List<TrialStatus> trials,
      List<RetrainingRunStatus> earlier) {
    long running = trials.stream().filter(t -> t.getState() == TrialState.Running).count();
    int free =
        (int) Math.min(tuning.getParallelTrials() - running, tuning.getTrials() - trials.size());
    if (free <= 0) {
      return false;
    }
    long seed = Objects.requireNonNullElse(tuning.getSeed(), 0L) + run.number();
    List<Assignment> next =
        SearchStrategies.of(tuning.getAlgorithm().value(), tuning.getTrials())
            .suggest(
                TuningSpace.of(tuning), direction, TrialHistory.of(earlier, trials), free, seed);
    int index = trials.stream().mapToInt(TrialStatus::getIndex).max().orElse(0);
    for (Assignment assignment : next) {
      index++;
      Job made =
          CreateIfAbsent.trainingJob(
              client, run, TrialJobs.trial(run, config, index, assignment.values()));
      Map<String, String> parameters =
          TrialJobs.parameters(made).orElse(new LinkedHashMap<>(assignment.values()));
      trials.add(running(index, parameters, made.getMetadata().getName()));
      metrics.trialStarted();
    }
    return next.size() < free;
  }

  /** Writes the trials, the progress and the best trial into the run's status. */
  private static void record(
      RetrainingRunStatus status,
      List<TrialStatus> trials,
      Direction direction,
      TuningSpec tuning) {
    status.setTrials(trials);
    long over = trials.stream().filter(t -> t.getState().finished()).count();
    status.setTrialProgress(over + "/" + tuning.getTrials());
    TrialStatus best = null;
    for (TrialStatus trial : trials) {
      if (trial.getState() == TrialState.Succeeded
          && (best == null
              || TrialCurve.better(trial.getObjective(), best.getObjective(), direction))) {
        best = trial;
      }
    }
    if (best == null) {
      status.setBest(null);
      return;
    }
    BestTrial chosen = new BestTrial();
    chosen.setTrial(best.getIndex());
    chosen.setObjective(best.getObjective());
    chosen.setParameters(best.getParameters());
    status.setBest(chosen);
  }

  private static TrialStatus running(int index, Map<String, String> parameters, String job) {
    TrialStatus trial = new TrialStatus();
    trial.setIndex(index);
    trial.setParameters(parameters);
    trial.setState(TrialState.Running);
    trial.setJob(job);
    trial.setMessage("training in Job " + job);
    return trial;
  }
}

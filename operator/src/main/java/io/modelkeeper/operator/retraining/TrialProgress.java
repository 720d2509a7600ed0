package io.modelkeeper.operator.retraining;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelkeeper.api.v1alpha1.MedianStopSpec;
import io.modelkeeper.api.v1alpha1.TrialState;
import io.modelkeeper.api.v1alpha1.TrialStatus;
import io.modelkeeper.api.v1alpha1.TuningSpec;
import io.modelkeeper.operator.telemetry.RetrainingMetrics;
import io.modelkeeper.operator.tuning.Direction;
import io.modelkeeper.operator.tuning.MedianStop;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One look at a running trial: its Job's outcome, the objective metric's lines in its pod's log
 * tail (the last step, the best value so far, the curve median stopping needs), its summary once it
 * succeeded, and the median rule while it runs, which deletes a losing trial's Job.
 */
final class TrialProgress {

  private final KubernetesClient client;
  private final RetrainingMetrics metrics;

  TrialProgress(KubernetesClient client, RetrainingMetrics metrics) {
    this.client = client;
    this.metrics = metrics;
  }

  /** Looks at one running trial, writing what it finds into {@code trial}. */
  void observe(
      RunContext run,
      TuningSpec tuning,
      Direction direction,
      TrialStatus trial,
      Job job,
      List<TrialStatus> trials) {
    String metric = tuning.getObjective().getMetric();
    Optional<Pod> speaker = PodReport.speaker(pods(run, job.getMetadata().getName()));
    boolean keepCurve = medianStop(tuning) != null;
    SortedMap<Integer, Double> read =
        speaker
            .map(pod -> read(run, pod, metric, direction, trial, keepCurve))
            .orElse(new TreeMap<>());
    JobOutcome outcome = JobOutcome.of(job);
    switch (outcome.state()) {
      case FAILED -> {
        trial.setState(TrialState.Failed);
        trial.setMessage(
            RunProgress.failureReason(outcome, RunProgress.TRAINING_FAILED)
                + ": "
                + RunProgress.explain(outcome, speaker));
        metrics.trialEnded(TrialState.Failed);
      }
      case SUCCEEDED -> succeeded(trial, speaker, metric, read);
      case RUNNING -> {
        MedianStopSpec rule = medianStop(tuning);
        if (rule != null && shouldStop(rule, direction, trial, trials)) {
          stop(run, trial, metric);
        }
      }
    }
  }

  /**
   * Reads the log tail: the last step, the best value so far and, for median stopping, the curve;
   * returns the points read.
   */
  private SortedMap<Integer, Double> read(
      RunContext run,
      Pod pod,
      String metric,
      Direction direction,
      TrialStatus trial,
      boolean keepCurve) {
    SortedMap<Integer, Double> read =
        MetricLines.curve(PodLogs.tail(client, run.namespace(), pod).orElse(null), metric);
    if (read.isEmpty()) {
      return read;
    }
    trial.setStep(Math.max(Objects.requireNonNullElse(trial.getStep(), 0), read.lastKey()));
    double best = TrialCurve.best(read, direction).getAsDouble();
    if (trial.getObjective() == null || TrialCurve.better(best, trial.getObjective(), direction)) {
      trial.setObjective(best);
    }
    if (keepCurve) {
      trial.setCurve(TrialCurve.write(TrialCurve.merge(TrialCurve.read(trial.getCurve()), read)));
    }
    return read;
  }

  /**
   * A finished trial's objective is its final value, the one its model has: the summary's, else the
   * last metric line's. (Its best value may come from an earlier epoch than the model kept.)
   */
  private void succeeded(
      TrialStatus trial, Optional<Pod> speaker, String metric, SortedMap<Integer, Double> read) {
    Optional<String> summary = speaker.flatMap(PodReport::terminationMessage);
    OptionalDouble objective =
        summary.map(message -> Summaries.metric(message, metric)).orElse(OptionalDouble.empty());
    SortedMap<Integer, Double> kept = TrialCurve.read(trial.getCurve());
    if (objective.isEmpty() && !read.isEmpty()) {
      objective = OptionalDouble.of(read.get(read.lastKey()));
    } else if (objective.isEmpty() && !kept.isEmpty()) {
      objective = OptionalDouble.of(kept.get(kept.lastKey()));
    }
    if (objective.isEmpty()) {
      trial.setState(TrialState.Failed);
      trial.setMessage(
          Trials.TRIALS_FAILED
              + ": the trial finished without reporting "
              + metric
              + " in its summary's metrics (its termination message) nor in its metric lines");
      trial.setObjective(null);
      metrics.trialEnded(TrialState.Failed);
      return;
    }
    summary
        .flatMap(Summaries::training)
        .ifPresent(
            training -> {
              trial.setSha256(training.sha256());
              trial.setRows(training.rows());
            });
    trial.setState(TrialState.Succeeded);
    trial.setObjective(objective.getAsDouble());
    trial.setMessage("succeeded: " + metric + " " + objective.getAsDouble());
    metrics.trialEnded(TrialState.Succeeded);
  }

  private static boolean shouldStop(
      MedianStopSpec rule, Direction direction, TrialStatus trial, List<TrialStatus> trials) {
    SortedMap<Integer, Double> running = TrialCurve.read(trial.getCurve());
    if (running.isEmpty()) {
      return false;
    }
    List<SortedMap<Integer, Double>> completed =
        trials.stream()
            .filter(t -> t.getState() == TrialState.Succeeded)
            .map(t -> TrialCurve.read(t.getCurve()))
            .filter(curve -> !curve.isEmpty())
            .toList();
    return new MedianStop(rule.getMinTrials(), rule.getStartStep())
        .shouldStop(direction, running, completed);
  }

  private void stop(RunContext run, TrialStatus trial, String metric) {
    delete(client, run, trial);
    trial.setState(TrialState.StoppedEarly);
    trial.setMessage(
        "stopped early at step "
            + trial.getStep()
            + ": its best "
            + metric
            + " so far, "
            + trial.getObjective()
            + ", is worse than the median of the completed trials' running averages");
    metrics.trialEnded(TrialState.StoppedEarly);
  }

  /** Deletes a trial's Job; its pods go with it. */
  static void delete(KubernetesClient client, RunContext run, TrialStatus trial) {
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(run.namespace())
        .withName(trial.getJob())
        .withPropagationPolicy(DeletionPropagation.BACKGROUND)
        .delete();
  }

  private static MedianStopSpec medianStop(TuningSpec tuning) {
    return tuning.getEarlyStopping() == null ? null : tuning.getEarlyStopping().getMedianStop();
  }

  private List<Pod> pods(RunContext run, String job) {
    return client
        .pods()
        .inNamespace(run.namespace())
        .withLabel(RunNames.JOB, job)
        .list()
        .getItems();
  }
}

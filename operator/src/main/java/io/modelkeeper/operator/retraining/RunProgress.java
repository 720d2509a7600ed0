package io.modelkeeper.operator.retraining;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelkeeper.api.v1alpha1.Blessing;
import io.modelkeeper.api.v1alpha1.ModelRef;
import io.modelkeeper.api.v1alpha1.RetrainingRunStatus;
import io.modelkeeper.api.v1alpha1.RowCounts;
import io.modelkeeper.api.v1alpha1.RunCandidate;
import io.modelkeeper.api.v1alpha1.RunJobs;
import io.modelkeeper.api.v1alpha1.RunPhase;
import io.modelkeeper.api.v1alpha1.TrialStatus;
import io.modelkeeper.operator.config.OperatorConfig;
import io.modelkeeper.operator.telemetry.RetrainingMetrics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Moves one run a step along Pending → Training → Evaluating → RollingOut (or NotBlessed, or
 * Failed): makes its Jobs when they are missing, reads their outcome, their pods' metric lines and
 * termination messages. The Jobs' names come from the run's name, so a step taken twice (an
 * operator restarted in between) finds the Job it made instead of making a second one.
 */
public final class RunProgress {

  /** Failure reasons of a run, in status.message and the Succeeded condition. */
  public static final String TRAINING_FAILED = "TrainingFailed";

  public static final String EVALUATION_FAILED = "EvaluationFailed";
  public static final String NOT_ENOUGH_ROWS = "NotEnoughRows";
  public static final String INVALID_SPEC = "InvalidSpec";

  private final KubernetesClient client;
  private final OperatorConfig config;
  private final Trials trials;

  public RunProgress(KubernetesClient client, OperatorConfig config, RetrainingMetrics metrics) {
    this.client = client;
    this.config = config;
    this.trials = new Trials(client, config, metrics);
  }

  /** What a step did, for Events and metrics. */
  public enum Step {
    NONE,
    STARTED,
    EVALUATING,
    BLESSED,
    NOT_BLESSED,
    FAILED
  }

  /**
   * Takes the next step of {@code run}, writing into {@code status} (a copy of the run's status),
   * and says what happened; {@code earlier} are the statuses of the earlier runs, whose trials seed
   * a tuning run's search.
   */
  public Step advance(
      RunContext run, RetrainingRunStatus status, List<RetrainingRunStatus> earlier, Instant now) {
    // A run tunes when it started tuning (it has no single training Job), whatever the spec says
    // now: a spec edited in the middle of a run does not switch it to the other kind.
    boolean tuning = status.getJobs() != null && status.getJobs().getTraining() == null;
    return switch (status.getPhase()) {
      case Pending -> start(run, status, earlier, now);
      case Training -> tuning ? tuning(run, status, earlier, now) : training(run, status, now);
      case Evaluating -> evaluating(run, status, now);
      default -> Step.NONE;
    };
  }

  private Step start(
      RunContext run, RetrainingRunStatus status, List<RetrainingRunStatus> earlier, Instant now) {
    Job job;
    try {
      job = TrainingJobs.training(run, config);
    } catch (IllegalArgumentException e) {
      fail(status, INVALID_SPEC, e.getMessage(), now);
      return Step.FAILED;
    }
    ModelRef base = new ModelRef();
    base.setUri(run.md().getSpec().getModel().getUri());
    base.setVersion(run.md().getSpec().getModel().getVersion());
    status.setBase(base);
    RunJobs jobs = new RunJobs();
    status.setJobs(jobs);
    status.setStartTime(now.toString());
    if (run.retraining().getSpec().getTuning() != null) {
      status.setPhase(RunPhase.Training);
      status.setMessage(
          "tuning: "
              + run.retraining().getSpec().getTuning().getTrials()
              + " trials, "
              + run.retraining().getSpec().getTuning().getParallelTrials()
              + " at a time");
      Step first = tuning(run, status, earlier, now);
      return first == Step.FAILED ? first : Step.STARTED;
    }
    jobs.setTraining(job.getMetadata().getName());
    CreateIfAbsent.trainingJob(client, run, job);
    status.setPhase(RunPhase.Training);
    status.setMessage("training in Job " + job.getMetadata().getName());
    return Step.STARTED;
  }

  /** A look at a tuning run's trials; once they are over, the best trial's model is evaluated. */
  private Step tuning(
      RunContext run, RetrainingRunStatus status, List<RetrainingRunStatus> earlier, Instant now) {
    if (run.retraining().getSpec().getTuning() == null) {
      fail(
          status,
          INVALID_SPEC,
          "spec.tuning was removed while the run tuned; the next run trains without tuning",
          now);
      return Step.FAILED;
    }
    Trials.Outcome outcome = trials.advance(run, status, earlier);
    switch (outcome.state()) {
      case RUNNING:
        return Step.NONE;
      case FAILED:
        fail(status, outcome.reason(), outcome.message(), now);
        return Step.FAILED;
      default:
        break;
    }
    int best = status.getBest().getTrial();
    TrialStatus trial =
        status.getTrials().stream().filter(t -> t.getIndex() == best).findFirst().orElseThrow();
    RowCounts rows = trial.getRows() == null ? new RowCounts() : trial.getRows();
    return candidate(
        run.withTrial(best), status, new Summaries.Training(trial.getSha256(), rows), now);
  }

  private Step training(RunContext run, RetrainingRunStatus status, Instant now) {
    String name = RunNames.trainingJob(run.runName());
    Job job = job(run, name);
    if (job == null) {
      // Made before a restart and not seen yet, or lost: making it again is safe by its name.
      CreateIfAbsent.trainingJob(client, run, TrainingJobs.training(run, config));
      return Step.NONE;
    }
    List<Pod> pods = pods(run, name);
    Optional<Pod> speaker = PodReport.speaker(pods);
    speaker.ifPresent(pod -> readMetrics(run, pod, status));
    JobOutcome outcome = JobOutcome.of(job);
    switch (outcome.state()) {
      case RUNNING:
        return Step.NONE;
      case FAILED:
        fail(status, failureReason(outcome, TRAINING_FAILED), explain(outcome, speaker), now);
        return Step.FAILED;
      default:
        break;
    }
    Summaries.Training summary =
        speaker
            .flatMap(PodReport::terminationMessage)
            .flatMap(Summaries::training)
            .orElse(new Summaries.Training(null, new RowCounts()));
    return candidate(run, status, summary, now);
  }

  /** The trained model is the candidate: enough rows, then its evaluation Job. */
  private Step candidate(
      RunContext run, RetrainingRunStatus status, Summaries.Training summary, Instant now) {
    status.setRows(summary.rows());
    long rows = total(summary.rows());
    long minRows = run.retraining().getSpec().getDataset().getMinRows();
    if (summary.rows().getTraining() != null && rows < minRows) {
      fail(
          status,
          NOT_ENOUGH_ROWS,
          "the trainer found "
              + rows
              + " labelled rows, fewer than spec.dataset.minRows "
              + minRows
              + "; nothing is evaluated or rolled out",
          now);
      return Step.FAILED;
    }
    RunCandidate candidate = new RunCandidate();
    candidate.setUri(run.candidateUri());
    candidate.setSha256(summary.sha256());
    status.setCandidate(candidate);
    Job evaluation = TrainingJobs.evaluation(run, candidate.getSha256(), config);
    CreateIfAbsent.object(client, evaluation);
    status.getJobs().setEvaluation(evaluation.getMetadata().getName());
    status.setPhase(RunPhase.Evaluating);
    status.setMessage(
        "evaluating "
            + (run.trial() == null ? "" : "the best trial's model (trial " + run.trial() + ") ")
            + "in Job "
            + evaluation.getMetadata().getName());
    return Step.EVALUATING;
  }

  private Step evaluating(RunContext run, RetrainingRunStatus status, Instant now) {
    String name = RunNames.evaluationJob(run.runName());
    Job job = job(run, name);
    if (job == null) {
      CreateIfAbsent.object(
          client,
          TrainingJobs.evaluation(
              run,
              status.getCandidate() == null ? null : status.getCandidate().getSha256(),
              config));
      return Step.NONE;
    }
    JobOutcome outcome = JobOutcome.of(job);
    Optional<Pod> speaker = PodReport.speaker(pods(run, name));
    switch (outcome.state()) {
      case RUNNING:
        return Step.NONE;
      case FAILED:
        fail(status, failureReason(outcome, EVALUATION_FAILED), explain(outcome, speaker), now);
        return Step.FAILED;
      default:
        break;
    }
    Optional<Blessing> blessing =
        speaker.flatMap(PodReport::terminationMessage).flatMap(Summaries::blessing);
    if (blessing.isEmpty()) {
      fail(
          status,
          EVALUATION_FAILED,
          "the evaluator finished without a verdict in its termination message",
          now);
      return Step.FAILED;
    }
    status.setBlessing(blessing.get());
    if (!blessing.get().getPassed()) {
      status.setPhase(RunPhase.NotBlessed);
      status.setCompletionTime(now.toString());
      status.setMessage("not blessed: " + describe(blessing.get()) + "; nothing is rolled out");
      return Step.NOT_BLESSED;
    }
    status.setVersion(RunNames.version(status.getBase().getVersion(), run.number()));
    status.setPhase(RunPhase.RollingOut);
    status.setMessage(
        "blessed: " + describe(blessing.get()) + "; offered as version " + status.getVersion());
    return Step.BLESSED;
  }

  /** The blessing figures in words. */
  static String describe(Blessing blessing) {
    StringBuilder text = new StringBuilder();
    text.append(blessing.getMetric()).append(' ').append(blessing.getCandidate());
    if (blessing.getServing() != null) {
      text.append(" against ").append(blessing.getServing()).append(" serving");
    } else {
      text.append(" (no serving figure to compare: only validation.minValue applied)");
    }
    if (blessing.getReason() != null) {
      text.append(" (").append(blessing.getReason()).append(')');
    }
    return text.toString();
  }

  static String failureReason(JobOutcome outcome, String otherwise) {
    return outcome.deadlineExceeded() ? JobOutcome.DEADLINE_EXCEEDED : otherwise;
  }

  static String explain(JobOutcome outcome, Optional<Pod> speaker) {
    String pod =
        speaker.flatMap(PodReport::terminationMessage).map(PodReport::shortened).orElse("");
    String job = outcome.reason() + (outcome.message().isEmpty() ? "" : ": " + outcome.message());
    return pod.isEmpty() ? job : job + "; the pod said: " + pod;
  }

  static void fail(RetrainingRunStatus status, String reason, String message, Instant now) {
    status.setPhase(RunPhase.Failed);
    status.setCompletionTime(now.toString());
    status.setMessage(reason + ": " + message + "; serving is untouched");
  }

  private static long total(RowCounts rows) {
    return (rows.getTraining() == null ? 0 : rows.getTraining())
        + (rows.getHeldOut() == null ? 0 : rows.getHeldOut());
  }

  private void readMetrics(RunContext run, Pod pod, RetrainingRunStatus status) {
    Map<String, Double> values =
        MetricLines.lastValues(PodLogs.tail(client, run.namespace(), pod).orElse(null));
    if (!values.isEmpty()) {
      Map<String, Double> merged =
          status.getMetrics() == null
              ? new java.util.LinkedHashMap<>()
              : new java.util.LinkedHashMap<>(status.getMetrics());
      values.forEach(
          (name, value) -> {
            if (merged.containsKey(name) || merged.size() < MetricLines.MAX_METRICS) {
              merged.put(name, value);
            }
          });
      status.setMetrics(merged);
    }
  }

  private Job job(RunContext run, String name) {
    return client.batch().v1().jobs().inNamespace(run.namespace()).withName(name).get();
  }

  private List<Pod> pods(RunContext run, String job) {
    return new ArrayList<>(
        client.pods().inNamespace(run.namespace()).withLabel(RunNames.JOB, job).list().getItems());
  }
}

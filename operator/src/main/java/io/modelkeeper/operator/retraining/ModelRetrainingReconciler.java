package io.modelkeeper.operator.retraining;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.modelkeeper.api.v1alpha1.BestTrial;
import io.modelkeeper.api.v1alpha1.Conditions;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelRetraining;
import io.modelkeeper.api.v1alpha1.ModelRetrainingStatus;
import io.modelkeeper.api.v1alpha1.RetrainingRun;
import io.modelkeeper.api.v1alpha1.RetrainingRunStatus;
import io.modelkeeper.api.v1alpha1.RunPhase;
import io.modelkeeper.operator.config.OperatorConfig;
import io.modelkeeper.operator.console.ConsoleCaches;
import io.modelkeeper.operator.observe.MetadataOnly;
import io.modelkeeper.operator.telemetry.EventReason;
import io.modelkeeper.operator.telemetry.EventRecorder;
import io.modelkeeper.operator.telemetry.RetrainingMetrics;
import io.modelkeeper.operator.workload.ModelVersion;
import io.modelkeeper.operator.workload.StatusWrite;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps a ModelDeployment's model trained: observe the ModelDeployment and the runs, move the run
 * in flight a step, follow the offered candidate, start a run when a trigger asks and no guard
 * holds it, prune the history, then one status write. Runs have no reconciler of their own: their
 * ModelRetraining moves them one at a time, so their numbers and Jobs never race.
 */
// Not generation-aware: the approve and reset-failures annotations change no generation and must
// still be acted on at once.
@ControllerConfiguration(
    name = ModelRetrainingReconciler.NAME,
    generationAwareEventProcessing = false)
public class ModelRetrainingReconciler implements Reconciler<ModelRetraining> {

  public static final String NAME = "modelretraining";

  /** How soon a run in flight is looked at again, when no Job event comes first. */
  static final Duration WHILE_RUNNING = Duration.ofSeconds(10);

  private final OperatorConfig config;
  private final EventRecorder events;
  private final RetrainingMetrics metrics;
  private final RunStarter starter;
  private final Clock clock;

  private final ConsoleCaches consoleCaches;

  public ModelRetrainingReconciler(
      OperatorConfig config,
      EventRecorder events,
      RetrainingMetrics metrics,
      LabelledRows labelledRows,
      Clock clock,
      ConsoleCaches consoleCaches) {
    this.consoleCaches = consoleCaches;
    this.config = config;
    this.events = events;
    this.metrics = metrics;
    this.starter = new RunStarter(events, metrics, labelledRows, config.labelledRowsInterval());
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, ModelRetraining>> prepareEventSources(
      EventSourceContext<ModelRetraining> context) {
    var runs =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(RetrainingRun.class, ModelRetraining.class)
                .withName("runs")
                .withSecondaryToPrimaryMapper(
                    (RetrainingRun run) ->
                        run.getSpec() == null || run.getSpec().getRetrainingRef() == null
                            ? Set.of()
                            : Set.of(
                                new ResourceID(
                                    run.getSpec().getRetrainingRef().getName(),
                                    run.getMetadata().getNamespace())))
                .build(),
            context);
    var jobs =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Job.class, ModelRetraining.class)
                .withName("jobs")
                .withLabelSelector(RunNames.RETRAINING)
                .withSecondaryToPrimaryMapper(
                    (Job job) ->
                        Set.of(
                            new ResourceID(
                                job.getMetadata().getLabels().get(RunNames.RETRAINING),
                                job.getMetadata().getNamespace())))
                .build(),
            context);
    // A ModelDeployment's events (Degraded, a canary's outcome) wake the retrainings naming it.
    // Only the events are used (a reconcile reads the ModelDeployment itself): this cache keeps
    // names, not a second copy of every ModelDeployment's spec and status.
    var models =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(ModelDeployment.class, ModelRetraining.class)
                .withName("modeldeployments")
                .withItemStore(new MetadataOnly<>())
                .withSecondaryToPrimaryMapper(
                    (ModelDeployment md) ->
                        context
                            .getPrimaryCache()
                            .list(md.getMetadata().getNamespace())
                            .filter(
                                r ->
                                    r.getSpec() != null
                                        && r.getSpec().getModelDeploymentRef() != null
                                        && md.getMetadata()
                                            .getName()
                                            .equals(r.getSpec().getModelDeploymentRef().getName()))
                            .map(ResourceID::fromResource)
                            .collect(java.util.stream.Collectors.toSet()))
                .build(),
            context);
    consoleCaches.modelRetrainings(context.getPrimaryCache());
    consoleCaches.retrainingRuns(runs);
    return List.of(runs, jobs, models);
  }

  @Override
  public UpdateControl<ModelRetraining> reconcile(
      ModelRetraining retraining, Context<ModelRetraining> context) {
    Instant now = clock.instant();
    KubernetesClient client = context.getClient();
    ModelRetrainingStatus before = retraining.getStatus();
    ModelRetrainingStatus status =
        before == null ? new ModelRetrainingStatus() : Serialization.clone(before);
    long generation = Objects.requireNonNullElse(retraining.getMetadata().getGeneration(), 0L);

    // Observe.
    ModelDeployment md =
        client
            .resources(ModelDeployment.class)
            .inNamespace(retraining.getMetadata().getNamespace())
            .withName(retraining.getSpec().getModelDeploymentRef().getName())
            .get();
    RunBook book = new RunBook(context, retraining);

    // Validate: a spec the operator cannot act on starts nothing; runs wait.
    RetrainingValidation.Result checked = RetrainingValidation.check(retraining, md);
    resetFailures(retraining, status, generation);
    status.setLastRunNumber(book.adopt(book.lastNumber(status.getLastRunNumber()), now));

    if (checked.problem() == null) {
      RetrainingRun active = book.active();
      if (active != null) {
        advance(retraining, md, book, active, status, client, now);
      }
    }
    countFailures(retraining, book, status);
    followCandidate(retraining, md, book, status, now);
    if (checked.problem() == null) {
      starter.start(retraining, md, checked.schedule(), book, status, now);
    }
    boolean written = book.write(now);
    book.prune(retraining.getSpec().getHistoryLimit(), candidateRun(status));

    boolean stalled =
        status.getConsecutiveFailures() != null
            && status.getConsecutiveFailures()
                >= retraining.getSpec().getGuards().getMaxConsecutiveFailures();
    status.setObservedGeneration(generation);
    status.setConditions(
        RetrainingConditions.retraining(
            status.getConditions(),
            generation,
            checked.reason(),
            checked.problem(),
            stalled,
            stalled
                ? Guards.CONSECUTIVE_FAILURES
                    + ": "
                    + status.getConsecutiveFailures()
                    + " runs failed in a row; change the spec or set the annotation "
                    + RunNames.RESET_FAILURES
                    + " to a new value to start runs again"
                : null,
            now));
    recordStalled(retraining, before, stalled, status);
    recordInvalid(retraining, before, checked);
    metrics.consecutiveFailures(
        retraining, Objects.requireNonNullElse(status.getConsecutiveFailures(), 0));

    Duration later = written ? nextLook(retraining, book, status, now) : Duration.ofSeconds(1);
    if (same(client, before, status)) {
      return UpdateControl.<ModelRetraining>noUpdate().rescheduleAfter(later);
    }
    return StatusWrite.write(context, retraining, status, later);
  }

  /** Moves the active run one step, and records what the step did. */
  private void advance(
      ModelRetraining retraining,
      ModelDeployment md,
      RunBook book,
      RetrainingRun run,
      ModelRetrainingStatus status,
      KubernetesClient client,
      Instant now) {
    RetrainingRunStatus runStatus = book.status(run);
    // Status keeps the uri without credentials: the spec's file, when it is the one serving,
    // carries the full uri and the credentials' Secret the base model is fetched with.
    ModelVersion specModel = ModelVersion.of(md.getSpec().getModel());
    ModelVersion serving =
        Optional.ofNullable(
                ModelVersion.of(md.getStatus() == null ? null : md.getStatus().getStable()))
            .filter(stable -> !stable.equals(specModel))
            .orElse(specModel);
    RunContext context = new RunContext(retraining, run, runStatus.getNumber(), md, serving);
    if (runStatus.getBest() != null) {
      context = context.withTrial(runStatus.getBest().getTrial());
    }
    List<RetrainingRunStatus> earlier =
        book.runs().stream()
            .map(book::status)
            .filter(other -> other.getNumber() < runStatus.getNumber())
            .toList();
    BestTrial bestBefore = runStatus.getBest();
    RunProgress.Step step =
        new RunProgress(client, config, metrics).advance(context, runStatus, earlier, now);
    TrialReport.record(events, metrics, retraining, run, bestBefore, runStatus, step);
    String name = run.getMetadata().getName();
    switch (step) {
      case STARTED -> {
        status.setLastRun(name);
        status.setLastRunTime(now.toString());
        List<Instant> recent = new ArrayList<>(RunStarter.times(status.getRecentRunTimes()));
        recent.add(now);
        status.setRecentRunTimes(
            Guards.recent(recent, now).stream().map(Instant::toString).toList());
        status.setLabelledRowsAtLastRun(status.getLabelledRows());
        metrics.started(runStatus.getTrigger().name());
        events.record(
            run, EventReason.RUN_STARTED, "Run " + name + " started: " + runStatus.getMessage());
        events.record(
            retraining,
            EventReason.RUN_STARTED,
            "Run " + name + " started (" + runStatus.getTrigger() + ")");
      }
      case FAILED -> {
        metrics.reached(RunPhase.Failed);
        finished(runStatus, now);
        events.record(run, EventReason.RUN_FAILED, runStatus.getMessage());
        events.record(
            retraining,
            EventReason.RUN_FAILED,
            "Run " + name + " failed: " + runStatus.getMessage());
      }
      case NOT_BLESSED -> {
        metrics.reached(RunPhase.NotBlessed);
        finished(runStatus, now);
        events.record(run, EventReason.NOT_BLESSED, runStatus.getMessage());
        events.record(
            retraining, EventReason.NOT_BLESSED, "Run " + name + " " + runStatus.getMessage());
      }
      case BLESSED -> {
        metrics.reached(RunPhase.RollingOut);
        finished(runStatus, now);
        events.record(run, EventReason.BLESSED, runStatus.getMessage());
        events.record(
            retraining, EventReason.BLESSED, "Run " + name + " " + runStatus.getMessage());
      }
      default -> {}
    }
  }

  private void finished(RetrainingRunStatus run, Instant now) {
    if (run.getStartTime() != null) {
      metrics.finished(Duration.between(Instant.parse(run.getStartTime()), now));
    }
    if (run.getRows() != null && run.getRows().getTraining() != null) {
      metrics.trainedOn(run.getRows().getTraining());
    }
  }

  /** A spec change, or a new value of the reset annotation, forgets the failures so far. */
  private static void resetFailures(
      ModelRetraining retraining, ModelRetrainingStatus status, long generation) {
    String reset =
        retraining.getMetadata().getAnnotations() == null
            ? null
            : retraining.getMetadata().getAnnotations().get(RunNames.RESET_FAILURES);
    boolean specChanged =
        status.getObservedGeneration() != null && status.getObservedGeneration() != generation;
    if (specChanged || (reset != null && !reset.equals(status.getFailuresReset()))) {
      status.setConsecutiveFailures(0);
    }
    status.setFailuresReset(reset);
  }

  /** Each run that is over its training and evaluation counts once, in number order. */
  private static void countFailures(
      ModelRetraining retraining, RunBook book, ModelRetrainingStatus status) {
    long counted = Objects.requireNonNullElse(status.getLastCountedRun(), 0L);
    int failures = Objects.requireNonNullElse(status.getConsecutiveFailures(), 0);
    for (RetrainingRun run : book.runs()) {
      RetrainingRunStatus runStatus = book.status(run);
      if (runStatus.getNumber() <= counted) {
        continue;
      }
      if (runStatus.getPhase().inFlight()) {
        break;
      }
      boolean failed =
          runStatus.getPhase() == RunPhase.Failed
              && !Objects.requireNonNullElse(runStatus.getMessage(), "")
                  .startsWith(RunProgress.NOT_ENOUGH_ROWS);
      failures = failed ? failures + 1 : 0;
      counted = runStatus.getNumber();
    }
    status.setConsecutiveFailures(failures);
    status.setLastCountedRun(counted);
  }

  private void followCandidate(
      ModelRetraining retraining,
      ModelDeployment md,
      RunBook book,
      ModelRetrainingStatus status,
      Instant now) {
    String approve =
        retraining.getMetadata().getAnnotations() == null
            ? null
            : retraining.getMetadata().getAnnotations().get(RunNames.APPROVE);
    HandOff.Result result =
        HandOff.decide(
            book.runs(),
            book.statuses(),
            md,
            retraining.getSpec().getRollout(),
            approve,
            status.getRejectedVersions(),
            now);
    for (HandOff.Ending ending : result.endings()) {
      RetrainingRunStatus run = book.statuses().get(ending.run());
      run.setPhase(ending.phase());
      run.setCanary(ending.canary());
      run.setCompletionTime(now.toString());
      run.setMessage(ending.phase() + ": " + ending.canary());
      metrics.reached(ending.phase());
      EventReason reason =
          switch (ending.phase()) {
            case Promoted -> EventReason.CANDIDATE_PROMOTED;
            case RolledBack -> EventReason.CANDIDATE_ROLLED_BACK;
            default -> EventReason.CANDIDATE_SUPERSEDED;
          };
      events.record(
          retraining,
          reason,
          "Version " + run.getVersion() + " of run " + ending.run() + ": " + ending.canary());
    }
    result.canary().forEach((run, text) -> book.statuses().get(run).setCanary(text));
    boolean wasApproved =
        status.getCandidate() != null && Boolean.TRUE.equals(status.getCandidate().getApproved());
    status.setCandidate(result.candidate());
    status.setRejectedVersions(result.rejectedVersions());
    if (result.candidate() != null && result.candidate().getApproved() && !wasApproved) {
      events.record(
          retraining,
          EventReason.CANDIDATE_APPROVED,
          "Version "
              + result.candidate().getVersion()
              + " of run "
              + result.candidate().getRun()
              + " is offered to ModelDeployment "
              + retraining.getSpec().getModelDeploymentRef().getName());
    }
  }

  private void recordStalled(
      ModelRetraining retraining,
      ModelRetrainingStatus before,
      boolean stalled,
      ModelRetrainingStatus status) {
    Condition was = before == null ? null : find(before.getConditions(), Conditions.STALLED);
    if (stalled && (was == null || !"True".equals(was.getStatus()))) {
      events.record(
          retraining,
          EventReason.RETRAINING_STALLED,
          find(status.getConditions(), Conditions.STALLED).getMessage());
    }
  }

  /** A Warning Event when the spec turns invalid, or its problem changes; not at every look. */
  private void recordInvalid(
      ModelRetraining retraining,
      ModelRetrainingStatus before,
      RetrainingValidation.Result checked) {
    Condition was = before == null ? null : find(before.getConditions(), Conditions.READY);
    if (Conditions.REASON_INVALID_SPEC.equals(checked.reason())
        && (was == null || !checked.problem().equals(was.getMessage()))) {
      events.record(retraining, EventReason.INVALID_SPEC, checked.problem());
    }
  }

  private static Condition find(List<Condition> conditions, String type) {
    return conditions == null
        ? null
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  private static String candidateRun(ModelRetrainingStatus status) {
    return status.getCandidate() == null ? null : status.getCandidate().getRun();
  }

  private Duration nextLook(
      ModelRetraining retraining, RunBook book, ModelRetrainingStatus status, Instant now) {
    Duration look = config.reconcileInterval();
    if (retraining.getSpec().getTriggers().getNewLabelledRows() != null
        && config.labelledRowsInterval().compareTo(look) < 0) {
      look = config.labelledRowsInterval();
    }
    RetrainingRun active = book.active();
    if (active != null) {
      RunPhase phase = book.status(active).getPhase();
      if (phase == RunPhase.Pending) {
        return Duration.ofSeconds(1);
      }
      return phase == RunPhase.Training && retraining.getSpec().getTuning() != null
          ? TrialReport.WHILE_TUNING
          : WHILE_RUNNING;
    }
    if (status.getNextScheduleTime() != null) {
      Duration untilSchedule = Duration.between(now, Instant.parse(status.getNextScheduleTime()));
      if (untilSchedule.compareTo(look) < 0) {
        return untilSchedule.isNegative() ? Duration.ofSeconds(1) : untilSchedule.plusSeconds(1);
      }
    }
    return look;
  }

  private static boolean same(
      KubernetesClient client, ModelRetrainingStatus before, ModelRetrainingStatus after) {
    var json = client.getKubernetesSerialization();
    return before != null
        && json.convertValue(before, JsonNode.class)
            .equals(json.convertValue(after, JsonNode.class));
  }
}

package io.modelkeeper.operator.retraining;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.modelkeeper.api.v1alpha1.Conditions;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelRetraining;
import io.modelkeeper.api.v1alpha1.ModelRetrainingStatus;
import io.modelkeeper.api.v1alpha1.RetrainingRun;
import io.modelkeeper.api.v1alpha1.SkippedTrigger;
import io.modelkeeper.operator.status.StatusAggregator;
import io.modelkeeper.operator.telemetry.EventReason;
import io.modelkeeper.operator.telemetry.EventRecorder;
import io.modelkeeper.operator.telemetry.RetrainingMetrics;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Starts a run when a trigger asks and no guard holds it, or records which guard held it: reads the
 * labelled-row count when a trigger needs it, asks {@link Triggers} and {@link Guards}, and makes
 * the run.
 */
final class RunStarter {

  private final EventRecorder events;
  private final RetrainingMetrics metrics;
  private final LabelledRows labelledRows;

  /** How often the pods' labelled-row counters are read (modelkeeper.labelled-rows-interval). */
  private final java.time.Duration rowsEvery;

  private final java.util.Map<String, Instant> rowsReadAt =
      new java.util.concurrent.ConcurrentHashMap<>();

  RunStarter(
      EventRecorder events,
      RetrainingMetrics metrics,
      LabelledRows labelledRows,
      java.time.Duration rowsEvery) {
    this.events = events;
    this.rowsEvery = rowsEvery;
    this.metrics = metrics;
    this.labelledRows = labelledRows;
  }

  /** Starts a run when a trigger asks and no guard holds it; says which guard did otherwise. */
  public void start(
      ModelRetraining retraining,
      ModelDeployment md,
      CronSchedule schedule,
      RunBook book,
      ModelRetrainingStatus status,
      Instant now) {
    var spec = retraining.getSpec();
    if (spec.getTriggers().getNewLabelledRows() != null) {
      String key =
          retraining.getMetadata().getNamespace() + "/" + retraining.getMetadata().getName();
      Instant last = rowsReadAt.get(key);
      // Read at most every rowsEvery: a count that changes with every captured row would
      // otherwise rewrite the status, and so wake this controller, at every look.
      if (last == null || !now.isBefore(last.plus(rowsEvery))) {
        OptionalLong rows = labelledRows.count(md);
        status.setLabelledRows(rows.isPresent() ? rows.getAsLong() : null);
        rowsReadAt.put(key, now);
      }
    }
    Instant scheduleFrom =
        status.getLastScheduleTime() != null
            ? Instant.parse(status.getLastScheduleTime())
            : Instant.parse(retraining.getMetadata().getCreationTimestamp());
    Triggers.Decision decision =
        Triggers.decide(
            new Triggers.Observed(
                spec.getTriggers(),
                schedule,
                scheduleFrom,
                StatusAggregator.find(md.getStatus(), Conditions.DEGRADED),
                status.getLabelledRows(),
                status.getLabelledRowsAtLastRun()),
            now);
    status.setNextScheduleTime(
        decision.nextSchedule() == null ? null : decision.nextSchedule().toString());
    if (decision.scheduleTick() != null) {
      status.setLastScheduleTime(decision.scheduleTick().toString());
    }
    if (decision.trigger().isEmpty()) {
      return;
    }
    Triggers.Trigger trigger = decision.trigger().get();
    RetrainingRun inFlight =
        book.runs().stream()
            .filter(r -> book.status(r).getPhase().inFlight())
            .findFirst()
            .orElse(null);
    Optional<Guards.Hold> hold =
        Guards.check(
            spec.getGuards(),
            new Guards.State(
                Objects.requireNonNullElse(status.getConsecutiveFailures(), 0),
                inFlight == null ? null : inFlight.getMetadata().getName(),
                rollingOut(md, status),
                status.getLastRunTime() == null ? null : Instant.parse(status.getLastRunTime()),
                times(status.getRecentRunTimes())),
            now);
    if (hold.isPresent()) {
      held(retraining, status, trigger, hold.get(), now);
      return;
    }
    long number = status.getLastRunNumber() + 1;
    try {
      book.create(number, trigger.kind(), trigger.reason(), now);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      // A run of that name exists (made by hand, say): the next number is free.
    }
    status.setLastRunNumber(number);
    status.setLastSkipped(null);
    events.record(
        retraining,
        EventReason.RUN_CREATED,
        "Run " + RunNames.run(retraining, number) + " created: " + trigger.reason());
  }

  private void held(
      ModelRetraining retraining,
      ModelRetrainingStatus status,
      Triggers.Trigger trigger,
      Guards.Hold hold,
      Instant now) {
    SkippedTrigger previous = status.getLastSkipped();
    boolean same =
        previous != null
            && previous.getTrigger() == trigger.kind()
            && hold.guard().equals(previous.getGuard());
    if (same) {
      return;
    }
    SkippedTrigger skipped = new SkippedTrigger();
    skipped.setTrigger(trigger.kind());
    skipped.setGuard(hold.guard());
    skipped.setMessage(hold.message());
    skipped.setAt(now.toString());
    status.setLastSkipped(skipped);
    metrics.held(trigger.kind().name(), hold.guard());
    events.record(
        retraining,
        EventReason.RUN_HELD,
        "Trigger " + trigger.kind() + " started no run: " + hold.guard() + ": " + hold.message());
  }

  /** What of the model is being rolled out: its canary, or a candidate offered and not served. */
  private static String rollingOut(ModelDeployment md, ModelRetrainingStatus status) {
    if (md.getStatus() != null && md.getStatus().getCanary() != null) {
      return "the canary of version " + md.getStatus().getCanary().getVersion();
    }
    if (status.getCandidate() != null && Boolean.TRUE.equals(status.getCandidate().getApproved())) {
      return "candidate " + status.getCandidate().getVersion();
    }
    return null;
  }

  static List<Instant> times(List<String> texts) {
    return texts == null ? List.of() : texts.stream().map(Instant::parse).toList();
  }
}

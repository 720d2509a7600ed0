package io.modelkeeper.operator.rollout;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelkeeper.api.v1alpha1.AnalysisStatus;
import io.modelkeeper.api.v1alpha1.ArmStatus;
import io.modelkeeper.api.v1alpha1.CanaryStatus;
import io.modelkeeper.api.v1alpha1.HistoryEntry;
import io.modelkeeper.api.v1alpha1.ManualAction;
import io.modelkeeper.api.v1alpha1.MetricsStatus;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelDeploymentStatus;
import io.modelkeeper.api.v1alpha1.RolloutResult;
import io.modelkeeper.operator.metricsource.ArmFigures;
import io.modelkeeper.operator.metricsource.ArmMetrics;
import io.modelkeeper.operator.metricsource.LiveImportance;
import io.modelkeeper.operator.observe.ObservedWorkloads;
import io.modelkeeper.operator.observe.WorkloadProblem;
import io.modelkeeper.operator.rollout.RolloutPlan.Workload;
import io.modelkeeper.operator.rollout.analysis.ArmEvidence;
import io.modelkeeper.operator.rollout.analysis.CanaryJudge;
import io.modelkeeper.operator.rollout.analysis.Decision;
import io.modelkeeper.operator.rollout.analysis.Evidence;
import io.modelkeeper.operator.rollout.analysis.Verdict;
import io.modelkeeper.operator.routing.Routers;
import io.modelkeeper.operator.validation.CheckedSpec;
import io.modelkeeper.operator.workload.Arm;
import io.modelkeeper.operator.workload.ModelVersion;
import io.modelkeeper.operator.workload.Redaction;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Moves a canary one reconcile forward: starts it, checks it every analysis interval, advances,
 * promotes or rolls it back, and honours the manual annotations. Everything it knows comes from
 * status and what is observed now, so a restarted operator carries on at the same step.
 *
 * <p>Rules: the stable version keeps its full size until a promotion; a rolled-back file (version,
 * uri and sha256) is not tried again until spec.model changes; a new file arriving during a canary
 * replaces the canary, which is recorded as rolled back ("superseded"). A new uri or sha256 under
 * the serving version string is a canary like a new version: each file is its own revision.
 */
public final class CanaryRollout {

  /** Reads what one revision's pods did since the last read. */
  public interface ArmReader {
    ArmMetrics read(ModelVersion model);
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private CanaryRollout() {}

  /**
   * The plan when a version serves and the spec asks for a different file (version, uri or sha256).
   */
  public static RolloutPlan plan(
      ModelDeployment md,
      CheckedSpec spec,
      ModelVersion serving,
      ObservedWorkloads observed,
      ArmReader metrics,
      Function<ModelVersion, WorkloadProblem> diagnose,
      Instant now) {
    ModelDeploymentStatus previous =
        md.getStatus() != null ? md.getStatus() : new ModelDeploymentStatus();
    ModelVersion wanted = spec.model();
    int replicas = spec.replicas();
    List<HistoryEntry> outcomes = new ArrayList<>();
    List<ManualAction> seen =
        new ArrayList<>(ManualControl.stillPresent(md, previous.getManualActions()));

    ArmStatus rejected = previous.getRejected();
    if (rejected != null && wanted.equals(ModelVersion.of(rejected))) {
      seen.addAll(ignoredAnnotations(md, seen, now));
      return RolloutPlan.keep(
          serving, replicas, RolloutState.stillRejected(rejected, outcomes, seen));
    }

    // A copy: the status read from the cluster must stay as it was, to compare against.
    CanaryStatus canary =
        previous.getCanary() == null
            ? null
            : JSON.convertValue(previous.getCanary(), CanaryStatus.class);
    if (canary != null && !wanted.equals(ModelVersion.of(canary))) {
      outcomes.add(
          entry(
              ModelVersion.of(canary),
              RolloutResult.RolledBack,
              "superseded by version " + wanted.describe() + " before its rollout finished",
              now));
      canary = null;
    }
    if (canary == null) {
      canary = start(spec.rollout(), wanted, now);
    }

    Optional<ManualControl.Request> request = ManualControl.pending(md, seen);
    Verdict verdict = null;
    if (request.isPresent()) {
      seen.add(
          new ManualAction(
              request.get().annotation(), request.get().value(), canary.getVersion(), stamp(now)));
      verdict = manual(request.get());
    } else if (!promoting(canary) && due(spec.rollout(), canary, now)) {
      verdict = check(spec, serving, canary, observed, metrics, diagnose, now);
    } else if (!promoting(canary) && pauseChanged(spec.rollout(), canary)) {
      // Told at once rather than at the next check, which may be an interval away.
      notePause(spec.rollout(), canary);
    }
    if (verdict != null) {
      canary = record(canary, verdict, now);
    }
    canary.setPaused(!promoting(canary) && spec.rollout().paused() ? true : null);
    applyStepWeight(spec.rollout(), canary);

    if (verdict != null && verdict.decision() == Decision.RollBack) {
      outcomes.add(entry(ModelVersion.of(canary), verdict.result(), verdict.reason(), now));
      return RolloutPlan.keep(
          serving,
          replicas,
          RolloutState.rolledBack(arm(canary), outcomes, seen, verdict, canary.getAnalysis()));
    }
    if (promoting(canary) && observed.isReady(wanted, replicas)) {
      outcomes.add(
          entry(
              wanted,
              RolloutResult.Promoted,
              canary.getAnalysis().getReason() + "; replaced version " + serving.describe(),
              now));
      return RolloutPlan.promote(
          wanted, replicas, RolloutState.promoted(outcomes, seen, verdict, canary.getAnalysis()));
    }
    return RolloutPlan.canary(
        serving,
        wanted,
        workloads(spec, serving, wanted, canary, observed),
        RolloutState.running(
            canary, outcomes, seen, verdict, verdict == null ? null : canary.getAnalysis()));
  }

  /**
   * The record when no canary is involved (the first version, or the serving file itself). A canary
   * still in status ends here: the spec went back to the serving file.
   */
  public static RolloutState withoutCanary(ModelDeployment md, ModelVersion serving, Instant now) {
    ModelDeploymentStatus previous = md.getStatus();
    List<HistoryEntry> outcomes = new ArrayList<>();
    List<ManualAction> seen = new ArrayList<>();
    if (previous != null) {
      seen.addAll(ManualControl.stillPresent(md, previous.getManualActions()));
      ModelVersion canary = ModelVersion.of(previous.getCanary());
      if (canary != null && serving != null) {
        outcomes.add(
            entry(
                canary,
                RolloutResult.RolledBack,
                "spec.model went back to the serving version " + serving.describe(),
                now));
      }
    }
    seen.addAll(ignoredAnnotations(md, seen, now));
    return RolloutState.noCanary(outcomes, seen);
  }

  /** The Deployments while a canary runs: stable at full size, the canary sized for its step. */
  static List<Workload> workloads(
      CheckedSpec spec,
      ModelVersion serving,
      ModelVersion wanted,
      CanaryStatus canary,
      ObservedWorkloads observed) {
    int replicas = spec.replicas();
    CheckedSpec.Rollout rollout = spec.rollout();
    int budget = GpuBudget.pods(spec.gpus(), rollout.maxExtraGpus());
    if (promoting(canary)) {
      // Each ready canary pod lets one stable pod go, and the canary grows only as far as the
      // GPU budget allows on top of what still runs: capacity and budget both hold.
      int canaryReady = Math.min(replicas, observed.readyReplicas(wanted));
      int canaryPods = (int) Math.min(replicas, (long) canaryReady + budget);
      return List.of(
          new Workload(serving, Arm.STABLE, replicas - canaryReady),
          new Workload(wanted, Arm.CANARY, canaryPods));
    }
    int canaryPods =
        Routers.of(rollout.traffic())
            .canaryReplicas(
                replicas, Objects.requireNonNullElse(canary.getRequestedWeight(), 0), budget);
    return List.of(
        new Workload(serving, Arm.STABLE, replicas), new Workload(wanted, Arm.CANARY, canaryPods));
  }

  /** True once the canary was judged good (or promoted by hand) and is taking over. */
  public static boolean promoting(CanaryStatus canary) {
    return canary != null
        && canary.getAnalysis() != null
        && Decision.Promote.name().equals(canary.getAnalysis().getDecision());
  }

  private static CanaryStatus start(CheckedSpec.Rollout rollout, ModelVersion wanted, Instant now) {
    CanaryStatus canary = wanted.stamp(new CanaryStatus());
    canary.setStep(0);
    canary.setStartedAt(stamp(now));
    canary.setStepStartedAt(stamp(now));
    var steps = rollout.steps();
    canary.setRequestedWeight(steps.isEmpty() ? 100 : steps.get(0).weight());
    AnalysisStatus analysis = new AnalysisStatus();
    analysis.setDecision(steps.isEmpty() ? Decision.Promote.name() : Decision.Wait.name());
    analysis.setReason(
        steps.isEmpty()
            ? "no rollout.steps: the new version replaces the old one once ready"
            : "canary started; first check after " + rollout.analysis().getInterval());
    analysis.setFailedChecks(0);
    canary.setAnalysis(analysis);
    return canary;
  }

  private static boolean due(CheckedSpec.Rollout rollout, CanaryStatus canary, Instant now) {
    String checkedAt = canary.getAnalysis() == null ? null : canary.getAnalysis().getCheckedAt();
    return checkedAt == null
        || !now.isBefore(Instant.parse(checkedAt).plus(rollout.analysisInterval()));
  }

  private static Verdict check(
      CheckedSpec spec,
      ModelVersion serving,
      CanaryStatus canary,
      ObservedWorkloads observed,
      ArmReader metrics,
      Function<ModelVersion, WorkloadProblem> diagnose,
      Instant now) {
    AnalysisStatus before = canary.getAnalysis();
    ArmEvidence stable =
        ArmEvidence.accumulate(
            before.getStable(), before.getStableStepRequests(), metrics.read(serving));
    ArmEvidence canaryArm =
        ArmEvidence.accumulate(
            before.getCanary(),
            before.getCanaryStepRequests(),
            metrics.read(ModelVersion.of(canary)));
    WorkloadProblem problem = diagnose.apply(ModelVersion.of(canary));
    int wantedPods =
        workloads(spec, serving, ModelVersion.of(canary), canary, observed).get(1).replicas();
    boolean ready = observed.isReady(ModelVersion.of(canary), wantedPods);
    Verdict verdict =
        CanaryJudge.judge(
            spec.rollout(),
            canary,
            new Evidence(stable, canaryArm, problem == null ? null : problem.message(), ready),
            now);
    AnalysisStatus next = new AnalysisStatus();
    next.setStable(figures(stable, now));
    next.setCanary(figures(canaryArm, now));
    next.setImportanceChanges(
        LiveImportance.changes(stable.interval().importance(), canaryArm.interval().importance()));
    next.setStableStepRequests(stable.stepRequests());
    next.setCanaryStepRequests(canaryArm.stepRequests());
    canary.setAnalysis(next);
    return verdict;
  }

  private static Verdict manual(ManualControl.Request request) {
    if (ManualControl.ABORT.equals(request.annotation())) {
      return new Verdict(
          Decision.RollBack,
          "aborted by annotation " + ManualControl.ABORT + ": " + request.value(),
          0,
          RolloutResult.RolledBack);
    }
    if (ManualControl.PROMOTE_NOW.equals(request.value())) {
      return new Verdict(
          Decision.Promote, "promoted by annotation " + ManualControl.PROMOTE + ": now", 0, null);
    }
    return new Verdict(
        Decision.Wait,
        "annotation "
            + ManualControl.PROMOTE
            + " has value '"
            + request.value()
            + "'; only \"now\" promotes, so it was ignored",
        0,
        null);
  }

  /** The canary after a verdict: the step moves on Advance, the analysis records the decision. */
  private static CanaryStatus record(CanaryStatus canary, Verdict verdict, Instant now) {
    AnalysisStatus analysis =
        canary.getAnalysis() != null ? canary.getAnalysis() : new AnalysisStatus();
    analysis.setDecision(verdict.decision().name());
    analysis.setReason(verdict.reason());
    analysis.setFailedChecks(verdict.failedChecks());
    analysis.setCheckedAt(stamp(now));
    canary.setAnalysis(analysis);
    if (verdict.decision() == Decision.Advance) {
      canary.setStep(canary.getStep() + 1);
      canary.setStepStartedAt(stamp(now));
      analysis.setStableStepRequests(0L);
      analysis.setCanaryStepRequests(0L);
    }
    if (verdict.decision() == Decision.Promote) {
      canary.setRequestedWeight(100);
    }
    return canary;
  }

  private static boolean pauseChanged(CheckedSpec.Rollout rollout, CanaryStatus canary) {
    return rollout.paused() != Boolean.TRUE.equals(canary.getPaused());
  }

  /**
   * Records that spec.rollout.paused changed, without a check: the failed-check count and the time
   * of the last check stay, so the next check comes when it was due.
   */
  private static void notePause(CheckedSpec.Rollout rollout, CanaryStatus canary) {
    AnalysisStatus analysis =
        canary.getAnalysis() != null ? canary.getAnalysis() : new AnalysisStatus();
    String step = "step " + (Objects.requireNonNullElse(canary.getStep(), 0) + 1);
    String next =
        analysis.getCheckedAt() == null
            ? "the next check"
            : "the check due at "
                + Instant.parse(analysis.getCheckedAt()).plus(rollout.analysisInterval());
    analysis.setDecision(Decision.Wait.name());
    analysis.setReason(
        rollout.paused()
            ? "paused by spec.rollout.paused at " + step + "; checks keep running"
            : "resumed at " + step + " (spec.rollout.paused is off); " + next + " may advance it");
    canary.setAnalysis(analysis);
  }

  private static void applyStepWeight(CheckedSpec.Rollout rollout, CanaryStatus canary) {
    var steps = rollout.steps();
    if (!promoting(canary) && !steps.isEmpty()) {
      canary.setRequestedWeight(steps.get(Math.min(canary.getStep(), steps.size() - 1)).weight());
    }
  }

  private static List<ManualAction> ignoredAnnotations(
      ModelDeployment md, List<ManualAction> seen, Instant now) {
    List<ManualAction> ignored = new ArrayList<>();
    ManualControl.pending(md, seen)
        .ifPresent(
            request ->
                ignored.add(
                    new ManualAction(request.annotation(), request.value(), null, stamp(now))));
    return ignored;
  }

  private static ArmStatus arm(CanaryStatus canary) {
    return ModelVersion.of(canary).stamp(new ArmStatus());
  }

  /** Counts since the canary started, latency of the last interval, quality of the window. */
  private static MetricsStatus figures(ArmEvidence evidence, Instant now) {
    MetricsStatus status = ArmFigures.of(evidence.interval(), now);
    status.setRequests(evidence.requests());
    status.setErrors(evidence.errors());
    status.setErrorRate(ArmFigures.finite(evidence.errorRate()));
    return status;
  }

  private static String stamp(Instant now) {
    return now.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  static HistoryEntry entry(ModelVersion model, RolloutResult result, String reason, Instant now) {
    HistoryEntry entry = new HistoryEntry();
    entry.setVersion(model.version());
    // History is only read by people; the revision tells files apart without the credentials.
    entry.setUri(Redaction.uri(model.uri()));
    entry.setRevision(model.revision());
    entry.setResult(result);
    entry.setAt(stamp(now));
    entry.setReason(reason);
    return entry;
  }
}

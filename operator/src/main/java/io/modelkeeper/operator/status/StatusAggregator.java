package io.modelkeeper.operator.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.modelkeeper.api.v1alpha1.ArmStatus;
import io.modelkeeper.api.v1alpha1.CanaryStatus;
import io.modelkeeper.api.v1alpha1.Conditions;
import io.modelkeeper.api.v1alpha1.HistoryEntry;
import io.modelkeeper.api.v1alpha1.MetricsStatus;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelDeploymentStatus;
import io.modelkeeper.api.v1alpha1.Phase;
import io.modelkeeper.api.v1alpha1.RolloutResult;
import io.modelkeeper.operator.monitoring.SloCheck;
import io.modelkeeper.operator.observe.ObservedWorkloads;
import io.modelkeeper.operator.observe.WorkloadProblem;
import io.modelkeeper.operator.rollout.CanaryRollout;
import io.modelkeeper.operator.rollout.RolloutPlan;
import io.modelkeeper.operator.rollout.RolloutState;
import io.modelkeeper.operator.validation.CheckedSpec;
import io.modelkeeper.operator.validation.UnknownSpecFields;
import io.modelkeeper.operator.workload.ModelVersion;
import io.modelkeeper.operator.workload.WorkloadLabels;
import io.modelkeeper.operator.workload.WorkloadNames;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds the whole status of a ModelDeployment from what was observed and planned: phase, the
 * serving and incoming versions, conditions and history. The one place status is decided.
 */
public final class StatusAggregator {

  static final int HISTORY_LIMIT = 20;

  /** Degraded reasons that only a change of the spec (or of what it names) can clear. */
  private static final java.util.Set<String> STALLING =
      java.util.Set.of(
          Conditions.REASON_INVALID_SPEC,
          Conditions.REASON_MODEL_FETCH_FAILED,
          Conditions.REASON_IMAGE_PULL_FAILED,
          Conditions.REASON_CRASH_LOOPING,
          Conditions.REASON_GPU_UNSCHEDULABLE,
          Conditions.REASON_UNSCHEDULABLE,
          Conditions.REASON_CONTAINER_CONFIG_ERROR,
          Conditions.REASON_VOLUME_MOUNT_FAILED,
          Conditions.REASON_HTTP_ROUTE_NOT_FOUND,
          Conditions.REASON_HTTP_ROUTE_WITHOUT_MODEL,
          Conditions.REASON_HTTP_ROUTE_OF_ANOTHER_OWNER);

  private static final ObjectMapper COPY = new ObjectMapper();
  private static final DateTimeFormatter RFC3339 =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  private StatusAggregator() {}

  /**
   * What one reconcile saw, beyond the ModelDeployment itself; {@code metrics} are the serving
   * version's figures read this time, null when none were due (the previous ones stay); {@code
   * routingProblem} is why the gateway-api router could not weight the HTTPRoute, or null.
   */
  public record Findings(
      CheckedSpec spec,
      RolloutPlan plan,
      ObservedWorkloads observed,
      WorkloadProblem stableProblem,
      WorkloadProblem incomingProblem,
      MetricsStatus metrics,
      WorkloadProblem routingProblem) {

    /** What a reconcile of a valid spec found and planned. */
    public static Findings of(
        CheckedSpec spec,
        RolloutPlan plan,
        ObservedWorkloads observed,
        WorkloadProblem stableProblem,
        WorkloadProblem incomingProblem,
        MetricsStatus metrics,
        WorkloadProblem routingProblem) {
      return new Findings(
          spec, plan, observed, stableProblem, incomingProblem, metrics, routingProblem);
    }

    /** A spec that failed validation: nothing was applied, and {@code problem} says why. */
    public static Findings invalidSpec(
        RolloutPlan hold,
        ObservedWorkloads observed,
        WorkloadProblem stableProblem,
        WorkloadProblem problem) {
      return new Findings(null, hold, observed, stableProblem, problem, null, null);
    }
  }

  /** The status that tells what runs now; previous conditions keep their transition times. */
  public static ModelDeploymentStatus build(ModelDeployment md, Findings findings, Instant now) {
    ModelDeploymentStatus previous =
        md.getStatus() != null ? md.getStatus() : new ModelDeploymentStatus();
    RolloutPlan plan = findings.plan();
    int wanted =
        Math.max(0, Objects.requireNonNullElse(md.getSpec().getServing().getReplicas(), 0));
    long generation = Objects.requireNonNullElse(md.getMetadata().getGeneration(), 0L);

    ModelDeploymentStatus status = new ModelDeploymentStatus();
    status.setObservedGeneration(generation);
    status.setEndpoint(WorkloadNames.endpoint(md));
    status.setStable(arm(md, plan.stable(), wanted, findings.observed()));
    List<String> unknown = UnknownSpecFields.of(md.getSpec());
    status.setUnknownFields(unknown.isEmpty() ? null : unknown);
    status.setReplicas(
        plan.stable() == null ? 0 : findings.observed().readyReplicas(plan.stable()));
    status.setSelector(WorkloadLabels.selectorText(WorkloadLabels.modelSelector(md)));
    RolloutState rollout = plan.rollout();
    status.setCanary(
        rollout != null ? CanaryReport.of(md, plan, findings.observed()) : previous.getCanary());
    status.setRejected(rollout != null ? rollout.rejected() : previous.getRejected());
    status.setManualActions(
        rollout != null ? rollout.manualActions() : previous.getManualActions());
    status.setMetrics(findings.metrics() != null ? findings.metrics() : previous.getMetrics());
    status.setHistory(history(previous, plan));
    status.setLastDecision(
        DecisionSummary.of(status.getCanary(), status.getHistory(), minRequests(md)));
    status.setDisplay(RoundedFigures.of(status.getMetrics()));

    Condition ready = ready(md, plan, wanted, findings);
    Condition progressing =
        status.getCanary() != null
            ? canaryProgress(status.getCanary(), plan)
            : status.getRejected() != null
                ? rejectedProgress(status)
                : progressing(plan, wanted, findings);
    Condition degraded = degraded(md, findings, previous, status, now);
    status.setConditions(
        List.of(
            keepTransitionTime(previous, ready, generation, now),
            keepTransitionTime(previous, progressing, generation, now),
            keepTransitionTime(previous, degraded, generation, now),
            keepTransitionTime(previous, reconciling(progressing), generation, now),
            keepTransitionTime(previous, stalled(progressing, degraded, status), generation, now)));
    boolean serving =
        plan.stable() != null
            && wanted > 0
            && findings.observed().readyReplicas(plan.stable()) >= wanted;
    status.setPhase(phase(serving, progressing, degraded, plan));
    if (status.getPhase() == Phase.Progressing && CanaryRollout.promoting(status.getCanary())) {
      status.setPhase(Phase.Promoting);
    } else if (status.getPhase() == Phase.Ready
        && status.getRejected() != null
        && findings.observed().deployment(ModelVersion.of(status.getRejected())) != null) {
      status.setPhase(Phase.RollingBack);
    }
    return status;
  }

  private static long minRequests(ModelDeployment md) {
    var rollout = md.getSpec().getRollout();
    return rollout == null || rollout.getAnalysis() == null
        ? 0
        : Objects.requireNonNullElse(rollout.getAnalysis().getMinRequests(), 0);
  }

  private static Condition canaryProgress(CanaryStatus canary, RolloutPlan plan) {
    String decision = canary.getAnalysis() == null ? "" : canary.getAnalysis().getDecision();
    String reason = canary.getAnalysis() == null ? "" : canary.getAnalysis().getReason();
    String where =
        CanaryRollout.promoting(canary)
            ? "is being promoted"
            : "is at step "
                + (canary.getStep() + 1)
                + " with "
                + canary.getWeight()
                + "% of traffic";
    return condition(
        Conditions.PROGRESSING,
        true,
        Conditions.REASON_ROLLING_OUT,
        "Canary version "
            + ModelVersion.of(canary).describe()
            + " "
            + where
            + " beside version "
            + plan.stable().describe()
            + "; last decision "
            + decision
            + ": "
            + reason);
  }

  /** kstatus reads Reconciling: the same story as Progressing. */
  private static Condition reconciling(Condition progressing) {
    return condition(
        Conditions.RECONCILING,
        "True".equals(progressing.getStatus()),
        progressing.getReason(),
        progressing.getMessage());
  }

  /**
   * kstatus reads Stalled: nothing will change until a person changes the spec. A rolled-back or
   * failed model stays so until spec.model changes; a workload problem names the field to fix.
   * Objectives crossed (accuracy, drift) are Degraded but not Stalled: the model serves, and
   * retraining or a new version is the way on.
   */
  private static Condition stalled(
      Condition progressing, Condition degraded, ModelDeploymentStatus status) {
    if (status.getRejected() != null && status.getCanary() == null) {
      return condition(Conditions.STALLED, true, progressing.getReason(), progressing.getMessage());
    }
    if ("True".equals(degraded.getStatus()) && STALLING.contains(degraded.getReason())) {
      return condition(Conditions.STALLED, true, degraded.getReason(), degraded.getMessage());
    }
    return condition(Conditions.STALLED, false, Conditions.REASON_HEALTHY, "Nothing is stuck");
  }

  private static Condition rejectedProgress(ModelDeploymentStatus status) {
    HistoryEntry last =
        status.getHistory().isEmpty()
            ? null
            : status.getHistory().get(status.getHistory().size() - 1);
    boolean failed = last != null && last.getResult() == RolloutResult.Failed;
    String why = last != null ? last.getReason() : "see status.history";
    return condition(
        Conditions.PROGRESSING,
        false,
        failed ? Conditions.REASON_ROLLOUT_FAILED : Conditions.REASON_ROLLED_BACK,
        "Version "
            + ModelVersion.of(status.getRejected()).describe()
            + (failed ? " failed its rollout: " : " was rolled back: ")
            + why
            + ". It is not tried again until spec.model changes.");
  }

  /**
   * The previous status with Degraded=True, reason ReconcileFailed: the operator could not do its
   * work (the API server refused a change, for one); everything else stays as last seen.
   */
  public static ModelDeploymentStatus withError(ModelDeployment md, String error, Instant now) {
    ModelDeploymentStatus previous =
        md.getStatus() != null ? md.getStatus() : new ModelDeploymentStatus();
    long generation = Objects.requireNonNullElse(md.getMetadata().getGeneration(), 0L);
    // Everything the operator remembers stays as it was (the rejected model, the annotations it
    // acted on, the canary and its analysis): only the Degraded condition tells of the error.
    ModelDeploymentStatus status = COPY.convertValue(previous, ModelDeploymentStatus.class);
    status.setPhase(previous.getPhase() != null ? previous.getPhase() : Phase.Pending);
    List<Condition> conditions = new ArrayList<>(status.getConditions());
    conditions.removeIf(c -> Conditions.DEGRADED.equals(c.getType()));
    conditions.add(
        keepTransitionTime(
            previous,
            condition(
                Conditions.DEGRADED,
                true,
                Conditions.REASON_RECONCILE_FAILED,
                "The operator could not apply the spec: "
                    + error
                    + ". It retries; check the operator's log and RBAC."),
            generation,
            now));
    status.setConditions(conditions);
    return status;
  }

  /** The condition of a type, or null. */
  public static Condition find(ModelDeploymentStatus status, String type) {
    if (status == null || status.getConditions() == null) {
      return null;
    }
    return status.getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElse(null);
  }

  private static Condition ready(
      ModelDeployment md, RolloutPlan plan, int wanted, Findings findings) {
    if (wanted == 0) {
      return condition(
          Conditions.READY,
          false,
          Conditions.REASON_SCALED_TO_ZERO,
          "spec.serving.replicas is 0, so no pod serves the model");
    }
    if (plan.stable() == null) {
      if (findings.incomingProblem() != null) {
        return condition(
            Conditions.READY,
            false,
            findings.incomingProblem().reason(),
            findings.incomingProblem().message());
      }
      String version = plan.incoming().version();
      return condition(
          Conditions.READY,
          false,
          Conditions.REASON_WAITING_FOR_PODS,
          "Version "
              + version
              + " has "
              + findings.observed().readyReplicas(plan.incoming())
              + "/"
              + wanted
              + " pods ready");
    }
    String version = plan.stable().version();
    int readyPods = findings.observed().readyReplicas(plan.stable());
    if (readyPods >= wanted && findings.incomingProblem() != null) {
      // The version the spec asks for cannot run: not Ready, though the last good one still serves.
      return condition(
          Conditions.READY,
          false,
          findings.incomingProblem().reason(),
          findings.incomingProblem().message()
              + " Version "
              + version
              + " keeps serving with "
              + readyPods
              + "/"
              + wanted
              + " pods.");
    }
    if (readyPods >= wanted) {
      return condition(
          Conditions.READY,
          true,
          Conditions.REASON_AVAILABLE,
          "Version "
              + version
              + " serves with "
              + readyPods
              + "/"
              + wanted
              + " pods at "
              + WorkloadNames.endpoint(md));
    }
    if (findings.stableProblem() != null) {
      return condition(
          Conditions.READY,
          false,
          findings.stableProblem().reason(),
          findings.stableProblem().message());
    }
    return condition(
        Conditions.READY,
        false,
        Conditions.REASON_WAITING_FOR_PODS,
        "Version " + version + " has " + readyPods + "/" + wanted + " pods ready");
  }

  private static Condition progressing(RolloutPlan plan, int wanted, Findings findings) {
    WorkloadProblem problem =
        findings.incomingProblem() != null ? findings.incomingProblem() : findings.stableProblem();
    if (problem != null) {
      return condition(Conditions.PROGRESSING, false, problem.reason(), problem.message());
    }
    ObservedWorkloads observed = findings.observed();
    if (plan.incoming() != null) {
      String version = plan.incoming().version();
      String beside = plan.stable() != null ? " beside version " + plan.stable().version() : "";
      return condition(
          Conditions.PROGRESSING,
          true,
          Conditions.REASON_ROLLING_OUT,
          "Version "
              + version
              + " is starting"
              + beside
              + ": "
              + observed.readyReplicas(plan.incoming())
              + "/"
              + wanted
              + " pods ready");
    }
    if (plan.stable() != null && !observed.isReady(plan.stable(), wanted)) {
      String version = plan.stable().version();
      return condition(
          Conditions.PROGRESSING,
          true,
          Conditions.REASON_ROLLING_OUT,
          "Version "
              + version
              + " is being updated: "
              + observed.readyReplicas(plan.stable())
              + "/"
              + wanted
              + " pods ready");
    }
    String version = plan.stable() != null ? plan.stable().version() : "none";
    return condition(
        Conditions.PROGRESSING,
        false,
        Conditions.REASON_UP_TO_DATE,
        "Version " + version + " runs as the spec asks");
  }

  /**
   * Also carries the SLO crossings forward into {@code status}, so their clocks survive restarts.
   */
  private static Condition degraded(
      ModelDeployment md,
      Findings findings,
      ModelDeploymentStatus previous,
      ModelDeploymentStatus status,
      Instant now) {
    WorkloadProblem problem =
        findings.stableProblem() != null ? findings.stableProblem() : findings.incomingProblem();
    problem = problem != null ? problem : findings.routingProblem();
    if (problem != null) {
      status.setSloCrossings(previous.getSloCrossings());
      return condition(Conditions.DEGRADED, true, problem.reason(), problem.message());
    }
    // A new serving version starts with clean clocks: the old one's crossings are not its own.
    boolean sameVersion =
        previous.getStable() != null
            && findings.plan().stable() != null
            && Objects.equals(
                previous.getStable().getVersion(), findings.plan().stable().version());
    CheckedSpec.Monitoring monitoring =
        findings.spec() == null ? null : findings.spec().monitoring();
    MetricsStatus metrics = status.getMetrics();
    Instant readAt =
        metrics == null || metrics.getObservedAt() == null
            ? now
            : Instant.parse(metrics.getObservedAt());
    var slo =
        SloCheck.check(
            monitoring == null ? null : monitoring.slo(),
            metrics,
            sameVersion ? previous.getSloCrossings() : List.of(),
            readAt);
    if (slo.isPresent()) {
      SloCheck.Verdict verdict = slo.get();
      status.setSloCrossings(verdict.crossings());
      String version =
          findings.plan().stable() == null
              ? ""
              : "Version " + findings.plan().stable().version() + ": ";
      return condition(
          Conditions.DEGRADED, verdict.degraded(), verdict.reason(), version + verdict.message());
    }
    return condition(Conditions.DEGRADED, false, Conditions.REASON_HEALTHY, "No problem seen");
  }

  private static Phase phase(
      boolean serving, Condition progressing, Condition degraded, RolloutPlan plan) {
    if ("True".equals(degraded.getStatus())) {
      return serving ? Phase.Degraded : Phase.Failed;
    }
    if ("True".equals(progressing.getStatus()) || plan.incoming() != null) {
      return Phase.Progressing;
    }
    return serving ? Phase.Ready : Phase.Pending;
  }

  private static ArmStatus arm(
      ModelDeployment md, ModelVersion model, int wanted, ObservedWorkloads observed) {
    if (model == null) {
      return null;
    }
    ArmStatus arm = new ArmStatus();
    fill(arm, md, model, wanted, observed);
    return arm;
  }

  private static void fill(
      ArmStatus arm,
      ModelDeployment md,
      ModelVersion model,
      int wanted,
      ObservedWorkloads observed) {
    model.stamp(arm);
    arm.setDeployment(observed.deploymentName(md, model));
    arm.setReplicas(wanted);
    arm.setReadyReplicas(observed.readyReplicas(model));
  }

  private static List<HistoryEntry> history(ModelDeploymentStatus previous, RolloutPlan plan) {
    List<HistoryEntry> history =
        new ArrayList<>(previous.getHistory() != null ? previous.getHistory() : List.of());
    if (plan.rollout() != null) {
      history.addAll(plan.rollout().outcomes());
    }
    return history.size() > HISTORY_LIMIT
        ? new ArrayList<>(history.subList(history.size() - HISTORY_LIMIT, history.size()))
        : history;
  }

  private static Condition condition(String type, boolean value, String reason, String message) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(value ? "True" : "False")
        .withReason(reason)
        .withMessage(message)
        .build();
  }

  /** lastTransitionTime moves only when the condition's status changes. */
  private static Condition keepTransitionTime(
      ModelDeploymentStatus previous, Condition next, long generation, Instant now) {
    Condition before = find(previous, next.getType());
    boolean unchanged =
        before != null
            && next.getStatus().equals(before.getStatus())
            && before.getLastTransitionTime() != null;
    next.setLastTransitionTime(unchanged ? before.getLastTransitionTime() : RFC3339.format(now));
    next.setObservedGeneration(generation);
    return next;
  }
}

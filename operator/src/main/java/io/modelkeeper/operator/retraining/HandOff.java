package io.modelkeeper.operator.retraining;

import io.modelkeeper.api.v1alpha1.HistoryEntry;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelDeploymentStatus;
import io.modelkeeper.api.v1alpha1.ModelRef;
import io.modelkeeper.api.v1alpha1.RetrainingCandidate;
import io.modelkeeper.api.v1alpha1.RetrainingRollout;
import io.modelkeeper.api.v1alpha1.RetrainingRun;
import io.modelkeeper.api.v1alpha1.RetrainingRunStatus;
import io.modelkeeper.api.v1alpha1.RolloutResult;
import io.modelkeeper.api.v1alpha1.RunPhase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The hand-off of blessed candidates to the ModelDeployment, from the retraining side: which run's
 * candidate is offered (status.candidate), whether it is approved, and how each offered run ended
 * as the ModelDeployment's status tells it — promoted (its stable version is the candidate's),
 * rolled back (its history says so; the version is never offered again), or superseded (a new
 * spec.model, or a newer blessed run). Pure; no spec is written anywhere.
 */
public final class HandOff {

  private HandOff() {}

  /** A run whose phase the hand-off ends, and how. */
  public record Ending(String run, RunPhase phase, String canary) {}

  /**
   * The result.
   *
   * @param candidate the candidate to offer, null when there is none
   * @param rejectedVersions rolled-back versions, the new ones added
   * @param endings runs in RollingOut that are over
   * @param canary each offered run's rollout in words, by run name
   */
  public record Result(
      RetrainingCandidate candidate,
      List<String> rejectedVersions,
      List<Ending> endings,
      Map<String, String> canary) {}

  /**
   * Decides from the runs (by name, with their current statuses), the ModelDeployment, the rejected
   * versions so far and the approve annotation's value.
   */
  public static Result decide(
      List<RetrainingRun> runs,
      Map<String, RetrainingRunStatus> statuses,
      ModelDeployment md,
      RetrainingRollout rollout,
      String approved,
      List<String> rejected,
      Instant now) {
    List<String> rejectedVersions = new ArrayList<>(rejected);
    List<Ending> endings = new ArrayList<>();
    Map<String, String> canary = new java.util.LinkedHashMap<>();
    List<RetrainingRun> offered =
        runs.stream()
            .filter(r -> statuses.get(name(r)).getPhase() == RunPhase.RollingOut)
            .sorted(Comparator.comparing((RetrainingRun r) -> statuses.get(name(r)).getNumber()))
            .toList();
    ModelDeploymentStatus mdStatus = md == null ? null : md.getStatus();
    RetrainingRun newest = null;
    for (RetrainingRun run : offered) {
      RetrainingRunStatus status = statuses.get(name(run));
      String version = status.getVersion();
      HistoryEntry outcome = outcome(mdStatus, version);
      if (mdStatus != null
          && mdStatus.getStable() != null
          && version.equals(mdStatus.getStable().getVersion())) {
        endings.add(new Ending(name(run), RunPhase.Promoted, "promoted at " + now));
      } else if (outcome != null || rejectedVersions.contains(version)) {
        if (!rejectedVersions.contains(version)) {
          rejectedVersions.add(version);
        }
        String why =
            outcome == null ? "rolled back" : outcome.getResult() + ": " + outcome.getReason();
        endings.add(new Ending(name(run), RunPhase.RolledBack, why));
      } else if (md != null && !descendsFrom(status.getBase(), md)) {
        endings.add(
            new Ending(
                name(run),
                RunPhase.Superseded,
                "spec.model of the ModelDeployment is now version "
                    + md.getSpec().getModel().getVersion()
                    + "; the candidate descends from "
                    + status.getBase().getVersion()));
      } else {
        if (newest != null) {
          endings.add(
              new Ending(
                  name(newest), RunPhase.Superseded, "run " + name(run) + " was blessed later"));
        }
        newest = run;
        canary.put(name(run), rolloutText(mdStatus, version));
      }
    }
    if (newest != null) {
      canary.keySet().retainAll(List.of(name(newest)));
    }
    return new Result(
        newest == null ? null : candidate(newest, statuses.get(name(newest)), rollout, approved),
        rejectedVersions,
        endings,
        canary);
  }

  private static RetrainingCandidate candidate(
      RetrainingRun run, RetrainingRunStatus status, RetrainingRollout rollout, String approved) {
    RetrainingCandidate candidate = new RetrainingCandidate();
    candidate.setRun(name(run));
    candidate.setVersion(status.getVersion());
    candidate.setUri(status.getCandidate().getUri());
    candidate.setSha256(status.getCandidate().getSha256());
    ModelRef base = new ModelRef();
    base.setUri(status.getBase().getUri());
    base.setVersion(status.getBase().getVersion());
    candidate.setBase(base);
    candidate.setApproved(rollout == RetrainingRollout.AUTOMATIC || name(run).equals(approved));
    return candidate;
  }

  /** Whether the ModelDeployment's spec.model is still the one the run started from. */
  static boolean descendsFrom(ModelRef base, ModelDeployment md) {
    var model = md.getSpec() == null ? null : md.getSpec().getModel();
    return model != null && descendsFrom(base, model.getUri(), model.getVersion());
  }

  /** Whether a candidate of {@code base} descends from the spec.model of this uri and version. */
  static boolean descendsFrom(ModelRef base, String uri, String version) {
    return base != null
        && Objects.equals(base.getUri(), uri)
        && Objects.equals(base.getVersion(), version);
  }

  private static HistoryEntry outcome(ModelDeploymentStatus status, String version) {
    if (status == null || status.getHistory() == null) {
      return null;
    }
    return status.getHistory().stream()
        .filter(h -> version.equals(h.getVersion()))
        .filter(
            h -> h.getResult() == RolloutResult.RolledBack || h.getResult() == RolloutResult.Failed)
        .reduce((first, second) -> second)
        .orElse(null);
  }

  private static String rolloutText(ModelDeploymentStatus status, String version) {
    if (status != null
        && status.getCanary() != null
        && version.equals(status.getCanary().getVersion())) {
      return "canary at weight "
          + Objects.requireNonNullElse(status.getCanary().getWeight(), 0)
          + "%";
    }
    return "offered to the ModelDeployment, not served yet";
  }

  private static String name(RetrainingRun run) {
    return run.getMetadata().getName();
  }
}

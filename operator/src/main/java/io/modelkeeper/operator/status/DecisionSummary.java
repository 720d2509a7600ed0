package io.modelkeeper.operator.status;

import io.modelkeeper.api.v1alpha1.AnalysisStatus;
import io.modelkeeper.api.v1alpha1.CanaryStatus;
import io.modelkeeper.api.v1alpha1.HistoryEntry;
import io.modelkeeper.api.v1alpha1.RolloutResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The last rollout decision in a few words for a table column ("waiting: 120/200 requests", "failed
 * check 1/2: error rate"); status.canary.analysis keeps the whole reason.
 */
public final class DecisionSummary {

  /** Longer texts are cut, so that kubectl get stays one line per model. */
  static final int MAX_LENGTH = 48;

  private DecisionSummary() {}

  /**
   * The summary of the running canary, else of the newest history entry, else null.
   *
   * @param minRequests spec.rollout.analysis.minRequests, the requests a step needs per version
   */
  public static String of(CanaryStatus canary, List<HistoryEntry> history, long minRequests) {
    if (canary != null) {
      return cut(ofCanary(canary, minRequests));
    }
    if (history == null || history.isEmpty()) {
      return null;
    }
    HistoryEntry last = history.get(history.size() - 1);
    String version = " " + Objects.requireNonNullElse(last.getVersion(), "");
    if (last.getResult() == RolloutResult.Promoted) {
      return cut("promoted" + version);
    }
    String verb = last.getResult() == RolloutResult.Failed ? "failed" : "rolled back";
    return cut(verb + version + ": " + gist(Objects.requireNonNullElse(last.getReason(), "")));
  }

  private static String ofCanary(CanaryStatus canary, long minRequests) {
    AnalysisStatus analysis = canary.getAnalysis();
    String decision =
        analysis == null ? "" : Objects.requireNonNullElse(analysis.getDecision(), "");
    String reason = analysis == null ? "" : Objects.requireNonNullElse(analysis.getReason(), "");
    String step = canary.getStepDisplay() == null ? "" : " " + canary.getStepDisplay();
    switch (decision) {
      case "Promote":
        return "promoting";
      case "Advance":
        return "advanced to step" + step;
      case "RollBack":
        return "rolling back: " + gist(reason);
      default:
        break;
    }
    if (reason.startsWith("failed check ")) {
      return "failed check " + checkCount(reason) + ": " + gist(reason);
    }
    if (Boolean.TRUE.equals(canary.getPaused())) {
      return "paused at step" + step;
    }
    if (reason.startsWith("resumed")) {
      return "resumed at step" + step;
    }
    if (reason.startsWith("canary started")) {
      return "starting";
    }
    if (reason.contains("pods are not ready")) {
      return "waiting: canary pods not ready";
    }
    if (reason.contains("lack of evidence")) {
      return "waiting: " + evidence(analysis, reason, minRequests);
    }
    if (reason.contains("not conclusive")) {
      return "waiting: not conclusive yet (" + gist(reason) + ")";
    }
    if (reason.contains(" runs until ")) {
      return "step" + step + " running, checks pass";
    }
    return reason;
  }

  /** "1/2" out of "failed check 1 of 2: ...". */
  private static String checkCount(String reason) {
    String rest = reason.substring("failed check ".length());
    int colon = rest.indexOf(':');
    return (colon < 0 ? rest : rest.substring(0, colon)).replace(" of ", "/");
  }

  /** What the step still lacks: the requests of the arm furthest from minRequests, or labels. */
  private static String evidence(AnalysisStatus analysis, String reason, long minRequests) {
    if (reason.contains("served ") && minRequests > 0) {
      long canary = Objects.requireNonNullElse(analysis.getCanaryStepRequests(), 0L);
      long stable = Objects.requireNonNullElse(analysis.getStableStepRequests(), 0L);
      return Math.min(canary, stable) + "/" + minRequests + " requests";
    }
    return reason.contains("minLabelled") ? "labelled predictions" : "more traffic";
  }

  /** The gates a reason names, in a few words: "error rate", "latency", "accuracy", "pods". */
  static String gist(String reason) {
    String text = reason.toLowerCase(Locale.ROOT);
    List<String> gates = new ArrayList<>();
    if (text.contains("pods are not serving")) {
      gates.add("pods");
    }
    if (text.contains("error rate")) {
      gates.add("error rate");
    }
    if (text.contains("p99")) {
      gates.add("latency");
    }
    if (text.contains("accuracy") && text.contains("below stable")) {
      gates.add("accuracy");
    }
    if (text.contains("aborted by annotation")) {
      gates.add("aborted");
    }
    if (text.contains("superseded")) {
      gates.add("superseded");
    }
    if (text.contains("progressdeadline")) {
      gates.add("progress deadline");
    }
    return gates.isEmpty() ? reason : String.join(", ", gates);
  }

  private static String cut(String text) {
    return text.length() <= MAX_LENGTH ? text : text.substring(0, MAX_LENGTH - 1) + "…";
  }
}

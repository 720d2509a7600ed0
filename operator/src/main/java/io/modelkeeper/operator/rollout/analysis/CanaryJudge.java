package io.modelkeeper.operator.rollout.analysis;

import io.modelkeeper.api.v1alpha1.AnalysisSpec;
import io.modelkeeper.api.v1alpha1.CanaryStatus;
import io.modelkeeper.operator.validation.CheckedSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Judges a canary against the stable version at one check: {@code (spec, status, evidence, now) ->
 * Advance | Promote | RollBack | Wait} with the reason. Pure: no clock, no I/O.
 *
 * <p>Error rates and accuracy are compared with one-sided tests on the counts since the canary
 * started. A check fails only when the evidence clears a bar raised for the number of checks the
 * rollout plans times the number of statistical gates (Bonferroni), so a canary as good as stable
 * is not rolled back on noise however often it is looked at; a canary that is merely suspicious (at
 * the confidence corrected for the number of gates only) is not promoted but watched longer.
 * Latency gates compare the last interval's p99 of both arms, from the canary's second interval
 * with traffic on: its first is its pods' first minutes (a JVM still compiling, caches empty),
 * which the stable version, warm for hours, has long left behind.
 */
public final class CanaryJudge {

  /** Fewer requests in an interval give no meaningful 99th percentile. */
  static final long MIN_LATENCY_SAMPLE = 100;

  private CanaryJudge() {}

  /** The decision for the canary described by {@code canary} given this check's evidence. */
  public static Verdict judge(
      CheckedSpec.Rollout rollout, CanaryStatus canary, Evidence evidence, Instant now) {
    AnalysisSpec analysis = rollout.analysis();
    int failedBefore =
        canary.getAnalysis() == null
            ? 0
            : Objects.requireNonNullElse(canary.getAnalysis().getFailedChecks(), 0);
    int limit = Objects.requireNonNullElse(analysis.getFailureLimit(), 2);
    Gates gates = new Gates();

    if (evidence.canaryProblem() != null) {
      gates.fail("canary pods are not serving: " + evidence.canaryProblem());
    } else {
      checkErrors(analysis, planned(rollout), gates(analysis), evidence, gates);
      checkLatency(analysis, rollout.maxLatencyP99(), evidence, gates);
      checkAccuracy(analysis, planned(rollout), gates(analysis), evidence, gates);
    }
    if (!gates.failures.isEmpty()) {
      int failed = failedBefore + 1;
      String what = String.join("; ", gates.failures);
      return failed >= limit
          ? Verdict.rollBack(what + " (failed check " + failed + " of " + limit + ")", failed)
          : Verdict.waiting("failed check " + failed + " of " + limit + ": " + what, failed);
    }
    if (rollout.paused()) {
      return Verdict.waiting("paused by spec.rollout.paused; checks pass and keep running", 0);
    }

    if (rollout.steps().isEmpty()) {
      return evidence.canaryReady()
          ? new Verdict(
              Decision.Promote,
              "no rollout.steps: the new version" + " replaces the old one once ready",
              0,
              null)
          : Verdict.waiting("the new version's pods are not ready yet", 0);
    }
    int step = Objects.requireNonNullElse(canary.getStep(), 0);
    CheckedSpec.Step current = rollout.steps().get(Math.min(step, rollout.steps().size() - 1));
    Instant stepStart = Instant.parse(canary.getStepStartedAt());
    Instant stepEnd = stepStart.plus(current.duration());
    Instant deadline = stepEnd.plus(rollout.progressDeadline());
    String stepName =
        "step " + (step + 1) + " of " + rollout.steps().size() + " (" + current.weight() + "%)";

    List<String> shortOf = shortOfSample(analysis, evidence);
    if (!shortOf.isEmpty()) {
      String what = String.join("; ", shortOf);
      return now.isAfter(deadline)
          ? Verdict.fail(
              "too little evidence by spec.rollout.progressDeadline ("
                  + rollout.spec().getProgressDeadline()
                  + " after "
                  + stepName
                  + " was due): "
                  + what,
              0)
          : Verdict.waiting(stepName + " extended for lack of evidence: " + what, 0);
    }
    if (now.isBefore(stepEnd)) {
      return Verdict.waiting(stepName + " runs until " + stepEnd + "; " + summary(evidence), 0);
    }
    if (!gates.suspicions.isEmpty()) {
      String what = String.join("; ", gates.suspicions);
      return now.isAfter(deadline)
          ? Verdict.fail("still inconclusive at spec.rollout.progressDeadline: " + what, 0)
          : Verdict.waiting(stepName + " extended, not conclusive yet: " + what, 0);
    }
    if (step + 1 >= rollout.steps().size()) {
      return new Verdict(
          Decision.Promote,
          "all " + rollout.steps().size() + " steps passed; " + summary(evidence),
          0,
          null);
    }
    return new Verdict(Decision.Advance, stepName + " passed; " + summary(evidence), 0, null);
  }

  /** Statistical looks the rollout plans: checks over all steps times the statistical gates. */
  static int planned(CheckedSpec.Rollout rollout) {
    return checks(rollout) * gates(rollout.analysis());
  }

  /** Statistical tests made at each check: error rate against stable, and the optional ones. */
  static int gates(AnalysisSpec analysis) {
    return 1
        + (analysis.getMaxErrorRate() != null ? 1 : 0)
        + (analysis.getMaxAccuracyDrop() != null ? 1 : 0);
  }

  /** Checks the rollout plans: total step time over the interval, at least one. */
  static int checks(CheckedSpec.Rollout rollout) {
    Duration interval = rollout.analysisInterval();
    Duration total = Duration.ZERO;
    for (CheckedSpec.Step step : rollout.steps()) {
      total = total.plus(step.duration());
    }
    return (int)
        Math.max(
            1, (total.toMillis() + interval.toMillis() - 1) / Math.max(1, interval.toMillis()));
  }

  private static void checkErrors(
      AnalysisSpec analysis, int looks, int tests, Evidence evidence, Gates gates) {
    ArmEvidence c = evidence.canary();
    ArmEvidence s = evidence.stable();
    long min = Objects.requireNonNullElse(analysis.getMinRequests(), 0);
    if (c.requests() < Math.max(1, min) || s.requests() < Math.max(1, min)) {
      return;
    }
    double confidence = analysis.getConfidence();
    double zPlain = ProportionTests.critical(1 - (1 - confidence) / tests);
    double zStrict = ProportionTests.critical(1 - (1 - confidence) / looks);
    if (analysis.getMaxErrorRate() != null) {
      String text =
          "canary error rate "
              + pct(c.errorRate())
              + " of "
              + c.requests()
              + " requests is above maxErrorRate "
              + pct(analysis.getMaxErrorRate());
      if (ProportionTests.wilsonLower(c.errors(), c.requests(), zStrict)
          > analysis.getMaxErrorRate()) {
        gates.fail(text);
      } else if (ProportionTests.wilsonLower(c.errors(), c.requests(), zPlain)
          > analysis.getMaxErrorRate()) {
        gates.suspect(text);
      }
    }
    double z = ProportionTests.higherZ(c.errors(), c.requests(), s.errors(), s.requests());
    String text =
        "canary error rate "
            + pct(c.errorRate())
            + " ("
            + c.errors()
            + "/"
            + c.requests()
            + ") is higher than stable's "
            + pct(s.errorRate())
            + " ("
            + s.errors()
            + "/"
            + s.requests()
            + ") at "
            + pct(confidence)
            + " confidence";
    if (z > zStrict) {
      gates.fail(text);
    } else if (z > zPlain) {
      gates.suspect(text);
    }
  }

  private static void checkLatency(
      AnalysisSpec analysis, Duration maxLatencyP99, Evidence evidence, Gates gates) {
    ArmEvidence c = evidence.canary();
    ArmEvidence s = evidence.stable();
    if (c.intervalRequests() < MIN_LATENCY_SAMPLE || Double.isNaN(c.latencyP99Seconds())) {
      return;
    }
    if (c.requests() - c.intervalRequests() < MIN_LATENCY_SAMPLE) {
      // Like with like: a cold canary against a warm stable version says nothing of the model.
      return;
    }
    if (maxLatencyP99 != null) {
      double max = maxLatencyP99.toNanos() / 1e9;
      if (c.latencyP99Seconds() > max) {
        gates.fail(
            "canary p99 latency "
                + ms(c.latencyP99Seconds())
                + " is above maxLatencyP99 "
                + analysis.getMaxLatencyP99());
      }
    }
    if (analysis.getMaxLatencyRatio() != null
        && s.intervalRequests() >= MIN_LATENCY_SAMPLE
        && s.latencyP99Seconds() > 0) {
      double ratio = c.latencyP99Seconds() / s.latencyP99Seconds();
      if (ratio > analysis.getMaxLatencyRatio()) {
        gates.fail(
            String.format(
                Locale.ROOT,
                "canary p99 latency %s is %.2fx stable's %s, above" + " maxLatencyRatio %.2f",
                ms(c.latencyP99Seconds()),
                ratio,
                ms(s.latencyP99Seconds()),
                analysis.getMaxLatencyRatio()));
      }
    }
  }

  private static void checkAccuracy(
      AnalysisSpec analysis, int looks, int tests, Evidence evidence, Gates gates) {
    if (analysis.getMaxAccuracyDrop() == null || !hasLabels(analysis, evidence)) {
      return;
    }
    ArmEvidence c = evidence.canary();
    ArmEvidence s = evidence.stable();
    double z =
        ProportionTests.dropBeyondMarginZ(
            s.accuracy(), s.labelled(), c.accuracy(), c.labelled(), analysis.getMaxAccuracyDrop());
    String text =
        "canary accuracy "
            + pct(c.accuracy())
            + " ("
            + c.labelled()
            + " labelled) is more than "
            + pct(analysis.getMaxAccuracyDrop())
            + " below stable's "
            + pct(s.accuracy())
            + " ("
            + s.labelled()
            + " labelled)";
    double confidence = analysis.getConfidence();
    if (z > ProportionTests.critical(1 - (1 - confidence) / looks)) {
      gates.fail(text);
    } else if (z > ProportionTests.critical(1 - (1 - confidence) / tests)) {
      gates.suspect(text);
    }
  }

  private static boolean hasLabels(AnalysisSpec analysis, Evidence evidence) {
    long min = Math.max(1, Objects.requireNonNullElse(analysis.getMinLabelled(), 0));
    return evidence.canary().labelled() >= min
        && evidence.stable().labelled() >= min
        && !Double.isNaN(evidence.canary().accuracy())
        && !Double.isNaN(evidence.stable().accuracy());
  }

  private static List<String> shortOfSample(AnalysisSpec analysis, Evidence evidence) {
    List<String> missing = new ArrayList<>();
    if (!evidence.canaryReady()) {
      missing.add("canary pods are not ready yet");
    }
    long min = Objects.requireNonNullElse(analysis.getMinRequests(), 0);
    if (evidence.canary().stepRequests() < min) {
      missing.add(
          "canary served "
              + evidence.canary().stepRequests()
              + " of minRequests "
              + min
              + " in this step"
              + (evidence.canary().read() ? "" : " (its metrics could not be read)"));
    }
    if (evidence.stable().stepRequests() < min) {
      missing.add(
          "stable served "
              + evidence.stable().stepRequests()
              + " of minRequests "
              + min
              + " in this step"
              + (evidence.stable().read() ? "" : " (its metrics could not be read)"));
    }
    if (analysis.getMaxAccuracyDrop() != null && !hasLabels(analysis, evidence)) {
      missing.add(
          "accuracy needs minLabelled "
              + analysis.getMinLabelled()
              + " labelled predictions per"
              + " version (canary "
              + evidence.canary().labelled()
              + ", stable "
              + evidence.stable().labelled()
              + ")");
    }
    return missing;
  }

  private static String summary(Evidence evidence) {
    ArmEvidence c = evidence.canary();
    ArmEvidence s = evidence.stable();
    String text =
        "canary errors "
            + pct(c.errorRate())
            + " of "
            + c.requests()
            + ", stable "
            + pct(s.errorRate())
            + " of "
            + s.requests();
    if (!Double.isNaN(c.latencyP99Seconds())) {
      text += "; p99 " + ms(c.latencyP99Seconds()) + " vs " + ms(s.latencyP99Seconds());
    }
    if (!Double.isNaN(c.accuracy()) && !Double.isNaN(s.accuracy())) {
      text += "; accuracy " + pct(c.accuracy()) + " vs " + pct(s.accuracy());
    }
    return text;
  }

  private static String pct(double share) {
    return Double.isNaN(share) ? "n/a" : String.format(Locale.ROOT, "%.2f%%", share * 100);
  }

  private static String ms(double seconds) {
    return Double.isNaN(seconds) ? "n/a" : String.format(Locale.ROOT, "%.1fms", seconds * 1000);
  }

  /** Failed and suspicious gates of one check. */
  private static final class Gates {
    private final List<String> failures = new ArrayList<>();
    private final List<String> suspicions = new ArrayList<>();

    void fail(String text) {
      failures.add(text);
    }

    void suspect(String text) {
      suspicions.add(text);
    }
  }
}

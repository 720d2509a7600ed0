package io.modelkeeper.operator.bench;

import io.modelkeeper.api.v1alpha1.AnalysisStatus;
import io.modelkeeper.api.v1alpha1.CanaryStatus;
import io.modelkeeper.api.v1alpha1.MetricsStatus;
import io.modelkeeper.api.v1alpha1.RolloutSpec;
import io.modelkeeper.api.v1alpha1.StepSpec;
import io.modelkeeper.operator.metricsource.ArmMetrics;
import io.modelkeeper.operator.rollout.analysis.ArmEvidence;
import io.modelkeeper.operator.rollout.analysis.CanaryJudge;
import io.modelkeeper.operator.rollout.analysis.Decision;
import io.modelkeeper.operator.rollout.analysis.Evidence;
import io.modelkeeper.operator.rollout.analysis.ProportionTests;
import io.modelkeeper.operator.rollout.analysis.Verdict;
import io.modelkeeper.operator.validation.CheckedSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

/**
 * Decision quality of the canary judge on simulated metric streams, beside a fixed-threshold rule
 * at the same interval. Not a timed test and not in the default run: see
 * operator/bench/canary-judge.sh.
 *
 * <p>Each rollout: steps 10%, 25%, 50% of 2m each, checks every 30s, 1,200 requests per interval in
 * all, every request labelled later, quality window 5,000. Stable: 1% errors, 90% accuracy. The
 * fixed-threshold rule is the classic fixed-sample design for the same targets (at most 2% of equal
 * canaries rolled back, at most 1% of bad ones promoted): it waits until the canary has served the
 * sample that design needs, then rolls back if the canary's error rate or accuracy is beyond a
 * fixed threshold set from stable's known figures.
 */
class CanaryJudgeBenchmark {

  static final int ROLLOUTS = Integer.getInteger("modelkeeper.bench.rollouts", 1000);
  static final int REQUESTS_PER_INTERVAL = 1200;
  static final int WINDOW = 5000;
  static final double STABLE_ERRORS = 0.01;
  static final double STABLE_ACCURACY = 0.90;
  static final double FALSE_ROLLBACK = 0.02;
  static final double FALSE_PROMOTION = 0.01;
  static final int MAX_INTERVALS = 60;
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  record Scenario(String name, double canaryErrors, double canaryAccuracy) {}

  record Outcome(Decision decision, boolean failed, long canaryRequests, int intervals) {}

  @Test
  void compareJudgeWithFixedThresholdRule() throws IOException {
    List<Scenario> scenarios =
        List.of(
            new Scenario("(a) canary error rate 2x stable's (2% vs 1%)", 0.02, STABLE_ACCURACY),
            new Scenario("(b) canary accuracy 3 points lower (87% vs 90%)", STABLE_ERRORS, 0.87),
            new Scenario("(c) canary equal to stable", STABLE_ERRORS, STABLE_ACCURACY));
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "Canary judge vs fixed-threshold rule, %d simulated rollouts per scenario%n",
            ROLLOUTS));
    out.append(
        String.format(
            Locale.ROOT,
            "fixed rule: errors judged at %d canary requests (threshold %.3f%%),"
                + " accuracy at %d labelled (threshold %.2f%%)%n",
            fixedErrorSample(),
            100 * fixedErrorThreshold(),
            fixedAccuracySample(),
            100 * fixedAccuracyThreshold()));
    out.append(
        String.format(
            Locale.ROOT,
            "%-50s %-6s %9s %12s %8s %16s %16s%n",
            "scenario",
            "rule",
            "promoted",
            "rolled back",
            "failed",
            "median requests",
            "median intervals"));
    for (Scenario scenario : scenarios) {
      for (boolean judge : new boolean[] {true, false}) {
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < ROLLOUTS; i++) {
          RandomGenerator random = new Well19937c(1000L * i + scenario.name().hashCode());
          outcomes.add(judge ? runJudge(scenario, random) : runFixed(scenario, random));
        }
        out.append(row(scenario.name(), judge ? "judge" : "fixed", outcomes));
      }
    }
    System.out.print(out);
    Path file = Path.of("target", "canary-judge-benchmark.txt");
    Files.createDirectories(file.getParent());
    Files.writeString(file, out.toString());
  }

  static RolloutSpec rollout() {
    RolloutSpec rollout = new RolloutSpec();
    rollout.setSteps(List.of(step(10), step(25), step(50)));
    rollout.setProgressDeadline("10m");
    rollout.getAnalysis().setInterval("30s");
    rollout.getAnalysis().setMinRequests(100);
    rollout.getAnalysis().setMinLabelled(200);
    rollout.getAnalysis().setFailureLimit(2);
    rollout.getAnalysis().setMaxAccuracyDrop(0.0);
    rollout.getAnalysis().setConfidence(0.95);
    return rollout;
  }

  static Outcome runJudge(Scenario scenario, RandomGenerator random) {
    RolloutSpec rollout = rollout();
    Stream stream = new Stream(scenario, random);
    CanaryStatus canary = new CanaryStatus();
    canary.setStep(0);
    canary.setStepStartedAt(T0.toString());
    canary.setAnalysis(new AnalysisStatus());
    canary.getAnalysis().setFailedChecks(0);
    for (int interval = 1; interval <= MAX_INTERVALS; interval++) {
      Instant now = T0.plusSeconds(30L * interval);
      int weight = rollout.getSteps().get(canary.getStep()).getWeight();
      ArmMetrics[] arms = stream.next(weight);
      AnalysisStatus before = canary.getAnalysis();
      ArmEvidence stable =
          ArmEvidence.accumulate(before.getStable(), before.getStableStepRequests(), arms[0]);
      ArmEvidence canaryArm =
          ArmEvidence.accumulate(before.getCanary(), before.getCanaryStepRequests(), arms[1]);
      Verdict verdict =
          CanaryJudge.judge(
              CheckedSpec.Rollout.of(rollout),
              canary,
              new Evidence(stable, canaryArm, null, true),
              now);
      AnalysisStatus next = new AnalysisStatus();
      next.setStable(totals(stable));
      next.setCanary(totals(canaryArm));
      next.setStableStepRequests(stable.stepRequests());
      next.setCanaryStepRequests(canaryArm.stepRequests());
      next.setFailedChecks(verdict.failedChecks());
      canary.setAnalysis(next);
      switch (verdict.decision()) {
        case Promote -> {
          return new Outcome(Decision.Promote, false, canaryArm.requests(), interval);
        }
        case RollBack -> {
          return new Outcome(
              Decision.RollBack,
              verdict.result() == io.modelkeeper.api.v1alpha1.RolloutResult.Failed,
              canaryArm.requests(),
              interval);
        }
        case Advance -> {
          canary.setStep(canary.getStep() + 1);
          canary.setStepStartedAt(now.toString());
          next.setStableStepRequests(0L);
          next.setCanaryStepRequests(0L);
        }
        default -> {}
      }
    }
    return new Outcome(Decision.Wait, false, 0, MAX_INTERVALS);
  }

  /** The fixed-sample rule: same steps and interval; one verdict per gate once its sample is in. */
  static Outcome runFixed(Scenario scenario, RandomGenerator random) {
    Stream stream = new Stream(scenario, random);
    long requests = 0;
    long errors = 0;
    boolean errorsJudged = false;
    boolean accuracyJudged = false;
    int[] weights = {10, 25, 50};
    for (int interval = 1; interval <= MAX_INTERVALS; interval++) {
      int step = Math.min((interval - 1) / 4, 2);
      ArmMetrics[] arms = stream.next(weights[step]);
      requests += arms[1].requests();
      errors += arms[1].errors();
      if (!errorsJudged && requests >= fixedErrorSample()) {
        errorsJudged = true;
        if ((double) errors / requests > fixedErrorThreshold()) {
          return new Outcome(Decision.RollBack, false, requests, interval);
        }
      }
      if (!accuracyJudged && arms[1].labelled() >= fixedAccuracySample()) {
        accuracyJudged = true;
        if (arms[1].accuracy() < fixedAccuracyThreshold()) {
          return new Outcome(Decision.RollBack, false, requests, interval);
        }
      }
      if (interval >= 12 && errorsJudged && accuracyJudged) {
        return new Outcome(Decision.Promote, false, requests, interval);
      }
    }
    return new Outcome(Decision.Wait, false, requests, MAX_INTERVALS);
  }

  static int fixedErrorSample() {
    return fixedSample(STABLE_ERRORS, 0.02);
  }

  static double fixedErrorThreshold() {
    return STABLE_ERRORS
        + ProportionTests.critical(1 - FALSE_ROLLBACK)
            * Math.sqrt(STABLE_ERRORS * (1 - STABLE_ERRORS) / fixedErrorSample());
  }

  static int fixedAccuracySample() {
    return fixedSample(1 - STABLE_ACCURACY, 0.13);
  }

  static double fixedAccuracyThreshold() {
    double miss = 1 - STABLE_ACCURACY;
    return STABLE_ACCURACY
        - ProportionTests.critical(1 - FALSE_ROLLBACK)
            * Math.sqrt(miss * (1 - miss) / fixedAccuracySample());
  }

  /** Fixed sample for a one-sided test of p0 against p1 at the two targets. */
  static int fixedSample(double p0, double p1) {
    double za = ProportionTests.critical(1 - FALSE_ROLLBACK);
    double zb = ProportionTests.critical(1 - FALSE_PROMOTION);
    double root = (za * Math.sqrt(p0 * (1 - p0)) + zb * Math.sqrt(p1 * (1 - p1))) / (p1 - p0);
    return (int) Math.ceil(root * root);
  }

  /** Interval figures of both arms, with a sliding window of labelled outcomes per arm. */
  static final class Stream {
    private final Scenario scenario;
    private final RandomGenerator random;
    private final Window stableWindow = new Window();
    private final Window canaryWindow = new Window();

    Stream(Scenario scenario, RandomGenerator random) {
      this.scenario = scenario;
      this.random = random;
    }

    ArmMetrics[] next(int canaryWeight) {
      int canaryRequests = REQUESTS_PER_INTERVAL * canaryWeight / 100;
      int stableRequests = REQUESTS_PER_INTERVAL - canaryRequests;
      return new ArmMetrics[] {
        arm(stableRequests, STABLE_ERRORS, STABLE_ACCURACY, stableWindow),
        arm(canaryRequests, scenario.canaryErrors(), scenario.canaryAccuracy(), canaryWindow)
      };
    }

    private ArmMetrics arm(int requests, double errorRate, double accuracy, Window window) {
      int errors = new BinomialDistribution(random, requests, errorRate).sample();
      for (int i = 0; i < requests - errors; i++) {
        window.add(random.nextDouble() < accuracy);
      }
      return new ArmMetrics(
          requests,
          errors,
          Double.NaN,
          Double.NaN,
          window.size(),
          window.accuracy(),
          Double.NaN,
          1,
          0);
    }
  }

  /** The last WINDOW labelled outcomes. */
  static final class Window {
    private final boolean[] slots = new boolean[WINDOW];
    private int size;
    private int next;
    private int correct;

    void add(boolean right) {
      if (size == WINDOW && slots[next]) {
        correct--;
      }
      slots[next] = right;
      correct += right ? 1 : 0;
      next = (next + 1) % WINDOW;
      size = Math.min(WINDOW, size + 1);
    }

    int size() {
      return size;
    }

    double accuracy() {
      return size == 0 ? Double.NaN : (double) correct / size;
    }
  }

  private static MetricsStatus totals(ArmEvidence evidence) {
    MetricsStatus totals = new MetricsStatus();
    totals.setRequests(evidence.requests());
    totals.setErrors(evidence.errors());
    return totals;
  }

  private static StepSpec step(int weight) {
    StepSpec step = new StepSpec();
    step.setWeight(weight);
    step.setDuration("2m");
    return step;
  }

  private static String row(String scenario, String rule, List<Outcome> outcomes) {
    long promoted = outcomes.stream().filter(o -> o.decision() == Decision.Promote).count();
    long rolledBack =
        outcomes.stream().filter(o -> o.decision() == Decision.RollBack && !o.failed()).count();
    long failed =
        outcomes.stream().filter(o -> o.failed() || o.decision() == Decision.Wait).count();
    return String.format(
        Locale.ROOT,
        "%-50s %-6s %8.1f%% %11.1f%% %7.1f%% %16d %16d%n",
        scenario,
        rule,
        100.0 * promoted / outcomes.size(),
        100.0 * rolledBack / outcomes.size(),
        100.0 * failed / outcomes.size(),
        median(outcomes.stream().mapToLong(Outcome::canaryRequests).toArray()),
        median(outcomes.stream().mapToLong(Outcome::intervals).toArray()));
  }

  private static long median(long[] values) {
    Arrays.sort(values);
    return values[values.length / 2];
  }
}

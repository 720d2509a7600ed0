package io.modelkeeper.operator.rollout.analysis;

import static io.modelkeeper.operator.testing.TestModels.step;
import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.api.v1alpha1.AnalysisStatus;
import io.modelkeeper.api.v1alpha1.CanaryStatus;
import io.modelkeeper.api.v1alpha1.RolloutResult;
import io.modelkeeper.api.v1alpha1.RolloutSpec;
import io.modelkeeper.operator.metricsource.ArmMetrics;
import io.modelkeeper.operator.validation.CheckedSpec;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every decision and reason of the judge, one row each. */
class CanaryJudgeTest {

  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
  private static final Instant STEP_OVER = T0.plusSeconds(61);
  private static final Instant PAST_DEADLINE = T0.plusSeconds(60 + 600 + 1);

  /** Both arms healthy and alike: 1% errors, 50ms p99, 90% accuracy over 2000 labels. */
  private static final ArmEvidence STABLE = arm(3000, 30, 0.050, 2000, 0.90);

  private static final ArmEvidence GOOD = arm(400, 4, 0.050, 2000, 0.90);

  static Stream<Arguments> rows() {
    return Stream.of(
        row(
            "step elapsed, gates pass -> Advance",
            0,
            0,
            STEP_OVER,
            STABLE,
            GOOD,
            null,
            true,
            r -> {},
            Decision.Advance,
            "step 1 of 2 (10%) passed"),
        row(
            "last step elapsed -> Promote",
            1,
            0,
            STEP_OVER,
            STABLE,
            GOOD,
            null,
            true,
            r -> {},
            Decision.Promote,
            "all 2 steps passed"),
        row(
            "step still running -> Wait",
            0,
            0,
            T0.plusSeconds(30),
            STABLE,
            GOOD,
            null,
            true,
            r -> {},
            Decision.Wait,
            "runs until 2026-01-01T10:01:00Z"),
        row(
            "too few canary requests extends the step",
            0,
            0,
            STEP_OVER,
            STABLE,
            arm(150, 0, 0.05, 2000, 0.9),
            null,
            true,
            r -> {},
            Decision.Wait,
            "canary served 150 of minRequests 200"),
        row(
            "too few requests past the deadline -> Failed",
            0,
            0,
            PAST_DEADLINE,
            STABLE,
            arm(150, 0, 0.05, 2000, 0.9),
            null,
            true,
            r -> {},
            Decision.RollBack,
            "too little evidence by spec.rollout.progressDeadline"),
        row(
            "unreadable canary metrics are no sample, not zero errors",
            0,
            0,
            STEP_OVER,
            STABLE,
            new ArmEvidence(0, 0, 0, ArmMetrics.NONE),
            null,
            true,
            r -> {},
            Decision.Wait,
            "canary served 0 of minRequests 200 in this step (its metrics could not be read)"),
        row(
            "error rate above stable's, first failure -> Wait",
            0,
            0,
            STEP_OVER,
            STABLE,
            arm(400, 40, 0.05, 2000, 0.9),
            null,
            true,
            r -> {},
            Decision.Wait,
            "failed check 1 of 2: canary error rate 10.00% (40/400) is higher than stable's 1.00%"),
        row(
            "error rate above stable's, at failureLimit -> RollBack",
            0,
            1,
            STEP_OVER,
            STABLE,
            arm(400, 40, 0.05, 2000, 0.9),
            null,
            true,
            r -> {},
            Decision.RollBack,
            "(failed check 2 of 2)"),
        row(
            "error rate surely above maxErrorRate",
            0,
            1,
            STEP_OVER,
            arm(3000, 240, 0.05, 2000, 0.9),
            arm(3000, 250, 0.05, 2000, 0.9),
            null,
            true,
            r -> r.getAnalysis().setMaxErrorRate(0.05),
            Decision.RollBack,
            "is above maxErrorRate 5.00%"),
        row(
            "error rate exactly at maxErrorRate passes",
            0,
            0,
            STEP_OVER,
            arm(3000, 150, 0.05, 2000, 0.9),
            arm(400, 20, 0.05, 2000, 0.9),
            null,
            true,
            r -> r.getAnalysis().setMaxErrorRate(0.05),
            Decision.Advance,
            "passed"),
        row(
            "no errors on either side passes",
            0,
            0,
            STEP_OVER,
            arm(3000, 0, 0.05, 2000, 0.9),
            arm(400, 0, 0.05, 2000, 0.9),
            null,
            true,
            r -> {},
            Decision.Advance,
            "canary errors 0.00%"),
        row(
            "p99 above maxLatencyP99 fails",
            0,
            0,
            STEP_OVER,
            STABLE,
            warm(arm(400, 4, 0.2, 2000, 0.9)),
            null,
            true,
            r -> {},
            Decision.Wait,
            "canary p99 latency 200.0ms is above maxLatencyP99 100ms"),
        row(
            "p99 exactly at maxLatencyP99 passes",
            0,
            0,
            STEP_OVER,
            arm(3000, 30, 0.1, 2000, 0.9),
            arm(400, 4, 0.1, 2000, 0.9),
            null,
            true,
            r -> {},
            Decision.Advance,
            "passed"),
        row(
            "p99 ratio above maxLatencyRatio fails",
            0,
            0,
            STEP_OVER,
            STABLE,
            warm(arm(400, 4, 0.09, 2000, 0.9)),
            null,
            true,
            r -> {},
            Decision.Wait,
            "is 1.80x stable's 50.0ms, above maxLatencyRatio 1.50"),
        row(
            "p99 ratio exactly at maxLatencyRatio passes",
            0,
            0,
            STEP_OVER,
            STABLE,
            arm(400, 4, 0.075, 2000, 0.9),
            null,
            true,
            r -> {},
            Decision.Advance,
            "passed"),
        row(
            "the canary's first interval with traffic (cold pods) is not judged on latency",
            0,
            0,
            STEP_OVER,
            STABLE,
            arm(400, 4, 0.222, 2000, 0.9),
            null,
            true,
            r -> {},
            Decision.Advance,
            "passed"),
        row(
            "its second interval is: the same p99 ratio, 4.44x, then fails",
            0,
            0,
            STEP_OVER,
            STABLE,
            warm(arm(400, 4, 0.222, 2000, 0.9)),
            null,
            true,
            r -> {},
            Decision.Wait,
            "is 4.44x stable's 50.0ms, above maxLatencyRatio 1.50"),
        row(
            "an earlier interval under 100 requests does not warm the canary",
            0,
            0,
            STEP_OVER,
            STABLE,
            new ArmEvidence(499, 4, 499, metrics(400, 4, 0.222, 2000, 0.9)),
            null,
            true,
            r -> {},
            Decision.Advance,
            "passed"),
        row(
            "latency of an interval under 100 requests is not judged",
            0,
            0,
            STEP_OVER,
            STABLE,
            new ArmEvidence(400, 4, 400, metrics(50, 0, 0.9, 2000, 0.9)),
            null,
            true,
            r -> {},
            Decision.Advance,
            "passed"),
        row(
            "NaN latency is not judged",
            0,
            0,
            STEP_OVER,
            STABLE,
            arm(400, 4, Double.NaN, 2000, 0.9),
            null,
            true,
            r -> {},
            Decision.Advance,
            "passed"),
        row(
            "accuracy surely more than maxAccuracyDrop lower fails",
            0,
            0,
            STEP_OVER,
            STABLE,
            arm(400, 4, 0.05, 2000, 0.85),
            null,
            true,
            r -> {},
            Decision.Wait,
            "canary accuracy 85.00% (2000 labelled) is more than 1.00% below stable's 90.00%"),
        row(
            "accuracy without minLabelled extends the step",
            0,
            0,
            STEP_OVER,
            STABLE,
            arm(400, 4, 0.05, 50, 0.9),
            null,
            true,
            r -> {},
            Decision.Wait,
            "accuracy needs minLabelled 100 labelled predictions per version (canary 50, stable 2000)"),
        row(
            "NaN accuracy extends the step when the gate is set",
            0,
            0,
            STEP_OVER,
            STABLE,
            arm(400, 4, 0.05, 0, Double.NaN),
            null,
            true,
            r -> {},
            Decision.Wait,
            "accuracy needs minLabelled"),
        row(
            "no accuracy gate, no labels needed",
            0,
            0,
            STEP_OVER,
            STABLE,
            arm(400, 4, 0.05, 0, Double.NaN),
            null,
            true,
            r -> r.getAnalysis().setMaxAccuracyDrop(null),
            Decision.Advance,
            "passed"),
        row(
            "a suspicious but inconclusive gap extends the step",
            0,
            0,
            STEP_OVER,
            arm(3000, 30, 0.05, 2000, 0.9),
            arm(400, 9, 0.05, 2000, 0.9),
            null,
            true,
            r -> {},
            Decision.Wait,
            "extended, not conclusive yet: canary error rate 2.25%"),
        row(
            "still inconclusive past the deadline -> Failed",
            0,
            0,
            PAST_DEADLINE,
            arm(3000, 30, 0.05, 2000, 0.9),
            arm(400, 9, 0.05, 2000, 0.9),
            null,
            true,
            r -> {},
            Decision.RollBack,
            "still inconclusive at spec.rollout.progressDeadline"),
        row(
            "crash-looping canary is a failed check",
            0,
            0,
            STEP_OVER,
            STABLE,
            GOOD,
            "CrashLoopBackOff",
            false,
            r -> {},
            Decision.Wait,
            "failed check 1 of 2: canary pods are not serving: CrashLoopBackOff"),
        row(
            "canary not ready extends the step",
            0,
            0,
            STEP_OVER,
            STABLE,
            GOOD,
            null,
            false,
            r -> {},
            Decision.Wait,
            "canary pods are not ready yet"),
        row(
            "paused holds the step",
            0,
            0,
            STEP_OVER,
            STABLE,
            GOOD,
            null,
            true,
            r -> r.setPaused(true),
            Decision.Wait,
            "paused by spec.rollout.paused"),
        row(
            "paused still rolls a failing canary back",
            0,
            1,
            STEP_OVER,
            STABLE,
            arm(400, 40, 0.05, 2000, 0.9),
            null,
            true,
            r -> r.setPaused(true),
            Decision.RollBack,
            "higher than stable's"),
        row(
            "no steps: promote once ready",
            0,
            0,
            T0,
            STABLE,
            GOOD,
            null,
            true,
            r -> r.setSteps(List.of()),
            Decision.Promote,
            "no rollout.steps"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void judges(
      String name,
      int step,
      int failedBefore,
      Instant now,
      ArmEvidence stable,
      ArmEvidence canary,
      String problem,
      boolean ready,
      Consumer<RolloutSpec> change,
      Decision decision,
      String reason) {
    RolloutSpec rollout = rollout();
    change.accept(rollout);
    Verdict verdict =
        CanaryJudge.judge(
            CheckedSpec.Rollout.of(rollout),
            canary(step, failedBefore),
            new Evidence(stable, canary, problem, ready),
            now);
    assertThat(verdict.decision()).as(verdict.reason()).isEqualTo(decision);
    assertThat(verdict.reason()).contains(reason);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void rollBacksSayWhetherTheRolloutFailedOrWasRolledBack(
      String name,
      int step,
      int failedBefore,
      Instant now,
      ArmEvidence stable,
      ArmEvidence canary,
      String problem,
      boolean ready,
      Consumer<RolloutSpec> change,
      Decision decision,
      String reason) {
    RolloutSpec rollout = rollout();
    change.accept(rollout);
    Verdict verdict =
        CanaryJudge.judge(
            CheckedSpec.Rollout.of(rollout),
            canary(step, failedBefore),
            new Evidence(stable, canary, problem, ready),
            now);
    if (verdict.decision() != Decision.RollBack) {
      assertThat(verdict.result()).isNull();
    } else if (reason.toLowerCase(java.util.Locale.ROOT).contains("deadline")) {
      assertThat(verdict.result()).isEqualTo(RolloutResult.Failed);
    } else {
      assertThat(verdict.result()).isEqualTo(RolloutResult.RolledBack);
    }
  }

  private static Arguments row(
      String name,
      int step,
      int failedBefore,
      Instant now,
      ArmEvidence stable,
      ArmEvidence canary,
      String problem,
      boolean ready,
      Consumer<RolloutSpec> change,
      Decision decision,
      String reason) {
    return Arguments.of(
        name, step, failedBefore, now, stable, canary, problem, ready, change, decision, reason);
  }

  /** The same arm after an earlier interval of as many requests and errors. */
  static ArmEvidence warm(ArmEvidence arm) {
    return new ArmEvidence(
        arm.requests() + arm.intervalRequests(),
        arm.errors() + arm.interval().errors(),
        arm.stepRequests() + arm.intervalRequests(),
        arm.interval());
  }

  static ArmEvidence arm(long requests, long errors, double p99, long labelled, double accuracy) {
    return new ArmEvidence(
        requests, errors, requests, metrics(requests, errors, p99, labelled, accuracy));
  }

  static ArmMetrics metrics(
      long requests, long errors, double p99, long labelled, double accuracy) {
    return new ArmMetrics(requests, errors, p99 / 2, p99, labelled, accuracy, Double.NaN, 1, 0);
  }

  static RolloutSpec rollout() {
    RolloutSpec rollout = new RolloutSpec();
    rollout.setSteps(List.of(step(10, "1m"), step(50, "1m")));
    rollout.setProgressDeadline("10m");
    rollout.getAnalysis().setInterval("30s");
    rollout.getAnalysis().setMaxLatencyP99("100ms");
    rollout.getAnalysis().setMaxLatencyRatio(1.5);
    rollout.getAnalysis().setMaxAccuracyDrop(0.01);
    return rollout;
  }

  static CanaryStatus canary(int step, int failedChecks) {
    CanaryStatus canary = new CanaryStatus();
    canary.setVersion("2");
    canary.setStep(step);
    canary.setStartedAt(T0.toString());
    canary.setStepStartedAt(T0.toString());
    AnalysisStatus analysis = new AnalysisStatus();
    analysis.setFailedChecks(failedChecks);
    canary.setAnalysis(analysis);
    return canary;
  }
}

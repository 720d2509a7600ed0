package io.modelkeeper.operator.validation;

import io.modelkeeper.api.v1alpha1.AnalysisSpec;
import io.modelkeeper.api.v1alpha1.Durations;
import io.modelkeeper.api.v1alpha1.ModelDeploymentSpec;
import io.modelkeeper.api.v1alpha1.MonitoringSpec;
import io.modelkeeper.api.v1alpha1.RolloutSpec;
import io.modelkeeper.api.v1alpha1.SloSpec;
import io.modelkeeper.api.v1alpha1.StepSpec;
import io.modelkeeper.api.v1alpha1.TrafficSpec;
import io.modelkeeper.operator.workload.ModelVersion;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A ModelDeployment's spec once {@link SpecValidator} accepted it: durations parsed, defaults
 * applied, read once per reconcile. Each step takes the part it needs; thresholds that need no
 * parsing are read from the spec objects the parts carry.
 *
 * @param model the model file to serve: the one spec.model names, or a retrained one descending
 *     from it
 * @param replicas pods of the serving version
 * @param gpus GPUs per pod
 * @param monitoring serving figures and objectives, or null when spec.monitoring is not set
 * @param rollout how a new model file is rolled out
 */
public record CheckedSpec(
    ModelVersion model, int replicas, int gpus, Monitoring monitoring, Rollout rollout) {

  /** The typed view of a spec that passed {@link SpecValidator#check}. */
  static CheckedSpec of(ModelDeploymentSpec spec) {
    return new CheckedSpec(
        ModelVersion.of(spec.getModel()),
        spec.getServing().getReplicas(),
        spec.getServing().getGpus(),
        Monitoring.of(spec.getMonitoring()),
        Rollout.of(spec.getRollout()));
  }

  /**
   * The same spec serving another file than spec.model names: a retrained candidate descending from
   * it, or a retrained file already serving.
   */
  public CheckedSpec serving(ModelVersion file) {
    return file.equals(model) ? this : new CheckedSpec(file, replicas, gpus, monitoring, rollout);
  }

  /** How often the serving version's figures are read, and the objectives they are held against. */
  public record Monitoring(Duration interval, Slo slo) {

    static Monitoring of(MonitoringSpec monitoring) {
      return monitoring == null
          ? null
          : new Monitoring(Durations.parse(monitoring.getInterval()), Slo.of(monitoring.getSlo()));
    }
  }

  /**
   * spec.monitoring.slo with its durations parsed.
   *
   * @param holdFor how long an objective stays crossed before the version is Degraded
   * @param maxLatencyP99 the latency objective, or null
   */
  public record Slo(SloSpec spec, Duration holdFor, Duration maxLatencyP99) {

    /** The objectives of {@code slo}, or null when none are set. */
    public static Slo of(SloSpec slo) {
      if (slo == null) {
        return null;
      }
      return new Slo(
          slo,
          Durations.parse(Objects.requireNonNullElse(slo.getHoldFor(), SloSpec.DEFAULT_FOR)),
          slo.getMaxLatencyP99() == null ? null : Durations.parse(slo.getMaxLatencyP99()));
    }

    /** The hold as the user wrote it, for messages. */
    public String holdForText() {
      return Objects.requireNonNullElse(spec.getHoldFor(), SloSpec.DEFAULT_FOR);
    }
  }

  /**
   * spec.rollout with its durations parsed.
   *
   * @param steps the canary's steps in order
   * @param analysisInterval time between two checks
   * @param progressDeadline how long a step may be extended for lack of evidence
   * @param maxLatencyP99 the analysis' absolute latency gate, or null
   */
  public record Rollout(
      RolloutSpec spec,
      List<Step> steps,
      Duration analysisInterval,
      Duration progressDeadline,
      Duration maxLatencyP99) {

    /** The typed view of one rollout spec; the judge's tests build theirs this way. */
    public static Rollout of(RolloutSpec rollout) {
      AnalysisSpec analysis = rollout.getAnalysis();
      return new Rollout(
          rollout,
          rollout.getSteps().stream().map(Step::of).toList(),
          Durations.parse(analysis.getInterval()),
          Durations.parse(rollout.getProgressDeadline()),
          analysis.getMaxLatencyP99() == null
              ? null
              : Durations.parse(analysis.getMaxLatencyP99()));
    }

    public AnalysisSpec analysis() {
      return spec.getAnalysis();
    }

    public TrafficSpec traffic() {
      return spec.getTraffic();
    }

    public boolean paused() {
      return Boolean.TRUE.equals(spec.getPaused());
    }

    public Integer maxExtraGpus() {
      return spec.getMaxExtraGpus();
    }
  }

  /** One canary step: the canary's weight in percent, held for at least the duration. */
  public record Step(int weight, Duration duration) {

    static Step of(StepSpec step) {
      return new Step(step.getWeight(), Durations.parse(step.getDuration()));
    }
  }
}

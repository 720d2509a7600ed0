package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** How a new model version replaces the serving one: canary steps, analysis gates and routing. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutSpec extends KnownFields {

  /**
   * Written out index by index for the at most ten steps, because standard CEL has no indexed
   * iteration that every supported Kubernetes version and the test evaluator both understand.
   */
  static final String STEPS_INCREASING =
      "(size(self) < 2 || self[0].weight < self[1].weight) && (size(self) < 3 || self[1].weight < self[2].weight) && (size(self) < 4 || self[2].weight < self[3].weight) && (size(self) < 5 || self[3].weight < self[4].weight) && (size(self) < 6 || self[4].weight < self[5].weight) && (size(self) < 7 || self[5].weight < self[6].weight) && (size(self) < 8 || self[6].weight < self[7].weight) && (size(self) < 9 || self[7].weight < self[8].weight) && (size(self) < 10 || self[8].weight < self[9].weight)";

  @Size(max = 10)
  @ValidationRule(
      value = STEPS_INCREASING,
      message =
          "rollout.steps weights must be strictly increasing, for example [{weight: 10}, {weight: 50}]")
  @JsonPropertyDescription(
      "Canary steps, in order: the canary gets each weight (percent of traffic) for the step's duration while analysis passes, then is promoted. Weights strictly increasing, each 1-100, at most 10 steps. Empty: a new version replaces the old one as soon as it is ready.")
  private List<StepSpec> steps = new ArrayList<>();

  @JsonPropertyDescription("Gates the canary must pass at every analysis interval.")
  private AnalysisSpec analysis = new AnalysisSpec();

  @JsonPropertyDescription("How traffic is split between the serving version and the canary.")
  private TrafficSpec traffic = new TrafficSpec();

  @Default("false")
  @JsonPropertyDescription("Holds a running canary at its current step until set back to false.")
  private Boolean paused = false;

  @Default("30m")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription(
      "Longest time a step may be extended for lack of traffic before the rollout is marked Failed, as a duration such as 30m.")
  private String progressDeadline = "30m";

  @Min(0)
  @JsonPropertyDescription(
      "Most GPUs the canary may hold on top of the serving version at once. Unset: no limit beyond the canary's own replicas.")
  private Integer maxExtraGpus;

  public List<StepSpec> getSteps() {
    return steps;
  }

  public void setSteps(List<StepSpec> steps) {
    this.steps = steps;
  }

  public AnalysisSpec getAnalysis() {
    return analysis;
  }

  public void setAnalysis(AnalysisSpec analysis) {
    this.analysis = analysis;
  }

  public TrafficSpec getTraffic() {
    return traffic;
  }

  public void setTraffic(TrafficSpec traffic) {
    this.traffic = traffic;
  }

  public Boolean getPaused() {
    return paused;
  }

  public void setPaused(Boolean paused) {
    this.paused = paused;
  }

  public String getProgressDeadline() {
    return progressDeadline;
  }

  public void setProgressDeadline(String progressDeadline) {
    this.progressDeadline = progressDeadline;
  }

  public Integer getMaxExtraGpus() {
    return maxExtraGpus;
  }

  public void setMaxExtraGpus(Integer maxExtraGpus) {
    this.maxExtraGpus = maxExtraGpus;
  }
}

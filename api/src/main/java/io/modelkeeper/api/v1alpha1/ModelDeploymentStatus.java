package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.ArrayList;
import java.util.List;

/** What the operator observed and decided; written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelDeploymentStatus {

  @JsonPropertyDescription(
      "Summary of the state: Pending, Ready, Progressing, Promoting, RollingBack, Degraded or Failed.")
  private Phase phase;

  @JsonPropertyDescription("metadata.generation of the spec this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "In-cluster URL of the model's inference API, for example http://fraud.ml.svc.cluster.local/v2/models/fraud.")
  private String endpoint;

  @StatusReplicas
  @JsonPropertyDescription(
      "Ready pods of the serving version: what the scale subresource reports to kubectl and"
          + " autoscalers.")
  private Integer replicas;

  @JsonPropertyDescription(
      "Fields of the spec this operator does not know and ignored, such as spec.serving.replcas: a"
          + " typo applied without validation, or a field of a newer CRD than the operator.")
  private List<String> unknownFields;

  @LabelSelector
  @JsonPropertyDescription(
      "Label selector of the model's pods, for the scale subresource (a HorizontalPodAutoscaler"
          + " reads their metrics through it).")
  private String selector;

  @JsonPropertyDescription("The version that serves traffic: the last one that became ready.")
  private ArmStatus stable;

  @JsonPropertyDescription("The version being rolled out beside the stable one, if any.")
  private CanaryStatus canary;

  @JsonPropertyDescription(
      "The last version (exactly this version, uri and sha256) rolled back or failed; it is not tried again until spec.model changes.")
  private ArmStatus rejected;

  @JsonPropertyDescription(
      "The promote and abort annotations the operator has acted on (or seen while no canary ran); each acts once, and is forgotten when removed.")
  private List<ManualAction> manualActions = new ArrayList<>();

  @JsonPropertyDescription(
      "The last rollout decision in a few words, for kubectl get (for example \"waiting: 120/200 requests\" or \"failed check 1/2: error rate\"); status.canary.analysis keeps the full reason and figures.")
  private String lastDecision;

  @JsonPropertyDescription(
      "The stable version's quality and drift figures rounded for people (kubectl get columns); status.metrics keeps them at full precision.")
  private DisplayFigures display;

  @JsonPropertyDescription("Latest serving and quality figures of the stable version.")
  private MetricsStatus metrics;

  @JsonPropertyDescription(
      "Objectives of spec.monitoring.slo that the serving version's latest figures cross, each with the time of the first reading that crossed it; absent when none is crossed. Kept here so an operator restart neither resets nor skips the spec.monitoring.slo.for clock.")
  private List<SloCrossing> sloCrossings;

  @JsonPropertyDescription("Outcomes of past rollouts, newest last.")
  private List<HistoryEntry> history = new ArrayList<>();

  @JsonPropertyDescription(
      "Ready, Progressing and Degraded conditions, and the kstatus conditions Reconciling and"
          + " Stalled (read by Flux), each with reason, message and observedGeneration.")
  private List<Condition> conditions = new ArrayList<>();

  public Phase getPhase() {
    return phase;
  }

  public void setPhase(Phase phase) {
    this.phase = phase;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public String getEndpoint() {
    return endpoint;
  }

  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }

  public ArmStatus getStable() {
    return stable;
  }

  public void setStable(ArmStatus stable) {
    this.stable = stable;
  }

  public CanaryStatus getCanary() {
    return canary;
  }

  public void setCanary(CanaryStatus canary) {
    this.canary = canary;
  }

  public MetricsStatus getMetrics() {
    return metrics;
  }

  public void setMetrics(MetricsStatus metrics) {
    this.metrics = metrics;
  }

  public List<SloCrossing> getSloCrossings() {
    return sloCrossings;
  }

  public void setSloCrossings(List<SloCrossing> sloCrossings) {
    this.sloCrossings = sloCrossings == null || sloCrossings.isEmpty() ? null : sloCrossings;
  }

  public List<HistoryEntry> getHistory() {
    return history;
  }

  public void setHistory(List<HistoryEntry> history) {
    this.history = history;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public ArmStatus getRejected() {
    return rejected;
  }

  public void setRejected(ArmStatus rejected) {
    this.rejected = rejected;
  }

  public List<ManualAction> getManualActions() {
    return manualActions;
  }

  public void setManualActions(List<ManualAction> manualActions) {
    this.manualActions = manualActions;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public String getSelector() {
    return selector;
  }

  public void setSelector(String selector) {
    this.selector = selector;
  }

  public List<String> getUnknownFields() {
    return unknownFields;
  }

  public void setUnknownFields(List<String> unknownFields) {
    this.unknownFields = unknownFields;
  }

  public String getLastDecision() {
    return lastDecision;
  }

  public void setLastDecision(String lastDecision) {
    this.lastDecision = lastDecision;
  }

  public DisplayFigures getDisplay() {
    return display;
  }

  public void setDisplay(DisplayFigures display) {
    this.display = display;
  }
}

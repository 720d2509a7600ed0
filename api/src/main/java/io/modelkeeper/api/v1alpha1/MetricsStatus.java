package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * Serving and quality figures of one version; absent figures were not measured (no labels yet, a
 * task without that figure, or undefined over the window), never zero.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MetricsStatus {

  @JsonPropertyDescription("Requests counted over the interval.")
  private Long requests;

  @JsonPropertyDescription("Requests answered with an error (4xx or 5xx) over the interval.")
  private Long errors;

  @JsonPropertyDescription("Share of requests answered with an error (4xx or 5xx), 0-1.")
  private Double errorRate;

  @JsonPropertyDescription("Median request latency in seconds.")
  private Double latencyP50Seconds;

  @JsonPropertyDescription("99th-percentile request latency in seconds.")
  private Double latencyP99Seconds;

  @JsonPropertyDescription(
      "Labelled predictions in the quality window, summed over the version's pods: the sample size of the quality figures.")
  private Long labelled;

  @JsonPropertyDescription("Accuracy over the quality window, 0-1. Classification only.")
  private Double accuracy;

  @JsonPropertyDescription(
      "Precision over the quality window, 0-1: of the positive class for binary classification, the macro average over classes for multiclass.")
  private Double precision;

  @JsonPropertyDescription(
      "Recall over the quality window, 0-1: of the positive class for binary classification, the macro average over classes for multiclass.")
  private Double recall;

  @JsonPropertyDescription(
      "F1 score over the quality window, 0-1: of the positive class for binary classification, the macro average over classes for multiclass.")
  private Double f1;

  @JsonPropertyDescription(
      "Area under the ROC curve over the quality window, 0-1 (multiclass: macro one-vs-rest).")
  private Double auc;

  @JsonPropertyDescription(
      "Log loss (cross-entropy) over the quality window; lower is better. Classification only.")
  private Double logLoss;

  @JsonPropertyDescription("Mean absolute error over the quality window. Regression only.")
  private Double mae;

  @JsonPropertyDescription("Root mean squared error over the quality window. Regression only.")
  private Double rmse;

  @JsonPropertyDescription(
      "Coefficient of determination (R squared) over the quality window; 1 is perfect, below 0 is worse than predicting the mean. Regression only.")
  private Double r2;

  @JsonPropertyDescription("Overall input drift score (population stability index).")
  private Double drift;

  @JsonPropertyDescription(
      "The features that drive the version's predictions most on live traffic, most important first (at most five): mean absolute Shapley attribution over the sampled live requests in the quality window. Absent when the model server does not explain live traffic.")
  private List<FeatureImportance> topFeatures;

  @JsonPropertyDescription(
      "The input features that drifted most from the drift reference, most drifted first (at most five): each feature's population stability index, the highest over the version's pods. Absent when the model server has no drift reference yet.")
  private List<FeatureDrift> driftedFeatures;

  @JsonPropertyDescription("When these figures were read (RFC 3339).")
  private String observedAt;

  public List<FeatureImportance> getTopFeatures() {
    return topFeatures;
  }

  public void setTopFeatures(List<FeatureImportance> topFeatures) {
    this.topFeatures = topFeatures;
  }

  public List<FeatureDrift> getDriftedFeatures() {
    return driftedFeatures;
  }

  public void setDriftedFeatures(List<FeatureDrift> driftedFeatures) {
    this.driftedFeatures = driftedFeatures;
  }

  public Long getRequests() {
    return requests;
  }

  public void setRequests(Long requests) {
    this.requests = requests;
  }

  public Double getErrorRate() {
    return errorRate;
  }

  public void setErrorRate(Double errorRate) {
    this.errorRate = errorRate;
  }

  public Double getLatencyP50Seconds() {
    return latencyP50Seconds;
  }

  public void setLatencyP50Seconds(Double latencyP50Seconds) {
    this.latencyP50Seconds = latencyP50Seconds;
  }

  public Double getLatencyP99Seconds() {
    return latencyP99Seconds;
  }

  public void setLatencyP99Seconds(Double latencyP99Seconds) {
    this.latencyP99Seconds = latencyP99Seconds;
  }

  public Long getLabelled() {
    return labelled;
  }

  public void setLabelled(Long labelled) {
    this.labelled = labelled;
  }

  public Double getAccuracy() {
    return accuracy;
  }

  public void setAccuracy(Double accuracy) {
    this.accuracy = accuracy;
  }

  public Double getPrecision() {
    return precision;
  }

  public void setPrecision(Double precision) {
    this.precision = precision;
  }

  public Double getRecall() {
    return recall;
  }

  public void setRecall(Double recall) {
    this.recall = recall;
  }

  public Double getF1() {
    return f1;
  }

  public void setF1(Double f1) {
    this.f1 = f1;
  }

  public Double getAuc() {
    return auc;
  }

  public void setAuc(Double auc) {
    this.auc = auc;
  }

  public Double getLogLoss() {
    return logLoss;
  }

  public void setLogLoss(Double logLoss) {
    this.logLoss = logLoss;
  }

  public Double getMae() {
    return mae;
  }

  public void setMae(Double mae) {
    this.mae = mae;
  }

  public Double getRmse() {
    return rmse;
  }

  public void setRmse(Double rmse) {
    this.rmse = rmse;
  }

  public Double getR2() {
    return r2;
  }

  public void setR2(Double r2) {
    this.r2 = r2;
  }

  public Double getDrift() {
    return drift;
  }

  public void setDrift(Double drift) {
    this.drift = drift;
  }

  public String getObservedAt() {
    return observedAt;
  }

  public void setObservedAt(String observedAt) {
    this.observedAt = observedAt;
  }

  public Long getErrors() {
    return errors;
  }

  public void setErrors(Long errors) {
    this.errors = errors;
  }
}

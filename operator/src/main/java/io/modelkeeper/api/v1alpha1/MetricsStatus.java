package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Serving and quality figures of one version; absent figures were not measured. */
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

    @JsonPropertyDescription("Labelled predictions in the quality window.")
    private Long labelled;

    @JsonPropertyDescription("Accuracy over the quality window, 0-1.")
    private Double accuracy;

    @JsonPropertyDescription("Precision over the quality window, 0-1.")
    private Double precision;

    @JsonPropertyDescription("Recall over the quality window, 0-1.")
    private Double recall;

    @JsonPropertyDescription("F1 score over the quality window, 0-1.")
    private Double f1;

    @JsonPropertyDescription("Area under the ROC curve over the quality window, 0-1.")
    private Double auc;

    @JsonPropertyDescription("Overall input drift score (population stability index).")
    private Double drift;

    @JsonPropertyDescription("When these figures were read (RFC 3339).")
    private String observedAt;

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

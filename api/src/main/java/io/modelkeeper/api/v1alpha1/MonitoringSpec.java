package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/** What the operator watches on the serving version and which objectives it holds it to. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.slo) || !has(self.slo.minAccuracy) || !has(self.task) || self.task != 'regression'",
    message =
        "monitoring.slo.minAccuracy needs a classification task; a regression model has no accuracy (remove minAccuracy or set monitoring.task)")
public class MonitoringSpec extends KnownFields {

  @JsonPropertyDescription(
      "What the model predicts, which decides the quality metrics: binary-classification, multiclass-classification or regression. Without it only serving metrics are watched.")
  private ModelTask task;

  @Default("1000")
  @Min(10)
  @Max(1000000)
  @JsonPropertyDescription(
      "Number of most recent labelled predictions over which quality (accuracy, F1, AUC...) is computed.")
  private Integer window = 1000;

  @Default("30s")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription(
      "How often the operator reads the serving version's metrics, as a duration such as 30s.")
  private String interval = "30s";

  @Default("pods")
  @JsonPropertyDescription(
      "Where metrics are read from: pods (scrape each pod's /metrics directly) or prometheus (PromQL against prometheusUrl or the operator's configured Prometheus).")
  private MetricsProvider provider = MetricsProvider.PODS;

  @Pattern("^https?://[^\\s]+$")
  @JsonPropertyDescription(
      "Prometheus base URL used when provider is prometheus, for example http://prometheus.monitoring:9090. Defaults to the operator's setting.")
  private String prometheusUrl;

  @JsonPropertyDescription(
      "Service-level objectives of the serving version; one that stays crossed for slo.for sets the Degraded condition.")
  private SloSpec slo;

  @JsonPropertyDescription(
      "Explanations by the model servers: the share of live requests explained for live importance, and the names of the input's features.")
  private ExplanationsSpec explanations;

  public ExplanationsSpec getExplanations() {
    return explanations;
  }

  public void setExplanations(ExplanationsSpec explanations) {
    this.explanations = explanations;
  }

  public ModelTask getTask() {
    return task;
  }

  public void setTask(ModelTask task) {
    this.task = task;
  }

  public Integer getWindow() {
    return window;
  }

  public void setWindow(Integer window) {
    this.window = window;
  }

  public String getInterval() {
    return interval;
  }

  public void setInterval(String interval) {
    this.interval = interval;
  }

  public MetricsProvider getProvider() {
    return provider;
  }

  public void setProvider(MetricsProvider provider) {
    this.provider = provider;
  }

  public String getPrometheusUrl() {
    return prometheusUrl;
  }

  public void setPrometheusUrl(String prometheusUrl) {
    this.prometheusUrl = prometheusUrl;
  }

  public SloSpec getSlo() {
    return slo;
  }

  public void setSlo(SloSpec slo) {
    this.slo = slo;
  }
}

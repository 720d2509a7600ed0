package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/** How a run trains: mode, limits, parameters and the Job that does it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TrainingSpec extends KnownFields {

  @Default("incremental")
  @JsonPropertyDescription(
      "full: train from scratch on the rows; incremental: warm start from the serving model.")
  private TrainingMode mode = TrainingMode.INCREMENTAL;

  @Default("1h")
  @Pattern(Durations.LONG_PATTERN)
  @JsonPropertyDescription(
      "Longest a training or evaluation Job may run (its activeDeadlineSeconds), such as 1h; past it the run fails.")
  private String activeDeadline = "1h";

  @Default("1")
  @Min(1)
  @Max(64)
  @JsonPropertyDescription(
      "Training workers. Above 1 the Job is Indexed (completionMode Indexed) with a headless Service named like the Job so workers find each other (<job>-<index>.<job>); the result is worker 0's.")
  private Integer parallelism = 1;

  @Default("0")
  @Min(0)
  @Max(10)
  @JsonPropertyDescription(
      "Retries of a failed training pod before the run fails (the Job's backoffLimit).")
  private Integer backoffLimit = 0;

  @Size(max = 64)
  @JsonPropertyDescription(
      "Hyperparameters given to the training pod (names of letters, digits and '_', starting with a letter; values at most 1024 characters): each as MODELKEEPER_PARAM_<NAME upper-cased>, all together as the JSON object MODELKEEPER_HYPERPARAMETERS.")
  private Map<String, String> hyperparameters = new LinkedHashMap<>();

  @PreserveUnknownFields
  @SchemaFrom(type = JobTemplate.class)
  @JsonPropertyDescription(
      "A batch/v1 JobTemplateSpec (metadata and spec) for the training Job: any image that follows the training-pod contract. The operator adds its volumes, environment, deadline, retries, labels and owner without dropping any field given here. Omitted: the reference trainer of the operator's trainer image.")
  private JobTemplateSpec template;

  /** The schema of the template: any object, checked by the API server when the Job is made. */
  static final class JobTemplate {}

  public TrainingMode getMode() {
    return mode;
  }

  public void setMode(TrainingMode mode) {
    this.mode = mode;
  }

  public String getActiveDeadline() {
    return activeDeadline;
  }

  public void setActiveDeadline(String activeDeadline) {
    this.activeDeadline = activeDeadline;
  }

  public Integer getParallelism() {
    return parallelism;
  }

  public void setParallelism(Integer parallelism) {
    this.parallelism = parallelism;
  }

  public Integer getBackoffLimit() {
    return backoffLimit;
  }

  public void setBackoffLimit(Integer backoffLimit) {
    this.backoffLimit = backoffLimit;
  }

  public Map<String, String> getHyperparameters() {
    return hyperparameters;
  }

  public void setHyperparameters(Map<String, String> hyperparameters) {
    this.hyperparameters = hyperparameters;
  }

  public JobTemplateSpec getTemplate() {
    return template;
  }

  public void setTemplate(JobTemplateSpec template) {
    this.template = template;
  }
}

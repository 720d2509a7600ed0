package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** What the user asks for: which model, how it is served, watched and rolled out. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelDeploymentSpec extends KnownFields {

  @Required
  @JsonPropertyDescription(
      "The model to serve: name, version, where to fetch it from and its checksum.")
  private ModelSpec model;

  @JsonPropertyDescription(
      "How the model-server pods run: replicas, GPUs, image, batching, resources and scheduling.")
  private ServingSpec serving = new ServingSpec();

  @JsonPropertyDescription(
      "What the operator watches on the serving version: the model's task, the quality window and the service-level objectives.")
  private MonitoringSpec monitoring = new MonitoringSpec();

  @JsonPropertyDescription(
      "How a new model version is rolled out: canary steps, analysis gates and traffic routing.")
  private RolloutSpec rollout = new RolloutSpec();

  public ModelSpec getModel() {
    return model;
  }

  public void setModel(ModelSpec model) {
    this.model = model;
  }

  public ServingSpec getServing() {
    return serving;
  }

  public void setServing(ServingSpec serving) {
    this.serving = serving;
  }

  public MonitoringSpec getMonitoring() {
    return monitoring;
  }

  public void setMonitoring(MonitoringSpec monitoring) {
    this.monitoring = monitoring;
  }

  public RolloutSpec getRollout() {
    return rollout;
  }

  public void setRollout(RolloutSpec rollout) {
    this.rollout = rollout;
  }
}

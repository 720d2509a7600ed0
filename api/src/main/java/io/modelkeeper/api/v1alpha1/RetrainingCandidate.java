package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A blessed model offered to the ModelDeployment: the hand-off of a retraining. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RetrainingCandidate {

  @JsonPropertyDescription("The RetrainingRun that made it.")
  private String run;

  @JsonPropertyDescription("Version it is served as: <base version>-r<run number>.")
  private String version;

  @JsonPropertyDescription("Where it is: pvc://<output claim>/<run>/model.onnx.")
  private String uri;

  @JsonPropertyDescription("sha256 of the model file, as the run wrote it.")
  private String sha256;

  @JsonPropertyDescription(
      "The ModelDeployment's spec.model it descends from; served only while spec.model is still that.")
  private ModelRef base;

  @JsonPropertyDescription(
      "True when it may be rolled out: at once with rollout automatic, after the approve annotation with rollout manual.")
  private Boolean approved;

  public String getRun() {
    return run;
  }

  public void setRun(String run) {
    this.run = run;
  }

  public String getVersion() {
    return version;
  }

  public void setVersion(String version) {
    this.version = version;
  }

  public String getUri() {
    return uri;
  }

  public void setUri(String uri) {
    this.uri = uri;
  }

  public String getSha256() {
    return sha256;
  }

  public void setSha256(String sha256) {
    this.sha256 = sha256;
  }

  public ModelRef getBase() {
    return base;
  }

  public void setBase(ModelRef base) {
    this.base = base;
  }

  public Boolean getApproved() {
    return approved;
  }

  public void setApproved(Boolean approved) {
    this.approved = approved;
  }
}

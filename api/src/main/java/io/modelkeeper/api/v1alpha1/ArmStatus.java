package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One running version of the model (the stable arm, or the canary's workload). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ArmStatus {

  @JsonPropertyDescription("Model version.")
  private String version;

  @JsonPropertyDescription(
      "Model URI of this version, without userinfo, query string or fragment (they can hold credentials); the revision tells files apart.")
  private String uri;

  @JsonPropertyDescription("sha256 of this version, when the spec gave one.")
  private String sha256;

  @JsonPropertyDescription("sha256 of this version's reference.json, when the spec gave one.")
  private String referenceSha256;

  public String getReferenceSha256() {
    return referenceSha256;
  }

  public void setReferenceSha256(String referenceSha256) {
    this.referenceSha256 = referenceSha256;
  }

  @JsonPropertyDescription(
      "Revision: a short hash of version, uri, sha256 and referenceSha256 that tells apart two files under one version; also the label modelkeeper.io/revision of its pods.")
  private String revision;

  @JsonPropertyDescription(
      "The RetrainingRun that made this model, when a ModelRetraining retrained it rather than spec.model naming it.")
  private String run;

  @JsonPropertyDescription(
      "Revision of the spec.model a retrained model descends from; a spec.model of another revision replaces it.")
  private String retrainedFrom;

  @JsonPropertyDescription("Name of the Deployment running this version.")
  private String deployment;

  @JsonPropertyDescription("Pods asked for.")
  private Integer replicas;

  @JsonPropertyDescription("Pods ready to serve.")
  private Integer readyReplicas;

  public String getVersion() {
    return version;
  }

  public void setVersion(String version) {
    this.version = version;
  }

  public String getRun() {
    return run;
  }

  public void setRun(String run) {
    this.run = run;
  }

  public String getRetrainedFrom() {
    return retrainedFrom;
  }

  public void setRetrainedFrom(String retrainedFrom) {
    this.retrainedFrom = retrainedFrom;
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

  public String getRevision() {
    return revision;
  }

  public void setRevision(String revision) {
    this.revision = revision;
  }

  public String getDeployment() {
    return deployment;
  }

  public void setDeployment(String deployment) {
    this.deployment = deployment;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public Integer getReadyReplicas() {
    return readyReplicas;
  }

  public void setReadyReplicas(Integer readyReplicas) {
    this.readyReplicas = readyReplicas;
  }
}

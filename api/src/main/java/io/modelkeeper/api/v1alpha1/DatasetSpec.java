package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Where a retraining's labelled rows live (a claim, or an s3:// prefix) and which a run uses. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.claimName) != has(self.uri)",
    message = "dataset: set exactly one of dataset.claimName and dataset.uri")
@ValidationRule(
    value = "has(self.uri) || !(has(self.s3) || has(self.credentialsSecret))",
    message = "dataset.s3 and dataset.credentialsSecret are for an s3:// dataset.uri only")
public class DatasetSpec extends KnownFields {

  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @Size(max = 253)
  @JsonPropertyDescription(
      "PersistentVolumeClaim (ReadWriteMany) holding the captured labelled rows. The ModelDeployment's model-server pods write finished *.jsonl capture files under <modeldeployment>/ on it; training and evaluation pods mount it read-only. Exactly one of claimName and uri.")
  private String claimName;

  @Pattern(OutputSpec.URI_PATTERN)
  @Size(max = 1024)
  @JsonPropertyDescription(
      "An s3:// prefix holding the captured labelled rows instead of a claim, ending with '/': s3://<bucket>/<prefix>/. The ModelDeployment's model-server pods capture into a local emptyDir and upload each finished file to <prefix>/<modeldeployment>/<file>.jsonl; training and evaluation pods download the finished *.jsonl objects no older than maxAge into an emptyDir read at the same path as a claim's. Exactly one of claimName and uri.")
  private String uri;

  @JsonPropertyDescription(
      "Settings of the store of an s3:// uri: endpoint, region, path-style addressing, as spec.model.s3 of a ModelDeployment. Only with uri.")
  private S3Spec s3;

  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @Size(max = 253)
  @JsonPropertyDescription(
      "Optional name of a Secret in this namespace with keys AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), as spec.model.credentialsSecret of a ModelDeployment. It is mounted read-only into the dataset download container of training and evaluation pods, and into the model-server container of the ModelDeployment's pods, which upload their capture files with it. Unset: the pod's identity (the default AWS credentials chain). Only with uri.")
  private String credentialsSecret;

  @Default("4Gi")
  @Pattern(FetchSpec.BYTES_PATTERN)
  @JsonPropertyDescription(
      "With uri: the most a training or evaluation pod downloads, all objects together, as a quantity such as 4Gi; also the size limit of the emptyDir they go into. Objects that are not used (older than maxAge) do not count. More than this fails the run naming this field, as does a single object over 256Mi (four times the largest capture file of the model-server pods' default).")
  private String maxDownloadSize = "4Gi";

  @Default("30d")
  @Pattern(Durations.LONG_PATTERN)
  @JsonPropertyDescription(
      "Rows captured longer ago than this are not used, as a duration such as 30d or 12h.")
  private String maxAge = "30d";

  @Default("100")
  @Min(1)
  @JsonPropertyDescription(
      "Fewest labelled rows a run needs; with fewer, no run starts and status says so.")
  private Long minRows = 100L;

  @Default("0.2")
  @Min(0.01)
  @Max(0.9)
  @JsonPropertyDescription(
      "Fraction of rows never trained on, kept for the blessing; a row is held out when sha256(<prediction id>:<row>) read as a fraction is below it, so trainer and evaluator agree without coordinating.")
  private Double holdoutFraction = 0.2;

  public String getClaimName() {
    return claimName;
  }

  public void setClaimName(String claimName) {
    this.claimName = claimName;
  }

  public String getUri() {
    return uri;
  }

  public void setUri(String uri) {
    this.uri = uri;
  }

  public S3Spec getS3() {
    return s3;
  }

  public void setS3(S3Spec s3) {
    this.s3 = s3;
  }

  public String getCredentialsSecret() {
    return credentialsSecret;
  }

  public void setCredentialsSecret(String credentialsSecret) {
    this.credentialsSecret = credentialsSecret;
  }

  public String getMaxDownloadSize() {
    return maxDownloadSize;
  }

  public void setMaxDownloadSize(String maxDownloadSize) {
    this.maxDownloadSize = maxDownloadSize;
  }

  public String getMaxAge() {
    return maxAge;
  }

  public void setMaxAge(String maxAge) {
    this.maxAge = maxAge;
  }

  public Long getMinRows() {
    return minRows;
  }

  public void setMinRows(Long minRows) {
    this.minRows = minRows;
  }

  public Double getHoldoutFraction() {
    return holdoutFraction;
  }

  public void setHoldoutFraction(Double holdoutFraction) {
    this.holdoutFraction = holdoutFraction;
  }
}

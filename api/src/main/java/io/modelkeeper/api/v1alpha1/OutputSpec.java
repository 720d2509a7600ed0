package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Where runs write their results: a claim, or an s3:// prefix. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.claimName) != has(self.uri)",
    message = "output: set exactly one of output.claimName and output.uri")
@ValidationRule(
    value = "has(self.uri) || !(has(self.s3) || has(self.credentialsSecret))",
    message = "output.s3 and output.credentialsSecret are for an s3:// output.uri only")
public class OutputSpec extends KnownFields {

  /** An s3:// prefix: a bucket and an optional path, ending with '/'. */
  public static final String URI_PATTERN = "^s3://[a-z0-9][-a-z0-9.]{1,61}[a-z0-9]/([^\\s]*/)?$";

  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @Size(max = 253)
  @JsonPropertyDescription(
      "PersistentVolumeClaim the runs write to: run <run> writes <run>/model.onnx, reference.json and metrics.json; the candidate is served as pvc://<claimName>/<run>/model.onnx. Exactly one of claimName and uri.")
  private String claimName;

  @Pattern(URI_PATTERN)
  @Size(max = 1024)
  @JsonPropertyDescription(
      "An s3:// prefix the runs write to instead of a claim, ending with '/': s3://<bucket>/<prefix>/. Run <run> uploads <prefix>/<run>/model.onnx, model.onnx.sha256, reference.json and metrics.json, and the candidate is served as s3://<bucket>/<prefix>/<run>/model.onnx with the same s3 settings and credentialsSecret. Only the reference trainer uploads (a training template's image must upload to MODELKEEPER_OUTPUT_URI itself). Exactly one of claimName and uri.")
  private String uri;

  @JsonPropertyDescription(
      "Settings of the store of an s3:// uri: endpoint, region, path-style addressing, as spec.model.s3 of a ModelDeployment. Only with uri.")
  private S3Spec s3;

  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @Size(max = 253)
  @JsonPropertyDescription(
      "Optional name of a Secret in this namespace with keys AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), as spec.model.credentialsSecret of a ModelDeployment. It is mounted read-only into the training pod's trainer container, the evaluation pod's candidate fetch container and the candidate's model pods' fetch container only. Unset: the pod's identity (the default AWS credentials chain). Only with uri.")
  private String credentialsSecret;

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
}

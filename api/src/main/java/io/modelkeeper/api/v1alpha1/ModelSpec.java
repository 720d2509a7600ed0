package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** The ONNX model to serve and where it comes from. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.uri) || !self.uri.startsWith('pvc://') || !(self.uri.contains('/../') ||"
            + " self.uri.endsWith('/..'))",
    message = "model.uri: a pvc:// path may not contain '..' segments (it must stay in its claim)")
@ValidationRule(
    value = "!has(self.credentialsSecret) || !has(self.uri) || !self.uri.startsWith('pvc://')",
    message =
        "model.credentialsSecret: a pvc:// model is mounted, not fetched, so it takes no"
            + " credentials")
@ValidationRule(
    value = "!has(self.s3) || !has(self.uri) || self.uri.startsWith('s3://')",
    message = "model.s3: the S3 settings are for an s3:// model.uri only")
public class ModelSpec extends KnownFields {

  /** The schemes the fetcher reads, and a claim's path; s3:// names a bucket and a key. */
  public static final String URI_PATTERN =
      "^(https?://[^\\s]+|file:///[^\\s]+|pvc://[a-z0-9]([-a-z0-9]*[a-z0-9])?/[^\\s]+"
          + "|s3://[a-z0-9][-a-z0-9.]{1,61}[a-z0-9]/[^\\s]+)$";

  @Pattern("^[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$")
  @Size(max = 63)
  @JsonPropertyDescription(
      "Name of the model in the inference API (/v2/models/{name}). Defaults to metadata.name. Letters, digits, '-', '_' and '.'.")
  private String name;

  @Required
  @Pattern("^[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$")
  @Size(min = 1, max = 63)
  @JsonPropertyDescription(
      "Version of the model, for example \"7\" or \"2024-06-01\". It becomes a label value, so at most 63 letters, digits, '-', '_' or '.'. Changing it rolls the new version out.")
  private String version;

  @Required
  @Pattern(URI_PATTERN)
  @Size(max = 2048)
  @JsonPropertyDescription(
      "Where the ONNX file is fetched from: https://host/path/model.onnx, http://..., s3://<bucket>/<key> (AWS S3 or an S3-compatible store, see s3), file:///path inside the model-server image, or pvc://<claim>/<path> to mount a PersistentVolumeClaim of this namespace read-only (no '..' segments). Status, Events, logs and conditions print it without userinfo, query string or fragment, so a presigned URL or user:password@ never shows there; it stays readable in this spec and in the fetch container's environment.")
  private String uri;

  @Pattern("^[a-fA-F0-9]{64}$")
  @JsonPropertyDescription(
      "Optional SHA-256 of the model file, 64 hex characters. The pods refuse to start a model whose checksum differs, and the version is reported as failed.")
  private String sha256;

  @Pattern("^[a-fA-F0-9]{64}$")
  @JsonPropertyDescription(
      "Optional SHA-256 of the drift reference (reference.json beside the model file), 64 hex characters. When set, the reference must exist and match, or the pods do not start and the version is reported as failed, like a model checksum mismatch.")
  private String referenceSha256;

  public String getReferenceSha256() {
    return referenceSha256;
  }

  public void setReferenceSha256(String referenceSha256) {
    this.referenceSha256 = referenceSha256;
  }

  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @Size(max = 253)
  @JsonPropertyDescription(
      "Optional name of a Secret in this namespace with the credentials for model storage. It is mounted read-only into the fetch-model init container only (never the model server), and for http(s):// the fetcher sends key 'authorization' as the HTTP Authorization header as it is (e.g. 'Bearer <token>'), or keys 'username' and 'password' as basic auth, and follows no redirect; for s3:// it signs with keys AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN when present). Unset for s3://: the default AWS credentials chain, that is the pod's identity (serving.serviceAccountName with IRSA, GKE or Azure workload identity). Not for pvc:// models.")
  private String credentialsSecret;

  @JsonPropertyDescription(
      "Settings of the store an s3:// uri is read from: endpoint, region, path-style addressing. Only with an s3:// uri.")
  private S3Spec s3;

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

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
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
}

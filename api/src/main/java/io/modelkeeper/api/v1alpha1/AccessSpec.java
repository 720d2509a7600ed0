package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Who may reach the model server: a port of their own for the privileged endpoints, and bearer
 * tokens from Secrets.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.adminPort) || self.adminPort != 8080",
    message =
        "serving.access.adminPort must differ from the inference port 8080, for example adminPort: 8081")
public class AccessSpec extends KnownFields {

  @Min(1024)
  @Max(65535)
  @JsonPropertyDescription(
      "Port of the privileged endpoints (feedback, quality, reference, metrics). When set they are"
          + " served there only, inference only on port 8080, and the operator scrapes metrics"
          + " there. Unset: everything on 8080.")
  private Integer adminPort;

  @JsonPropertyDescription(
      "Secret key holding the bearer token the privileged endpoints require. The operator mounts"
          + " it into the server and uses it to scrape metrics; health checks never need a token.")
  private SecretKeyRef adminToken;

  @JsonPropertyDescription(
      "Secret key holding the bearer token inference and model metadata require. Health checks"
          + " never need a token.")
  private SecretKeyRef inferenceToken;

  public Integer getAdminPort() {
    return adminPort;
  }

  public void setAdminPort(Integer adminPort) {
    this.adminPort = adminPort;
  }

  public SecretKeyRef getAdminToken() {
    return adminToken;
  }

  public void setAdminToken(SecretKeyRef adminToken) {
    this.adminToken = adminToken;
  }

  public SecretKeyRef getInferenceToken() {
    return inferenceToken;
  }

  public void setInferenceToken(SecretKeyRef inferenceToken) {
    this.inferenceToken = inferenceToken;
  }
}

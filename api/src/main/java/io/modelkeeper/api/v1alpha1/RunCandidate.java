package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The model file a run produced. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RunCandidate {

  @JsonPropertyDescription("pvc://<output claim>/<run>/model.onnx.")
  private String uri;

  @JsonPropertyDescription("sha256 of the file, as the trainer reported it.")
  private String sha256;

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

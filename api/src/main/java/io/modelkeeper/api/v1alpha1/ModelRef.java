package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The model a candidate descends from, as the ModelDeployment's spec.model names it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelRef {

  @JsonPropertyDescription("spec.model.uri of the ModelDeployment when the run started.")
  private String uri;

  @JsonPropertyDescription("spec.model.version of the ModelDeployment when the run started.")
  private String version;

  public String getUri() {
    return uri;
  }

  public void setUri(String uri) {
    this.uri = uri;
  }

  public String getVersion() {
    return version;
  }

  public void setVersion(String version) {
    this.version = version;
  }
}

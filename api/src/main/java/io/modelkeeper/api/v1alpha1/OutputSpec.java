package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** Where runs write their results. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OutputSpec extends KnownFields {

  @Required
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @Size(max = 253)
  @JsonPropertyDescription(
      "PersistentVolumeClaim the runs write to: run <run> writes <run>/model.onnx, reference.json and metrics.json; the candidate is served as pvc://<claimName>/<run>/model.onnx.")
  private String claimName;

  public String getClaimName() {
    return claimName;
  }

  public void setClaimName(String claimName) {
    this.claimName = claimName;
  }
}

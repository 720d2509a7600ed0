package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How far the live values of one input feature moved from the version's drift reference. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FeatureDrift {

  @JsonPropertyDescription(
      "The feature's name, as the drift reference names it (at most 128 characters: a longer name is cut).")
  private String feature;

  @JsonPropertyDescription(
      "Population stability index of the feature's recent window against the reference: 0 is unchanged; above 0.1 a moderate shift, above 0.2 a large one. The highest over the version's pods.")
  private Double psi;

  public FeatureDrift() {}

  public FeatureDrift(String feature, Double psi) {
    this.feature = feature;
    this.psi = psi;
  }

  public String getFeature() {
    return feature;
  }

  public void setFeature(String feature) {
    this.feature = feature;
  }

  public Double getPsi() {
    return psi;
  }

  public void setPsi(Double psi) {
    this.psi = psi;
  }
}

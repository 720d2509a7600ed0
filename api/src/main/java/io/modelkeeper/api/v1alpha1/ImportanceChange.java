package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One feature's live importance in the stable version and in the canary, side by side. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ImportanceChange {

  @JsonPropertyDescription("The feature's name.")
  private String feature;

  @JsonPropertyDescription(
      "The feature's importance in the stable version; absent when not measured there.")
  private Double stable;

  @JsonPropertyDescription(
      "The feature's importance in the canary; absent when not measured there.")
  private Double canary;

  public ImportanceChange() {}

  public ImportanceChange(String feature, Double stable, Double canary) {
    this.feature = feature;
    this.stable = stable;
    this.canary = canary;
  }

  public String getFeature() {
    return feature;
  }

  public void setFeature(String feature) {
    this.feature = feature;
  }

  public Double getStable() {
    return stable;
  }

  public void setStable(Double stable) {
    this.stable = stable;
  }

  public Double getCanary() {
    return canary;
  }

  public void setCanary(Double canary) {
    this.canary = canary;
  }
}

package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How much one input feature drives a version's predictions on live traffic. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FeatureImportance {

  @JsonPropertyDescription(
      "The feature's name (from the drift reference, the configured names, or f0...fN).")
  private String feature;

  @JsonPropertyDescription(
      "Mean absolute Shapley attribution of the feature over the live requests explained in the quality window, in the model's output units.")
  private Double importance;

  public FeatureImportance() {}

  public FeatureImportance(String feature, Double importance) {
    this.feature = feature;
    this.importance = importance;
  }

  public String getFeature() {
    return feature;
  }

  public void setFeature(String feature) {
    this.feature = feature;
  }

  public Double getImportance() {
    return importance;
  }

  public void setImportance(Double importance) {
    this.importance = importance;
  }
}

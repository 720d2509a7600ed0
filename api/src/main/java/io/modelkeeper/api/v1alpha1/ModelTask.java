package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a model predicts; decides which quality metrics apply. */
public enum ModelTask {
  @JsonProperty("binary-classification")
  BINARY_CLASSIFICATION("binary-classification"),
  @JsonProperty("multiclass-classification")
  MULTICLASS_CLASSIFICATION("multiclass-classification"),
  @JsonProperty("regression")
  REGRESSION("regression");

  private final String value;

  ModelTask(String value) {
    this.value = value;
  }

  /** The value as written in the spec and passed to the model server. */
  public String value() {
    return value;
  }
}

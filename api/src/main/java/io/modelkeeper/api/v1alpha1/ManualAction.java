package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A promote or abort annotation the operator has seen, so that it acts once. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ManualAction {

  @JsonPropertyDescription("The annotation: modelkeeper.io/promote or modelkeeper.io/abort.")
  private String annotation;

  @JsonPropertyDescription("The annotation's value when it was honoured.")
  private String value;

  @JsonPropertyDescription(
      "The canary version it was applied to; unset when no canary ran, so it was ignored.")
  private String version;

  @JsonPropertyDescription("When it was honoured (RFC 3339).")
  private String at;

  public ManualAction() {}

  public ManualAction(String annotation, String value, String version, String at) {
    this.annotation = annotation;
    this.value = value;
    this.version = version;
    this.at = at;
  }

  public String getAnnotation() {
    return annotation;
  }

  public void setAnnotation(String annotation) {
    this.annotation = annotation;
  }

  public String getValue() {
    return value;
  }

  public void setValue(String value) {
    this.value = value;
  }

  public String getVersion() {
    return version;
  }

  public void setVersion(String version) {
    this.version = version;
  }

  public String getAt() {
    return at;
  }

  public void setAt(String at) {
    this.at = at;
  }
}

package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Which ONNX Runtime execution provider the model server uses. */
public enum ExecutionProvider {
  @JsonProperty("auto")
  AUTO,
  @JsonProperty("cuda")
  CUDA,
  @JsonProperty("cpu")
  CPU;

  /** The value as written in the spec and passed to the model server. */
  public String value() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}

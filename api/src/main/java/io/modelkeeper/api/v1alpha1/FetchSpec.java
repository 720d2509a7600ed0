package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/** The fetch-model init container and the volume it downloads the model into. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FetchSpec extends KnownFields {

  /** A Kubernetes quantity of bytes: 512Mi, 4Gi, 2G, 1000000. */
  public static final String BYTES_PATTERN = "^[0-9]+(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$";

  @Pattern(BYTES_PATTERN)
  @JsonPropertyDescription(
      "Memory of the fetch-model init container, requested and as its limit, such as 512Mi or 1Gi. Unset: 256Mi requested, 512Mi limit. The fetcher streams the download to disk, so memory need not grow with the model.")
  private String memory;

  @Pattern(BYTES_PATTERN)
  @JsonPropertyDescription(
      "Size limit of the emptyDir the model is downloaded into, such as 4Gi. The fetcher is told the same limit (MODELKEEPER_MAX_MODEL_SIZE), so a larger model fails the fetch with a message instead of the pod being evicted. Unset: no size limit on the volume, and the fetcher's own limit (2G).")
  private String modelVolumeSize;

  public String getMemory() {
    return memory;
  }

  public void setMemory(String memory) {
    this.memory = memory;
  }

  public String getModelVolumeSize() {
    return modelVolumeSize;
  }

  public void setModelVolumeSize(String modelVolumeSize) {
    this.modelVolumeSize = modelVolumeSize;
  }
}

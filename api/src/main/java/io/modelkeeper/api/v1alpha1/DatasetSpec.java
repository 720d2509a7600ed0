package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** Where a retraining's labelled rows live and which of them a run uses. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DatasetSpec extends KnownFields {

  @Required
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @Size(max = 253)
  @JsonPropertyDescription(
      "PersistentVolumeClaim (ReadWriteMany) holding the captured labelled rows. The ModelDeployment's model-server pods write finished *.jsonl capture files under <modeldeployment>/ on it; training and evaluation pods mount it read-only.")
  private String claimName;

  @Default("30d")
  @Pattern(Durations.LONG_PATTERN)
  @JsonPropertyDescription(
      "Rows captured longer ago than this are not used, as a duration such as 30d or 12h.")
  private String maxAge = "30d";

  @Default("100")
  @Min(1)
  @JsonPropertyDescription(
      "Fewest labelled rows a run needs; with fewer, no run starts and status says so.")
  private Long minRows = 100L;

  @Default("0.2")
  @Min(0.01)
  @Max(0.9)
  @JsonPropertyDescription(
      "Fraction of rows never trained on, kept for the blessing; a row is held out when sha256(<prediction id>:<row>) read as a fraction is below it, so trainer and evaluator agree without coordinating.")
  private Double holdoutFraction = 0.2;

  public String getClaimName() {
    return claimName;
  }

  public void setClaimName(String claimName) {
    this.claimName = claimName;
  }

  public String getMaxAge() {
    return maxAge;
  }

  public void setMaxAge(String maxAge) {
    this.maxAge = maxAge;
  }

  public Long getMinRows() {
    return minRows;
  }

  public void setMinRows(Long minRows) {
    this.minRows = minRows;
  }

  public Double getHoldoutFraction() {
    return holdoutFraction;
  }

  public void setHoldoutFraction(Double holdoutFraction) {
    this.holdoutFraction = holdoutFraction;
  }
}

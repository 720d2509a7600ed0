package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** How the model servers explain predictions: live importance and the names of the features. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ExplanationsSpec extends KnownFields {

  /** Longest feature name; names become label values of the importance series. */
  public static final int MAX_NAME_LENGTH = 128;

  @Min(0)
  @Max(1)
  @JsonPropertyDescription(
      "Share of successful inference requests, 0-1, whose first row the model server explains in the background for live importance (status.metrics.topFeatures, the modelkeeper_feature_importance series). 0 turns live importance off. Defaults to the model server's 0.01. Explanations run on their own low-priority thread and are dropped, never waited for, when it is busy.")
  private Double liveRate;

  // Each name is checked by the operator (a CEL rule over unbounded strings would exceed the API
  // server's cost budget); a bad one is an InvalidSpec condition naming its index.
  @Size(max = 4096)
  @JsonPropertyDescription(
      "Names of the model input's columns, in order, used in explanations, live importance and status. Without them the drift reference's names are used, or f0...fN. Each 1-128 characters without a comma.")
  private List<String> featureNames;

  public Double getLiveRate() {
    return liveRate;
  }

  public void setLiveRate(Double liveRate) {
    this.liveRate = liveRate;
  }

  public List<String> getFeatureNames() {
    return featureNames;
  }

  public void setFeatureNames(List<String> featureNames) {
    this.featureNames = featureNames;
  }
}

package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/**
 * When a candidate is blessed: the figure, its floor and the improvement over the serving model.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ValidationSpec extends KnownFields {

  @Default("accuracy")
  @Pattern("^[a-z][a-z0-9_]*$")
  @Size(max = 32)
  @JsonPropertyDescription(
      "Figure the evaluator compares on the held-out rows: accuracy, auc, f1, precision, recall (higher is better) or rmse, mae (lower is better).")
  private String metric = "accuracy";

  @JsonPropertyDescription(
      "Least value of the figure a candidate must reach (for rmse and mae: most). Unset: no floor.")
  private Double minValue;

  @Default("0")
  @JsonPropertyDescription(
      "How much the candidate must beat the serving model by on the same rows; 0: at least equal.")
  private Double minImprovement = 0.0;

  public String getMetric() {
    return metric;
  }

  public void setMetric(String metric) {
    this.metric = metric;
  }

  public Double getMinValue() {
    return minValue;
  }

  public void setMinValue(Double minValue) {
    this.minValue = minValue;
  }

  public Double getMinImprovement() {
    return minImprovement;
  }

  public void setMinImprovement(Double minImprovement) {
    this.minImprovement = minImprovement;
  }
}

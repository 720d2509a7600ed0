package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** One parameter a tuning run searches, and the values it may take. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "self.type == 'categorical' || (has(self.min) && has(self.max) && double(self.min) < double(self.max))",
    message =
        "tuning.parameters[].min, max: a uniform, logUniform or integer parameter needs min below max, for example {name: learning_rate, type: logUniform, min: 0.0001, max: 0.1}")
@ValidationRule(
    value = "self.type != 'logUniform' || !has(self.min) || double(self.min) > 0.0",
    message =
        "tuning.parameters[].min: a logUniform parameter needs min above 0, for example min: 0.0001")
@ValidationRule(
    value = "self.type != 'categorical' || (has(self.values) && size(self.values) > 0)",
    message =
        "tuning.parameters[].values: a categorical parameter needs at least one value, for example values: [\"32\", \"64,32\"]")
public class TuningParameter extends KnownFields {

  @Required
  @Pattern("^[A-Za-z][A-Za-z0-9_]{0,63}$")
  @Size(max = 64)
  @JsonPropertyDescription(
      "Name of the parameter: letters, digits and '_', starting with a letter; the trial's pod gets it as MODELKEEPER_PARAM_<NAME upper-cased> and in MODELKEEPER_HYPERPARAMETERS.")
  private String name;

  @Required
  @JsonPropertyDescription(
      "uniform (any number from min to max), logUniform (from min to max, evenly in log scale; min above 0), integer (a whole number from min to max, both included) or categorical (one of values).")
  private ParameterType type;

  @JsonPropertyDescription("Lowest value (uniform, logUniform, integer).")
  private Double min;

  @JsonPropertyDescription("Highest value (uniform, logUniform, integer).")
  private Double max;

  @Size(max = 50)
  @ValidationRule(
      value = "self.all(v, size(v) <= 256)",
      message = "tuning.parameters[].values: each value is at most 256 characters")
  @JsonPropertyDescription("The values a categorical parameter takes, as text (at most 50).")
  private List<String> values;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public ParameterType getType() {
    return type;
  }

  public void setType(ParameterType type) {
    this.type = type;
  }

  public Double getMin() {
    return min;
  }

  public void setMin(Double min) {
    this.min = min;
  }

  public Double getMax() {
    return max;
  }

  public void setMax(Double max) {
    this.max = max;
  }

  public List<String> getValues() {
    return values;
  }

  public void setValues(List<String> values) {
    this.values = values;
  }
}

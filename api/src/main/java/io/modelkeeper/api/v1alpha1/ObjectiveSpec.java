package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** What a tuning run optimises: a per-step metric of the trainer and its direction. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ObjectiveSpec extends KnownFields {

  @Required
  @Pattern("^[A-Za-z][A-Za-z0-9_.]*$")
  @Size(max = 64)
  @JsonPropertyDescription(
      "Name of the metric the trials print as per-step metric lines and in their summary, for example val_loss (the reference trainer prints train_loss, val_loss and val_accuracy or val_rmse).")
  private String metric;

  @Default("minimize")
  @JsonPropertyDescription("minimize (a loss) or maximize (an accuracy).")
  private ObjectiveDirection direction = ObjectiveDirection.MINIMIZE;

  public String getMetric() {
    return metric;
  }

  public void setMetric(String metric) {
    this.metric = metric;
  }

  public ObjectiveDirection getDirection() {
    return direction;
  }

  public void setDirection(ObjectiveDirection direction) {
    this.direction = direction;
  }
}

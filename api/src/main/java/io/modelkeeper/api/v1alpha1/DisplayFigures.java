package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The stable version's figures rounded for a table; status.metrics keeps full precision. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DisplayFigures {

  @JsonPropertyDescription("status.metrics.accuracy to three decimals, for example 0.912.")
  private String accuracy;

  @JsonPropertyDescription("status.metrics.f1 to three decimals.")
  private String f1;

  @JsonPropertyDescription("status.metrics.auc to three decimals.")
  private String auc;

  @JsonPropertyDescription("status.metrics.rmse to three significant digits.")
  private String rmse;

  @JsonPropertyDescription("status.metrics.drift to three decimals.")
  private String drift;

  public String getAccuracy() {
    return accuracy;
  }

  public void setAccuracy(String accuracy) {
    this.accuracy = accuracy;
  }

  public String getF1() {
    return f1;
  }

  public void setF1(String f1) {
    this.f1 = f1;
  }

  public String getAuc() {
    return auc;
  }

  public void setAuc(String auc) {
    this.auc = auc;
  }

  public String getRmse() {
    return rmse;
  }

  public void setRmse(String rmse) {
    this.rmse = rmse;
  }

  public String getDrift() {
    return drift;
  }

  public void setDrift(String drift) {
    this.drift = drift;
  }
}

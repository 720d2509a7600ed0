package io.modelkeeper.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A machine-learning model served on Kubernetes, kept healthy and rolled out by ModelKeeper. */
@Group(ModelDeployment.GROUP)
@Version(ModelDeployment.VERSION)
@ShortNames("md")
@AdditionalPrinterColumn(
    name = "VERSION",
    jsonPath = ".status.stable.version",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "CANARY",
    jsonPath = ".status.canary.version",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "STEP",
    jsonPath = ".status.canary.stepDisplay",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "WEIGHT",
    jsonPath = ".status.canary.weight",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "PHASE",
    jsonPath = ".status.phase",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "ACCURACY",
    jsonPath = ".status.display.accuracy",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "DECISION",
    jsonPath = ".status.lastDecision",
    type = AdditionalPrinterColumn.Type.STRING)
// Figures come rounded from status.display (status.metrics keeps full precision). The rest of
// the quality picture only with -o wide (priority 1), so the default table stays readable.
@AdditionalPrinterColumn(
    name = "F1",
    jsonPath = ".status.display.f1",
    type = AdditionalPrinterColumn.Type.STRING,
    priority = 1)
@AdditionalPrinterColumn(
    name = "AUC",
    jsonPath = ".status.display.auc",
    type = AdditionalPrinterColumn.Type.STRING,
    priority = 1)
@AdditionalPrinterColumn(
    name = "RMSE",
    jsonPath = ".status.display.rmse",
    type = AdditionalPrinterColumn.Type.STRING,
    priority = 1)
@AdditionalPrinterColumn(
    name = "LABELLED",
    jsonPath = ".status.metrics.labelled",
    type = AdditionalPrinterColumn.Type.INTEGER,
    priority = 1)
@AdditionalPrinterColumn(
    name = "DRIFT",
    jsonPath = ".status.display.drift",
    type = AdditionalPrinterColumn.Type.STRING,
    priority = 1)
@AdditionalPrinterColumn(
    name = "READY",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "AGE",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
@ValidationRule(
    value =
        "self.metadata.name.size() <= 63 && self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')",
    message =
        "metadata.name must be a DNS label of at most 63 characters (lower-case letters, digits and"
            + " '-', starting with a letter), for example fraud-v2: it names the model's Service and"
            + " labels its pods")
public class ModelDeployment extends CustomResource<ModelDeploymentSpec, ModelDeploymentStatus>
    implements Namespaced {

  public static final String GROUP = "modelkeeper.io";
  public static final String VERSION = "v1alpha1";
}

package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** A reference to a Gateway API HTTPRoute in the ModelDeployment's own namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.__namespace__)",
    message =
        "rollout.traffic.httpRouteRef.namespace: the HTTPRoute must be in the ModelDeployment's own"
            + " namespace (a ModelDeployment cannot weight another namespace's traffic); leave"
            + " namespace out")
public class HttpRouteRef extends KnownFields {

  @Required
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription("Name of the HTTPRoute.")
  private String name;

  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription(
      "Must be left out: the HTTPRoute is always looked up in the ModelDeployment's own"
          + " namespace, so that a ModelDeployment cannot weight another namespace's traffic. Kept"
          + " only so that manifests of earlier releases that set it are refused with this reason.")
  private String namespace;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getNamespace() {
    return namespace;
  }

  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }
}

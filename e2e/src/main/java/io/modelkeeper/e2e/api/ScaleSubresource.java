package io.modelkeeper.e2e.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The {@code /scale} subresource of a kind: where its desired and current replica counts and its
 * label selector live, and the {@code autoscaling/v1} Scale a real API server shows for it.
 */
record ScaleSubresource(
    String specReplicasPath, String statusReplicasPath, String labelSelectorPath) {

  /** Deployments and ReplicaSets: the selector is {@code .spec.selector}, a LabelSelector. */
  static final ScaleSubresource APPS =
      new ScaleSubresource(".spec.replicas", ".status.replicas", ".spec.selector");

  /** The scale subresource a CRD version declares, or null. */
  static ScaleSubresource declaredBy(JsonNode crdVersion) {
    JsonNode scale = crdVersion.path("subresources").path("scale");
    if (!scale.isObject()) {
      return null;
    }
    return new ScaleSubresource(
        scale.path("specReplicasPath").asText(),
        scale.path("statusReplicasPath").asText(),
        scale.path("labelSelectorPath").asText(null));
  }

  /** The Scale of {@code object}. */
  ObjectNode of(JsonNode object) {
    ObjectNode scale = JsonNodeFactory.instance.objectNode();
    scale.put("kind", "Scale");
    scale.put("apiVersion", "autoscaling/v1");
    ObjectNode metadata = scale.putObject("metadata");
    for (String field :
        List.of("name", "namespace", "uid", "resourceVersion", "creationTimestamp")) {
      if (object.path("metadata").has(field)) {
        metadata.set(field, object.path("metadata").get(field));
      }
    }
    scale.putObject("spec").put("replicas", at(object, specReplicasPath).asInt(0));
    ObjectNode status = scale.putObject("status");
    status.put("replicas", at(object, statusReplicasPath).asInt(0));
    if (labelSelectorPath != null) {
      JsonNode selector = at(object, labelSelectorPath);
      if (selector.isTextual()) {
        status.put("selector", selector.asText());
      } else if (selector.isObject()) {
        status.put("selector", selectorString(selector));
      }
    }
    return scale;
  }

  /** Writes {@code replicas} at the spec replicas path, creating the objects on the way. */
  void setReplicas(ObjectNode object, int replicas) {
    String[] parts = specReplicasPath.replaceFirst("^\\.", "").split("\\.");
    ObjectNode node = object;
    for (int i = 0; i < parts.length - 1; i++) {
      node = node.with(parts[i]);
    }
    node.put(parts[parts.length - 1], replicas);
  }

  private static JsonNode at(JsonNode object, String path) {
    JsonNode node = object;
    for (String part : path.replaceFirst("^\\.", "").split("\\.")) {
      node = node.path(part);
    }
    return node;
  }

  /** A LabelSelector as the string form {@code kubectl get -l} takes. */
  static String selectorString(JsonNode selector) {
    List<String> terms = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = selector.path("matchLabels").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> label = it.next();
      terms.add(label.getKey() + "=" + label.getValue().asText());
    }
    for (JsonNode expression : selector.path("matchExpressions")) {
      String key = expression.path("key").asText();
      List<String> values = new ArrayList<>();
      expression.path("values").forEach(v -> values.add(v.asText()));
      switch (expression.path("operator").asText()) {
        case "In" -> terms.add(key + " in (" + String.join(",", values) + ")");
        case "NotIn" -> terms.add(key + " notin (" + String.join(",", values) + ")");
        case "Exists" -> terms.add(key);
        case "DoesNotExist" -> terms.add("!" + key);
        default -> {}
      }
    }
    return String.join(",", terms);
  }
}

package io.modelkeeper.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/** Which GitOps tool, if any, is seen to apply an object: by its marks and its field managers. */
final class GitOpsOwner {

  private static final Map<String, String> ANNOTATIONS =
      Map.of("argocd.argoproj.io/tracking-id", "Argo CD");

  private static final Map<String, String> LABELS =
      Map.of(
          "kustomize.toolkit.fluxcd.io/name", "Flux (Kustomization)",
          "helm.toolkit.fluxcd.io/name", "Flux (HelmRelease)",
          "argocd.argoproj.io/instance", "Argo CD");

  private static final Map<String, String> MANAGERS =
      Map.of(
          "argocd-controller", "Argo CD",
          "argocd-application-controller", "Argo CD",
          "kustomize-controller", "Flux (Kustomization)",
          "helm-controller", "Flux (HelmRelease)");

  private GitOpsOwner() {}

  /** "Argo CD (annotation argocd.argoproj.io/tracking-id)", or empty when none is seen. */
  static Optional<String> of(JsonNode object) {
    JsonNode metadata = object.path("metadata");
    Optional<String> mark = find(metadata.path("annotations"), ANNOTATIONS, "annotation");
    if (mark.isEmpty()) {
      mark = find(metadata.path("labels"), LABELS, "label");
    }
    if (mark.isPresent()) {
      return mark;
    }
    for (JsonNode field : metadata.path("managedFields")) {
      String manager = field.path("manager").asText();
      if (MANAGERS.containsKey(manager)) {
        return Optional.of(MANAGERS.get(manager) + " (field manager " + manager + ")");
      }
    }
    return Optional.empty();
  }

  private static Optional<String> find(JsonNode map, Map<String, String> known, String what) {
    for (Iterator<String> keys = map.fieldNames(); keys.hasNext(); ) {
      String key = keys.next();
      if (known.containsKey(key)) {
        return Optional.of(known.get(key) + " (" + what + " " + key + ")");
      }
    }
    return Optional.empty();
  }
}

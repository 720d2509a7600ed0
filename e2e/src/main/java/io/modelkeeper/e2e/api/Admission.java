package io.modelkeeper.e2e.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a real API server does to an object before it stores it: for custom resources the CRD's
 * structural schema (pruning, defaults, OpenAPI and CEL validation); for built-in kinds the
 * canonical form of resource quantities; for every object the name and label rules.
 */
final class Admission {

  /** The kind a write goes to, and what the server knows about it. */
  record Target(
      String group,
      String kind,
      String plural,
      boolean custom,
      boolean statusSubresource,
      ScaleSubresource scale,
      StructuralSchema schema) {

    String qualifiedPlural() {
      return group.isEmpty() ? plural : plural + "." + group;
    }
  }

  /** What admission changed or refused. */
  record Result(List<FieldError> errors, List<String> pruned) {
    List<String> warnings() {
      return pruned.stream().map(p -> "unknown field \"" + p + "\"").toList();
    }
  }

  private static final ApiResourceCatalog BUILT_IN = ApiResourceCatalog.of(List.of());

  private final KubernetesCrudDispatcher store;
  private final ObjectMapper json = Serialization.jsonMapper();
  private final Map<String, StructuralSchema> schemas = new ConcurrentHashMap<>();

  Admission(KubernetesCrudDispatcher store) {
    this.store = store;
  }

  /** The kind served at a resource path, if any. */
  Optional<Target> target(KubectlDispatcher.ResourcePath path) {
    if (path.plural().isEmpty()) {
      return Optional.empty();
    }
    Optional<ApiResourceCatalog.ResourceType> builtIn =
        BUILT_IN.find(path.group(), path.version(), path.plural());
    if (builtIn.isPresent()) {
      var type = builtIn.get();
      return Optional.of(
          new Target(
              type.group(),
              type.kind(),
              type.plural(),
              false,
              type.statusSubresource(),
              type.scaleSubresource() ? ScaleSubresource.APPS : null,
              null));
    }
    for (JsonNode crd : crds()) {
      JsonNode spec = crd.path("spec");
      if (!spec.path("group").asText().equals(path.group())
          || !spec.path("names").path("plural").asText().equals(path.plural())) {
        continue;
      }
      for (JsonNode version : spec.path("versions")) {
        if (version.path("name").asText().equals(path.version())
            && version.path("served").asBoolean(true)) {
          return Optional.of(
              new Target(
                  path.group(),
                  spec.path("names").path("kind").asText(),
                  path.plural(),
                  true,
                  version.path("subresources").path("status").isObject(),
                  ScaleSubresource.declaredBy(version),
                  schema(crd, version)));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Admits {@code object} (changed in place: pruned, defaulted, canonicalised); {@code old} is the
   * stored object on updates, null on creates.
   */
  Result admit(Target target, ObjectNode object, JsonNode old) {
    List<FieldError> errors =
        new ArrayList<>(ObjectNames.check(target.kind(), object.path("metadata")));
    List<String> pruned = List.of();
    if (target.schema() != null) {
      pruned = target.schema().prune(object);
      target.schema().applyDefaults(object);
      errors.addAll(target.schema().validate(object, old));
    } else {
      if ("batch".equals(target.group()) && "Job".equals(target.kind())) {
        errors.addAll(BuiltInAdmission.job(object, old));
      } else if (target.group().isEmpty() && "PersistentVolumeClaim".equals(target.kind())) {
        errors.addAll(BuiltInAdmission.claim(object, old));
      }
      List<FieldError> quantities = Quantities.invalid(target.kind(), object);
      errors.addAll(quantities);
      if (quantities.isEmpty()) {
        Quantities.canonicaliseObject(target.kind(), object);
      }
    }
    return new Result(errors, pruned);
  }

  private StructuralSchema schema(JsonNode crd, JsonNode version) {
    JsonNode openApi = version.path("schema").path("openAPIV3Schema");
    if (!openApi.isObject()) {
      return null;
    }
    String key =
        crd.path("metadata").path("uid").asText()
            + "/"
            + crd.path("metadata").path("resourceVersion").asText()
            + "/"
            + version.path("name").asText();
    return schemas.computeIfAbsent(key, k -> new StructuralSchema(openApi));
  }

  private List<JsonNode> crds() {
    try {
      String body = store.handleGet(KubectlDispatcher.CRD_PATH).getBody().readUtf8();
      List<JsonNode> items = new ArrayList<>();
      json.readTree(body).path("items").forEach(items::add);
      return items;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

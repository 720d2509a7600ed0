package io.modelkeeper.e2e.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * JSON merge patch (RFC 7386) done right: the CRUD mock appends to lists where the RFC replaces
 * them, which would turn a changed list of conditions or rollout steps into a longer one. This
 * computes the merged object and expresses the change as a JSON patch the mock applies faithfully.
 */
final class MergePatch {

  private MergePatch() {}

  /** The result of applying {@code patch} to {@code target} (neither is modified). */
  static JsonNode apply(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode result =
        target != null && target.isObject()
            ? ((ObjectNode) target).deepCopy()
            : ((ObjectNode) patch).objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> fields = patch.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (field.getValue().isNull()) {
        result.remove(field.getKey());
      } else {
        result.set(field.getKey(), apply(result.get(field.getKey()), field.getValue()));
      }
    }
    return result;
  }

  /** Top-level JSON patch operations that turn {@code current} into {@code wanted}. */
  static ArrayNode asJsonPatch(ObjectMapper json, JsonNode current, JsonNode wanted) {
    ArrayNode operations = json.createArrayNode();
    Set<String> keys = new LinkedHashSet<>();
    current.fieldNames().forEachRemaining(keys::add);
    wanted.fieldNames().forEachRemaining(keys::add);
    for (String key : keys) {
      JsonNode before = current.get(key);
      JsonNode after = wanted.get(key);
      if (after == null) {
        operations.addObject().put("op", "remove").put("path", "/" + key);
      } else if (!after.equals(before)) {
        operations.addObject().put("op", "add").put("path", "/" + key).set("value", after);
      }
    }
    return operations;
  }
}

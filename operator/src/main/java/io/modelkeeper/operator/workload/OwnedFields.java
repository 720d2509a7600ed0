package io.modelkeeper.operator.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Whether an object in the cluster still holds everything the operator wrote, comparing only what
 * the operator owns: its labels and annotations (others may add theirs, such as the Deployment
 * controller's revision annotation), and the spec fields it sets, normalised as a real API server
 * stores them (defaults it fills in are not a difference; {@code cpu: 0.5} is {@code 500m}).
 */
public final class OwnedFields {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Fields whose values are resource quantities, compared by amount. */
  private static final Set<String> QUANTITY_MAPS = Set.of("limits", "requests", "overhead");

  private static final Set<String> QUANTITY_FIELDS = Set.of("sizeLimit");

  private OwnedFields() {}

  /** True when {@code actual} holds every label, annotation and spec field of {@code desired}. */
  public static boolean held(HasMetadata desired, HasMetadata actual) {
    if (!contains(actual.getMetadata().getLabels(), desired.getMetadata().getLabels())
        || !contains(
            actual.getMetadata().getAnnotations(), desired.getMetadata().getAnnotations())) {
      return false;
    }
    JsonNode wanted = JSON.valueToTree(desired).path("spec");
    JsonNode present = JSON.valueToTree(actual).path("spec");
    return subset(wanted, present, "");
  }

  private static boolean contains(Map<String, String> actual, Map<String, String> desired) {
    if (desired == null || desired.isEmpty()) {
      return true;
    }
    return actual != null
        && desired.entrySet().stream()
            .allMatch(entry -> Objects.equals(actual.get(entry.getKey()), entry.getValue()));
  }

  /**
   * Every field of {@code wanted} is in {@code present} with the same value; lists must have the
   * same length, element by element (order matters in containers, env, ports, volumes).
   */
  private static boolean subset(JsonNode wanted, JsonNode present, String field) {
    if (wanted == null || wanted.isNull() || wanted.isMissingNode()) {
      return true;
    }
    if (present == null || present.isNull() || present.isMissingNode()) {
      // The API server leaves out what Go's omitempty drops: empty lists and maps, false, 0, "".
      return zero(wanted);
    }
    if (wanted.isObject()) {
      if (!present.isObject()) {
        return false;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = wanted.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        boolean quantities = QUANTITY_MAPS.contains(field);
        JsonNode other = present.get(entry.getKey());
        boolean same =
            quantities || QUANTITY_FIELDS.contains(entry.getKey())
                ? sameQuantity(entry.getValue(), other)
                : subset(entry.getValue(), other, entry.getKey());
        if (!same) {
          return false;
        }
      }
      return true;
    }
    if (wanted.isArray()) {
      if (!present.isArray() || present.size() != wanted.size()) {
        return false;
      }
      for (int i = 0; i < wanted.size(); i++) {
        if (!subset(wanted.get(i), present.get(i), field)) {
          return false;
        }
      }
      return true;
    }
    return wanted.equals(present) || wanted.asText().equals(present.asText());
  }

  private static boolean zero(JsonNode node) {
    return (node.isContainerNode() && node.isEmpty())
        || (node.isBoolean() && !node.asBoolean())
        || (node.isNumber() && node.asDouble() == 0)
        || (node.isTextual() && node.asText().isEmpty());
  }

  private static boolean sameQuantity(JsonNode wanted, JsonNode present) {
    if (wanted == null || wanted.isNull()) {
      return true;
    }
    if (present == null || present.isNull()) {
      return false;
    }
    Quantity a = quantity(wanted);
    Quantity b = quantity(present);
    try {
      return Quantity.getAmountInBytes(a).compareTo(Quantity.getAmountInBytes(b)) == 0;
    } catch (IllegalArgumentException e) {
      return wanted.equals(present);
    }
  }

  private static Quantity quantity(JsonNode node) {
    if (node.isObject()) {
      return new Quantity(node.path("amount").asText(), node.path("format").asText(null));
    }
    return new Quantity(node.asText());
  }
}

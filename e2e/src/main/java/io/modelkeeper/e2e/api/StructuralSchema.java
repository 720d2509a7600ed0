package io.modelkeeper.e2e.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One CRD version's openAPIV3Schema applied as the API server's structural-schema machinery does:
 * pruning of undeclared fields, dropping of nulls, defaulting, then the OpenAPI checks (types,
 * enums, ranges, lengths, patterns, required fields) and the {@code x-kubernetes-validations} CEL
 * rules. Messages follow the real server's wording.
 */
final class StructuralSchema {

  private static final String PRESERVE = "x-kubernetes-preserve-unknown-fields";
  private static final List<String> ROOT_FIELDS = List.of("apiVersion", "kind", "metadata");

  private final JsonNode schema;
  private final CelRules cel = new CelRules();

  StructuralSchema(JsonNode openApiV3Schema) {
    this.schema = openApiV3Schema;
  }

  /** Removes undeclared fields in place; returns their paths (for Warn and Strict validation). */
  List<String> prune(ObjectNode object) {
    List<String> pruned = new ArrayList<>();
    pruneObject(object, schema, "", true, pruned);
    return pruned;
  }

  private static void pruneObject(
      JsonNode value, JsonNode schema, String path, boolean root, List<String> pruned) {
    if (value instanceof ObjectNode object) {
      JsonNode properties = schema.path("properties");
      JsonNode additional = schema.path("additionalProperties");
      boolean preserve = schema.path(PRESERVE).asBoolean(false);
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        if (root && ROOT_FIELDS.contains(name)) {
          continue;
        }
        String child = path.isEmpty() ? name : path + "." + name;
        if (properties.has(name)) {
          pruneObject(object.get(name), properties.get(name), child, false, pruned);
        } else if (additional.isObject()) {
          pruneObject(object.get(name), additional, child, false, pruned);
        } else if (!preserve && !additional.asBoolean(false)) {
          object.remove(name);
          pruned.add(child);
        }
      }
    } else if (value instanceof ArrayNode array && schema.has("items")) {
      for (int i = 0; i < array.size(); i++) {
        pruneObject(array.get(i), schema.get("items"), path + "[" + i + "]", false, pruned);
      }
    }
  }

  /** Drops nulls the schema does not allow and fills in defaults, in place. */
  void applyDefaults(JsonNode object) {
    defaults(object, schema);
  }

  private static void defaults(JsonNode value, JsonNode schema) {
    if (value instanceof ObjectNode object) {
      JsonNode properties = schema.path("properties");
      for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> property = it.next();
        JsonNode current = object.get(property.getKey());
        if (current != null
            && current.isNull()
            && !property.getValue().path("nullable").asBoolean()) {
          object.remove(property.getKey());
          current = null;
        }
        if (current == null && property.getValue().has("default")) {
          object.set(property.getKey(), property.getValue().get("default").deepCopy());
        }
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        JsonNode child =
            properties.has(field.getKey())
                ? properties.get(field.getKey())
                : schema.path("additionalProperties");
        if (child.isObject()) {
          defaults(field.getValue(), child);
        }
      }
    } else if (value instanceof ArrayNode array && schema.has("items")) {
      array.forEach(item -> defaults(item, schema.get("items")));
    }
  }

  /** Every OpenAPI and CEL rule the object breaks; CEL rules run where the schema holds. */
  List<FieldError> validate(JsonNode object, JsonNode old) {
    List<FieldError> errors = new ArrayList<>();
    JsonNode properties = schema.path("properties");
    for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!ROOT_FIELDS.contains(name) && properties.has(name)) {
        check(object.get(name), properties.get(name), name, errors);
      }
    }
    for (JsonNode required : schema.path("required")) {
      if (!object.has(required.asText())) {
        errors.add(FieldError.required(required.asText(), ""));
      }
    }
    if (errors.isEmpty()) {
      for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!ROOT_FIELDS.contains(name) && properties.has(name)) {
          JsonNode before = old == null ? null : old.get(name);
          cel.check(properties.get(name), object.get(name), before, name, errors);
        }
      }
    }
    return errors;
  }

  private static void check(JsonNode value, JsonNode schema, String path, List<FieldError> errors) {
    if (value.isNull()) {
      if (!schema.path("nullable").asBoolean()) {
        errors.add(
            FieldError.invalid(path, value, path + " in body must be of type " + type(schema)));
      }
      return;
    }
    if (!typeMatches(value, schema)) {
      errors.add(
          FieldError.invalid(
              path,
              value,
              path + " in body must be of type " + type(schema) + ": \"" + jsonType(value) + "\""));
      return;
    }
    if (schema.has("enum")) {
      List<String> options = new ArrayList<>();
      boolean found = false;
      for (JsonNode option : schema.get("enum")) {
        options.add(option.asText());
        found |=
            option.equals(value) || (option.isNumber() && option.asText().equals(value.asText()));
      }
      if (!found) {
        errors.add(FieldError.unsupported(path, value, options));
      }
    }
    if (value.isNumber()) {
      checkRange(value, schema, path, errors);
    }
    if (value.isTextual()) {
      checkString(value, schema, path, errors);
    }
    if (value.isArray()) {
      if (schema.has("maxItems") && value.size() > schema.get("maxItems").asInt()) {
        errors.add(FieldError.tooMany(path, value.size(), schema.get("maxItems").asInt()));
      }
      if (schema.has("minItems") && value.size() < schema.get("minItems").asInt()) {
        errors.add(
            FieldError.invalid(
                path,
                value,
                path
                    + " in body should have at least "
                    + schema.get("minItems").asInt()
                    + " items"));
      }
      if (schema.has("items")) {
        for (int i = 0; i < value.size(); i++) {
          check(value.get(i), schema.get("items"), path + "[" + i + "]", errors);
        }
      }
    }
    if (value.isObject()) {
      JsonNode properties = schema.path("properties");
      JsonNode additional = schema.path("additionalProperties");
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (properties.has(field.getKey())) {
          check(
              field.getValue(),
              properties.get(field.getKey()),
              path + "." + field.getKey(),
              errors);
        } else if (additional.isObject()) {
          check(field.getValue(), additional, path + "." + field.getKey(), errors);
        }
      }
      for (JsonNode required : schema.path("required")) {
        if (!value.has(required.asText())) {
          errors.add(FieldError.required(path + "." + required.asText(), ""));
        }
      }
    }
  }

  private static void checkRange(
      JsonNode value, JsonNode schema, String path, List<FieldError> errors) {
    BigDecimal number = value.decimalValue();
    if (schema.has("minimum")) {
      BigDecimal min = schema.get("minimum").decimalValue();
      boolean exclusive = schema.path("exclusiveMinimum").asBoolean(false);
      if (exclusive ? number.compareTo(min) <= 0 : number.compareTo(min) < 0) {
        errors.add(
            FieldError.invalid(
                path,
                value,
                path
                    + " in body should be greater than "
                    + (exclusive ? "" : "or equal to ")
                    + plain(schema.get("minimum"))));
      }
    }
    if (schema.has("maximum")) {
      BigDecimal max = schema.get("maximum").decimalValue();
      boolean exclusive = schema.path("exclusiveMaximum").asBoolean(false);
      if (exclusive ? number.compareTo(max) >= 0 : number.compareTo(max) > 0) {
        errors.add(
            FieldError.invalid(
                path,
                value,
                path
                    + " in body should be less than "
                    + (exclusive ? "" : "or equal to ")
                    + plain(schema.get("maximum"))));
      }
    }
  }

  private static void checkString(
      JsonNode value, JsonNode schema, String path, List<FieldError> errors) {
    String text = value.asText();
    int length = text.codePointCount(0, text.length());
    if (schema.has("maxLength") && length > schema.get("maxLength").asInt()) {
      errors.add(FieldError.tooLong(path, value, schema.get("maxLength").asInt()));
    }
    if (schema.has("minLength") && length < schema.get("minLength").asInt()) {
      errors.add(
          FieldError.invalid(
              path,
              value,
              path
                  + " in body should be at least "
                  + schema.get("minLength").asInt()
                  + " chars long"));
    }
    if (schema.has("pattern")
        && !Pattern.compile(schema.get("pattern").asText()).matcher(text).find()) {
      errors.add(
          FieldError.invalid(
              path,
              value,
              path + " in body should match '" + schema.get("pattern").asText() + "'"));
    }
  }

  private static String plain(JsonNode number) {
    return number.decimalValue().stripTrailingZeros().toPlainString();
  }

  private static boolean typeMatches(JsonNode value, JsonNode schema) {
    if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
      return value.isIntegralNumber() || value.isTextual();
    }
    return switch (schema.path("type").asText("")) {
      case "object" -> value.isObject();
      case "array" -> value.isArray();
      case "string" -> value.isTextual();
      case "integer" ->
          value.isIntegralNumber()
              || (value.isNumber() && value.decimalValue().stripTrailingZeros().scale() <= 0);
      case "number" -> value.isNumber();
      case "boolean" -> value.isBoolean();
      default -> true;
    };
  }

  private static String type(JsonNode schema) {
    return schema.path("x-kubernetes-int-or-string").asBoolean(false)
        ? "integer,string"
        : schema.path("type").asText("");
  }

  private static String jsonType(JsonNode value) {
    if (value.isIntegralNumber()) {
      return "integer";
    }
    if (value.isNumber()) {
      return "number";
    }
    if (value.isTextual()) {
      return "string";
    }
    if (value.isBoolean()) {
      return "boolean";
    }
    return value.isArray() ? "array" : "object";
  }
}

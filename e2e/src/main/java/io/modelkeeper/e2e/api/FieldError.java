package io.modelkeeper.e2e.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One reason an object is refused, worded as Kubernetes' {@code field.Error}: {@code <field>:
 * <type>: <detail>}; turned into the {@code Invalid} status a real API server answers with.
 */
record FieldError(String reason, String field, String text) {

  static FieldError invalid(String field, JsonNode value, String detail) {
    return new FieldError(
        "FieldValueInvalid", field, field + ": Invalid value: " + shown(value) + ": " + detail);
  }

  static FieldError required(String field, String detail) {
    return new FieldError(
        "FieldValueRequired",
        field,
        field + ": Required value" + (detail.isEmpty() ? "" : ": " + detail));
  }

  static FieldError unsupported(String field, JsonNode value, List<String> supported) {
    StringBuilder values = new StringBuilder();
    for (String option : supported) {
      values.append(values.length() == 0 ? "" : ", ").append('"').append(option).append('"');
    }
    return new FieldError(
        "FieldValueNotSupported",
        field,
        field + ": Unsupported value: " + shown(value) + ": supported values: " + values);
  }

  static FieldError forbidden(String field, String detail) {
    return new FieldError("FieldValueForbidden", field, field + ": Forbidden: " + detail);
  }

  static FieldError tooLong(String field, JsonNode value, int max) {
    return new FieldError(
        "FieldValueTooLong", field, field + ": Too long: may not be more than " + max + " bytes");
  }

  static FieldError tooMany(String field, int actual, int max) {
    return new FieldError(
        "FieldValueTooMany",
        field,
        field + ": Too many: " + actual + ": must have at most " + max + " items");
  }

  /** How Kubernetes prints a bad value: strings quoted, objects by their type name. */
  private static String shown(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return "null";
    }
    if (value.isTextual()) {
      return '"' + value.asText() + '"';
    }
    if (value.isObject()) {
      return "\"object\"";
    }
    if (value.isArray()) {
      return "\"array\"";
    }
    return value.toString();
  }

  /** The 422 body: {@code <Kind>.<group> "<name>" is invalid: <errors>}, one cause per error. */
  static Map<String, Object> invalidStatus(
      String kind, String group, String name, List<FieldError> errors) {
    String qualified = group.isEmpty() ? kind : kind + "." + group;
    String joined =
        errors.size() == 1
            ? errors.get(0).text()
            : "[" + String.join(", ", errors.stream().map(FieldError::text).toList()) + "]";
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("name", name);
    if (!group.isEmpty()) {
      details.put("group", group);
    }
    details.put("kind", kind);
    details.put(
        "causes",
        errors.stream()
            .map(
                e ->
                    Map.of(
                        "reason",
                        e.reason(),
                        "message",
                        e.text().substring(e.field().length() + 2),
                        "field",
                        e.field()))
            .toList());
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("kind", "Status");
    status.put("apiVersion", "v1");
    status.put("metadata", Map.of());
    status.put("status", "Failure");
    status.put("message", qualified + " \"" + name + "\" is invalid: " + joined);
    status.put("reason", "Invalid");
    status.put("details", details);
    status.put("code", 422);
    return status;
  }
}

package io.modelkeeper.e2e.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The metadata rules a real API server applies to every object: names (DNS-1123 subdomains;
 * DNS-1123 labels for namespaces, DNS-1035 labels for Services), label keys and values.
 */
final class ObjectNames {

  private static final String LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
  private static final Pattern DNS1123_LABEL = Pattern.compile(LABEL);
  private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile(LABEL + "(\\." + LABEL + ")*");
  private static final Pattern DNS1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern QUALIFIED_NAME =
      Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");

  private ObjectNames() {}

  /** Every broken rule of the object's name, labels and annotations' keys. */
  static List<FieldError> check(String kind, JsonNode metadata) {
    List<FieldError> errors = new ArrayList<>();
    JsonNode name = metadata.path("name");
    if (!name.isMissingNode() && !name.asText().isEmpty()) {
      errors.addAll(name(kind, name));
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = metadata.path("labels").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> label = it.next();
      errors.addAll(qualifiedName("metadata.labels", label.getKey()));
      errors.addAll(labelValue("metadata.labels", label.getValue()));
    }
    for (Iterator<String> it = metadata.path("annotations").fieldNames(); it.hasNext(); ) {
      errors.addAll(qualifiedName("metadata.annotations", it.next()));
    }
    return errors;
  }

  private static List<FieldError> name(String kind, JsonNode name) {
    String value = name.asText();
    return switch (kind) {
      case "Namespace" ->
          matches(value, DNS1123_LABEL, 63)
              ? List.of()
              : List.of(
                  FieldError.invalid(
                      "metadata.name",
                      name,
                      "a lowercase RFC 1123 label must consist of lower case alphanumeric"
                          + " characters or '-', and must start and end with an alphanumeric"
                          + " character (e.g. 'my-name',  or '123-abc', regex used for validation is"
                          + " '"
                          + LABEL
                          + "')"));
      case "Service" ->
          matches(value, DNS1035_LABEL, 63)
              ? List.of()
              : List.of(
                  FieldError.invalid(
                      "metadata.name",
                      name,
                      "a DNS-1035 label must consist of lower case alphanumeric characters or '-',"
                          + " start with an alphabetic character, and end with an alphanumeric"
                          + " character (e.g. 'my-name',  or 'abc-123', regex used for validation"
                          + " is '[a-z]([-a-z0-9]*[a-z0-9])?')"));
      default ->
          matches(value, DNS1123_SUBDOMAIN, 253)
              ? List.of()
              : List.of(
                  FieldError.invalid(
                      "metadata.name",
                      name,
                      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric"
                          + " characters, '-' or '.', and must start and end with an alphanumeric"
                          + " character (e.g. 'example.com', regex used for validation is '"
                          + DNS1123_SUBDOMAIN.pattern()
                          + "')"));
    };
  }

  private static boolean matches(String value, Pattern pattern, int max) {
    return value.length() <= max && pattern.matcher(value).matches();
  }

  /** A label or annotation key: an optional DNS subdomain prefix and a name of ≤ 63 characters. */
  private static List<FieldError> qualifiedName(String field, String key) {
    String prefix = null;
    String name = key;
    int slash = key.indexOf('/');
    if (slash >= 0) {
      prefix = key.substring(0, slash);
      name = key.substring(slash + 1);
    }
    boolean ok =
        (prefix == null || matches(prefix, DNS1123_SUBDOMAIN, 253))
            && matches(name, QUALIFIED_NAME, 63);
    if (ok) {
      return List.of();
    }
    return List.of(
        FieldError.invalid(
            field,
            TextNode.valueOf(key),
            "name part must consist of alphanumeric characters, '-', '_' or '.', and must start"
                + " and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or"
                + " '123-abc', regex used for validation is"
                + " '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') and be at most 63 characters,"
                + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"));
  }

  private static List<FieldError> labelValue(String field, JsonNode value) {
    String text = value.asText();
    if (text.isEmpty() || matches(text, QUALIFIED_NAME, 63)) {
      return List.of();
    }
    String detail =
        text.length() > 63
            ? "must be no more than 63 characters"
            : "a valid label must be an empty string or consist of alphanumeric characters, '-',"
                + " '_' or '.', and must start and end with an alphanumeric character (e.g."
                + " 'MyValue',  or 'my_value',  or '12345', regex used for validation is"
                + " '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
    return List.of(FieldError.invalid(field, value, detail));
  }
}

package io.modelkeeper.e2e.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code fieldSelector} such as {@code involvedObject.name=fraud,involvedObject.kind!=Pod}: each
 * term a dotted path into the object, {@code =}, {@code ==} or {@code !=}, and a value. The fabric8
 * CRUD store understands only {@code metadata.name}; a real API server supports a few fields per
 * kind, and every field that kubectl uses (events by involved object, pods by node or phase) is a
 * plain path.
 */
record FieldSelector(List<Term> terms) {

  record Term(String path, boolean equal, String value) {}

  static FieldSelector parse(String selector) {
    List<Term> terms = new ArrayList<>();
    if (selector == null || selector.isBlank()) {
      return new FieldSelector(terms);
    }
    for (String term : selector.split(",")) {
      int not = term.indexOf("!=");
      int eq = term.indexOf('=');
      if (not >= 0) {
        terms.add(new Term(term.substring(0, not).trim(), false, term.substring(not + 2).trim()));
      } else if (eq > 0) {
        String value = term.substring(term.startsWith("=", eq + 1) ? eq + 2 : eq + 1);
        terms.add(new Term(term.substring(0, eq).trim(), true, value.trim()));
      } else {
        throw new IllegalArgumentException(
            "invalid field selector term \"" + term + "\": expected field=value or field!=value");
      }
    }
    return new FieldSelector(terms);
  }

  boolean isEmpty() {
    return terms.isEmpty();
  }

  boolean matches(JsonNode object) {
    for (Term term : terms) {
      JsonNode node = object;
      for (String part : term.path().split("\\.")) {
        node = node.path(part);
      }
      String actual = node.isValueNode() ? node.asText() : "";
      if (actual.equals(term.value()) != term.equal()) {
        return false;
      }
    }
    return true;
  }
}

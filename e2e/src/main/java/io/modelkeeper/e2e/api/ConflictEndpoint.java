package io.modelkeeper.e2e.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.MockResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link InjectedConflicts} over HTTP, under a path no Kubernetes API uses ({@value
 * InjectedConflicts#PATH}), for a local cluster run with {@code modelkeeper-local up}:
 *
 * <ul>
 *   <li>{@code POST} {@code {"kind":"Deployment","namespace":"default","name":"fraud-1-…",
 *       "writes":2}} (optional {@code "subresource":"status"}, {@code "client":"kubectl"}; {@code
 *       namespace} defaults to {@code default}, {@code ""} is cluster-scoped): 201 with the orders
 *   <li>{@code GET}: the orders with conflicts still to come and the count answered so far
 *   <li>{@code DELETE}: cancels every order
 * </ul>
 *
 * A refused order is a 400 Status naming the field.
 */
final class ConflictEndpoint {

  private static final List<String> FIELDS =
      List.of("kind", "namespace", "name", "writes", "subresource", "client");

  private final InjectedConflicts conflicts;
  private final ObjectMapper json = Serialization.jsonMapper();

  ConflictEndpoint(InjectedConflicts conflicts) {
    this.conflicts = conflicts;
  }

  MockResponse answer(String method, String path, String body) {
    if (!path.equals(InjectedConflicts.PATH)) {
      return KubectlDispatcher.status(
          404,
          "NotFound",
          "the local API server has no " + path + "; try " + InjectedConflicts.PATH);
    }
    return switch (method) {
      case "GET" -> orders(200);
      case "DELETE" -> {
        conflicts.clear();
        yield orders(200);
      }
      case "POST" -> order(body);
      default ->
          KubectlDispatcher.status(
              405, "MethodNotAllowed", InjectedConflicts.PATH + " takes GET, POST and DELETE");
    };
  }

  private MockResponse order(String body) {
    JsonNode order;
    try {
      order = json.readTree(body == null ? "" : body);
    } catch (JsonProcessingException e) {
      return refused("the body is not JSON: " + e.getOriginalMessage());
    }
    if (order == null || !order.isObject()) {
      return refused(
          "the body must be a JSON object such as"
              + " {\"kind\":\"Deployment\",\"namespace\":\"default\",\"name\":\"x\",\"writes\":2}");
    }
    for (var names = order.fieldNames(); names.hasNext(); ) {
      String field = names.next();
      if (!FIELDS.contains(field)) {
        return refused("unknown field \"" + field + "\"; the fields are " + FIELDS);
      }
    }
    for (String field : List.of("kind", "name")) {
      if (!order.path(field).isTextual() || order.path(field).asText().isBlank()) {
        return refused(field + ": Required value: the object's " + field);
      }
    }
    for (String field : List.of("namespace", "subresource", "client")) {
      if (order.has(field) && !order.get(field).isTextual()) {
        return refused(field + ": Invalid value: must be a string");
      }
    }
    JsonNode writes = order.path("writes");
    if (!writes.canConvertToInt()
        || !writes.isIntegralNumber()
        || writes.asInt() < 0
        || writes.asInt() > InjectedConflicts.MAX_WRITES) {
      return refused(
          "writes: Invalid value: "
              + writes
              + ": must be a whole number from 0 to "
              + InjectedConflicts.MAX_WRITES);
    }
    String subresource = order.path("subresource").asText("");
    if (!subresource.isEmpty() && !subresource.equals("status")) {
      return refused(
          "subresource: Unsupported value: \""
              + subresource
              + "\": supported values: \"status\" (or none, for every write)");
    }
    String namespace = order.path("namespace").asText("default");
    InjectedConflicts.Target target =
        new InjectedConflicts.Target(
            order.get("kind").asText(),
            namespace.isEmpty() ? null : namespace,
            order.get("name").asText(),
            !subresource.isEmpty(),
            order.path("client").asText(null));
    try {
      conflicts.next(target, writes.asInt());
    } catch (IllegalArgumentException e) {
      return refused(e.getMessage());
    }
    return orders(201);
  }

  private MockResponse orders(int code) {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("kind", "InjectedConflicts");
    answer.put(
        "pending",
        conflicts.pending().stream()
            .map(
                p -> {
                  Map<String, Object> order = new LinkedHashMap<>();
                  order.put("kind", p.target().kind());
                  order.put(
                      "namespace", p.target().namespace() == null ? "" : p.target().namespace());
                  order.put("name", p.target().name());
                  if (p.target().statusSubresource()) {
                    order.put("subresource", "status");
                  }
                  if (p.target().client() != null) {
                    order.put("client", p.target().client());
                  }
                  order.put("writes", p.writes());
                  return order;
                })
            .toList());
    answer.put("answered", conflicts.answered());
    return new MockResponse()
        .setResponseCode(code)
        .setHeader("Content-Type", "application/json")
        .setBody(Serialization.asJson(answer));
  }

  private static MockResponse refused(String message) {
    return KubectlDispatcher.status(400, "BadRequest", "conflict order refused: " + message);
  }
}

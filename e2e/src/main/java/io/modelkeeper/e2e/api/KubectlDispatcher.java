package io.modelkeeper.e2e.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionList;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Answers what kubectl needs and the fabric8 CRUD mock lacks — discovery, {@code /version}, watches
 * over plain HTTP, server-side tables — and passes every other request to the CRUD store.
 */
final class KubectlDispatcher extends Dispatcher {

  static final String CRD_PATH = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

  /** How long a plain-HTTP watch is held before it answers with the current state and closes. */
  private static final Duration WATCH_POLL = Duration.ofMillis(750);

  private final KubernetesCrudDispatcher store;
  private final PodLogs podLogs;
  private final ApiWrites writes;
  private final ObjectMapper json = Serialization.jsonMapper();

  /** {@code podLogs} holds {@code <namespace>_<pod>/<container>.log} files, or is null. */
  KubectlDispatcher(KubernetesCrudDispatcher store, java.nio.file.Path podLogs) {
    this.store = store;
    this.podLogs = new PodLogs(podLogs);
    this.writes = new ApiWrites(store, new Admission(store));
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String target = request.getPath();
    int q = target.indexOf('?');
    // kubectl adds ?timeout=32s to discovery requests: route on the path alone.
    String path = q < 0 ? target : target.substring(0, q);
    Map<String, String> query = q < 0 ? Map.of() : parseQuery(target.substring(q + 1));
    String method = request.getMethod();

    if ("GET".equals(method)) {
      Optional<MockResponse> discovery = discovery(path);
      if (discovery.isPresent()) {
        return discovery.get();
      }
      if (path.startsWith("/api/v1/namespaces/") && path.endsWith("/log")) {
        String objectPath = path.substring(0, path.length() - "/log".length());
        if (store.handleGet(objectPath).code() != 200) {
          return status(404, "NotFound", "pod " + objectPath + " not found");
        }
        return podLogs.read(ResourcePath.parse(objectPath), query);
      }
      if (path.endsWith("/scale")) {
        return writes.readScale(path);
      }
      if ("true".equals(query.get("watch")) && request.getHeader("Upgrade") == null) {
        String accept = request.getHeader("Accept");
        return plainHttpWatch(path, query, accept != null && accept.contains("as=Table"));
      }
      String accept = request.getHeader("Accept");
      if (accept != null && accept.contains("as=Table")) {
        return asTable(store.dispatch(request), path);
      }
    }
    String contentType = request.getHeader("Content-Type");
    if (contentType != null && contentType.contains("protobuf")) {
      return status(
          415,
          "UnsupportedMediaType",
          "the local API server speaks JSON only: create objects with kubectl apply -f <file>");
    }
    if ("PATCH".equals(method)) {
      if (contentType != null && contentType.startsWith("application/strategic-merge-patch+json")) {
        return status(
            415,
            "UnsupportedMediaType",
            "the local API server does not implement strategic merge patch: use kubectl patch"
                + " --type=merge or --type=json, and kubectl apply only for custom resources");
      }
      if (contentType != null && contentType.startsWith("application/apply-patch")) {
        return status(
            415,
            "UnsupportedMediaType",
            "the local API server does not implement server-side apply: use client-side kubectl apply");
      }
    }
    try {
      if (List.of("POST", "PUT", "PATCH").contains(method)) {
        return writes.write(request, path, query, contentType);
      }
      return store.dispatch(request);
    } catch (RuntimeException e) {
      // The mock throws on bodies it cannot parse; answer instead of leaving the caller hanging.
      return status(
          400, "BadRequest", "cannot handle " + method + " " + path + ": " + e.getMessage());
    }
  }

  private Optional<MockResponse> discovery(String path) {
    if (path.equals("/version")) {
      return Optional.of(
          ok(
              Map.of(
                  "major",
                  "1",
                  "minor",
                  "32",
                  "gitVersion",
                  "v1.32.0-modelkeeper-local",
                  "platform",
                  "linux/amd64",
                  "compiler",
                  "gc",
                  "goVersion",
                  "go1.23")));
    }
    if (path.equals("/api")) {
      return Optional.of(
          ok(
              Map.of(
                  "kind",
                  "APIVersions",
                  "versions",
                  List.of("v1"),
                  "serverAddressByClientCIDRs",
                  List.of())));
    }
    if (path.equals("/apis")) {
      return Optional.of(ok(catalog().groups()));
    }
    if (path.startsWith("/openapi/")) {
      return Optional.of(
          status(
              404,
              "NotFound",
              "the local API server publishes no OpenAPI schema:"
                  + " run kubectl with --validate=false"));
    }
    String[] parts = path.split("/");
    if (parts.length == 3 && parts[1].equals("api")) {
      return Optional.of(
          catalog()
              .resources("", parts[2])
              .map(this::ok)
              .orElseGet(() -> status(404, "NotFound", "no API version " + parts[2])));
    }
    if (parts.length == 4 && parts[1].equals("apis")) {
      return Optional.of(
          catalog()
              .resources(parts[2], parts[3])
              .map(this::ok)
              .orElseGet(
                  () ->
                      status(
                          404, "NotFound", "no API group version " + parts[2] + "/" + parts[3])));
    }
    return Optional.empty();
  }

  /** Built per request so that a CRD created at run time is announced at once. */
  ApiResourceCatalog catalog() {
    return ApiResourceCatalog.of(installedCrds());
  }

  List<CustomResourceDefinition> installedCrds() {
    String body = store.handleGet(CRD_PATH).getBody().readUtf8();
    return Serialization.unmarshal(body, CustomResourceDefinitionList.class).getItems();
  }

  /**
   * kubectl (client-go) watches over a streamed HTTP response, which the mock cannot produce: this
   * answers each such watch, after a short hold, with the current state of what it watches and then
   * closes; client-go simply watches again. A watch on one name whose object is gone gets DELETED.
   */
  private MockResponse plainHttpWatch(String path, Map<String, String> query, boolean asTable) {
    StringBuilder listQuery = new StringBuilder();
    for (String key : List.of("fieldSelector", "labelSelector")) {
      if (query.containsKey(key)) {
        listQuery
            .append(listQuery.length() == 0 ? "?" : "&")
            .append(key)
            .append('=')
            .append(java.net.URLEncoder.encode(query.get(key), StandardCharsets.UTF_8));
      }
    }
    MockResponse list = store.handleGet(path + listQuery);
    StringBuilder events = new StringBuilder();
    try {
      JsonNode items = json.readTree(list.getBody().readUtf8()).path("items");
      List<CustomResourceDefinition> crds = asTable ? installedCrds() : List.of();
      for (JsonNode item : items) {
        Object object = asTable ? ServerSideTable.of(item, ResourcePath.parse(path), crds) : item;
        events
            .append(json.writeValueAsString(Map.of("type", "MODIFIED", "object", object)))
            .append('\n');
      }
      String field = query.getOrDefault("fieldSelector", "");
      if (items.isEmpty() && field.startsWith("metadata.name=") && !field.contains(",")) {
        JsonNode gone = tombstone(path, field.substring("metadata.name=".length()));
        Object object = asTable ? ServerSideTable.of(gone, ResourcePath.parse(path), crds) : gone;
        events
            .append(json.writeValueAsString(Map.of("type", "DELETED", "object", object)))
            .append('\n');
      }
    } catch (Exception e) {
      return status(500, "InternalError", "watch failed: " + e.getMessage());
    }
    return new MockResponse()
        .setResponseCode(200)
        .setHeader("Content-Type", "application/json")
        .setBody(events.toString())
        .setBodyDelay(WATCH_POLL);
  }

  private ObjectNode tombstone(String path, String name) {
    ResourcePath resource = ResourcePath.parse(path);
    ObjectNode object = json.createObjectNode();
    catalog()
        .find(resource.group(), resource.version(), resource.plural())
        .ifPresent(
            type -> {
              object.put("apiVersion", type.groupVersion());
              object.put("kind", type.kind());
            });
    ObjectNode metadata = object.putObject("metadata");
    metadata.put("name", name);
    if (resource.namespace() != null) {
      metadata.put("namespace", resource.namespace());
    }
    metadata.put("resourceVersion", String.valueOf(store.requestResourceVersion()));
    return object;
  }

  private MockResponse asTable(MockResponse response, String path) {
    if (response.code() != 200) {
      return response;
    }
    ResourcePath resource = ResourcePath.parse(path);
    List<CustomResourceDefinition> crds = installedCrds();
    try {
      JsonNode body = json.readTree(response.getBody().readUtf8());
      Object table = ServerSideTable.of(body, resource, crds);
      return ok(table);
    } catch (Exception e) {
      return status(500, "InternalError", "table conversion failed: " + e.getMessage());
    }
  }

  private MockResponse ok(Object body) {
    try {
      return new MockResponse()
          .setResponseCode(200)
          .setHeader("Content-Type", "application/json")
          .setBody(json.writeValueAsString(body));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static MockResponse status(int code, String reason, String message) {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("kind", "Status");
    status.put("apiVersion", "v1");
    status.put("metadata", Map.of());
    status.put("status", "Failure");
    status.put("message", message);
    status.put("reason", reason);
    status.put("code", code);
    return new MockResponse()
        .setResponseCode(code)
        .setHeader("Content-Type", "application/json")
        .setBody(Serialization.asJson(status));
  }

  private static Map<String, String> parseQuery(String query) {
    Map<String, String> params = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      params.put(
          URLDecoder.decode(key, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return params;
  }

  /**
   * The parts of a resource URL path: /api/v1/namespaces/ns/pods/name[/status] or /apis/g/v/....
   */
  record ResourcePath(
      String group,
      String version,
      String namespace,
      String plural,
      String name,
      String subresource) {

    static ResourcePath parse(String path) {
      List<String> parts = new ArrayList<>(List.of(path.replaceFirst("^/", "").split("/")));
      String group = "";
      if (parts.get(0).equals("apis")) {
        group = parts.get(1);
        parts.remove(0);
      }
      String version = parts.get(1);
      List<String> rest = parts.subList(2, parts.size());
      String namespace = null;
      if (rest.size() >= 3 && rest.get(0).equals("namespaces")) {
        namespace = rest.get(1);
        rest = rest.subList(2, rest.size());
      }
      String plural = rest.isEmpty() ? "" : rest.get(0);
      String name = rest.size() > 1 ? rest.get(1) : null;
      String subresource = rest.size() > 2 ? rest.get(2) : null;
      return new ResourcePath(group, version, namespace, plural, name, subresource);
    }
  }
}

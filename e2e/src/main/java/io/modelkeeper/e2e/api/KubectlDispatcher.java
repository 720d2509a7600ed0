package io.modelkeeper.e2e.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionList;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Answers what kubectl needs and the fabric8 CRUD mock lacks — discovery, {@code /version},
 * server-side tables, field selectors, lists named after their kind, Status bodies for errors,
 * streamed watches and logs (through {@link #stream}) — and passes every other request to the CRUD
 * store, writes through {@link ApiWrites}.
 */
final class KubectlDispatcher extends Dispatcher {

  static final String CRD_PATH = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

  /** Subresources of pods that need a container runtime; the local node runs plain processes. */
  private static final List<String> RUNTIME_SUBRESOURCES =
      List.of(
          "exec", "attach", "portforward", "proxy", "ephemeralcontainers", "eviction", "binding");

  private final KubernetesCrudDispatcher store;
  private final PodLogs podLogs;
  private final ApiWrites writes;
  private final StoreAnswers answers;
  private final ConflictEndpoint conflictEndpoint;
  private final ObjectMapper json = Serialization.jsonMapper();

  /**
   * {@code podLogs} holds {@code <namespace>_<pod>/<container>.log} files, or is null; {@code
   * conflicts} are the scenarios' orders of 409 answers.
   */
  KubectlDispatcher(
      KubernetesCrudDispatcher store, java.nio.file.Path podLogs, InjectedConflicts conflicts) {
    this.store = store;
    this.podLogs = new PodLogs(podLogs, store);
    this.writes = new ApiWrites(store, new Admission(store), conflicts);
    this.conflictEndpoint = new ConflictEndpoint(conflicts);
    this.answers = new StoreAnswers(this::catalog);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    try {
      return answer(request);
    } catch (RuntimeException e) {
      // An answer in any case: a client left without one hangs until its own timeout.
      return status(
          500,
          "InternalError",
          "the local API server failed on "
              + request.getMethod()
              + " "
              + request.getPath()
              + ": "
              + e);
    }
  }

  private MockResponse answer(RecordedRequest request) {
    String target = request.getPath();
    int q = target.indexOf('?');
    // kubectl adds ?timeout=32s to discovery requests: route on the path alone.
    String path = q < 0 ? target : target.substring(0, q);
    Map<String, String> query = q < 0 ? Map.of() : parseQuery(target.substring(q + 1));
    String method = request.getMethod();

    if (path.startsWith("/local/")) {
      return conflictEndpoint.answer(method, path, request.getUtf8Body());
    }
    if (path.startsWith("/api/v1/namespaces/") && path.contains("/pods/")) {
      ResourcePath pod = ResourcePath.parse(path);
      if (pod.subresource() != null && RUNTIME_SUBRESOURCES.contains(pod.subresource())) {
        return status(
            405,
            "MethodNotAllowed",
            "the local cluster runs pods as local processes without a container runtime: pods/"
                + pod.subresource()
                + " (kubectl exec, attach, port-forward, proxy, debug, drain) is not supported;"
                + " reach a pod at its own address (status.podIP, port 8080)");
      }
    }
    if ("GET".equals(method)) {
      Optional<MockResponse> discovery = discovery(path);
      if (discovery.isPresent()) {
        return discovery.get();
      }
      if (path.startsWith("/api/v1/namespaces/") && path.endsWith("/log")) {
        String objectPath = path.substring(0, path.length() - "/log".length());
        return podLogs.read(ResourcePath.parse(path), objectPath, query);
      }
      if (path.endsWith("/scale")) {
        return writes.readScale(path);
      }
      if ("true".equals(query.get("watch"))) {
        if (request.getHeader("Upgrade") == null) {
          // Streamed by ApiHttpServer before it reaches here; only a direct caller gets this.
          return status(400, "BadRequest", "a watch over HTTP must be streamed");
        }
        return store.dispatch(request);
      }
      String accept = request.getHeader("Accept");
      MockResponse found = answers.normalized(read(path, query), path);
      if (accept != null && accept.contains("as=Table")) {
        return asTable(found, path);
      }
      return found;
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
        return answers.normalized(writes.write(request, path, query, contentType), path);
      }
      return answers.normalized(store.dispatch(request), path);
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
   * Answers a request that a real API server streams — a watch over HTTP, {@code logs -f} — and
   * returns true; returns false for every other request, which {@link #dispatch} answers whole.
   */
  boolean stream(Vertx vertx, HttpServerRequest request) {
    if (request.method() != HttpMethod.GET) {
      return false;
    }
    Map<String, String> query = request.query() == null ? Map.of() : parseQuery(request.query());
    String path = request.path();
    if ("true".equals(query.get("watch")) && request.getHeader("Upgrade") == null) {
      String accept = request.getHeader("Accept");
      WatchStream.serve(
          vertx,
          store,
          path,
          query,
          accept != null && accept.contains("as=Table"),
          this::installedCrds,
          request.response());
      return true;
    }
    if (path.startsWith("/api/v1/namespaces/")
        && path.endsWith("/log")
        && "true".equals(query.get("follow"))) {
      String objectPath = path.substring(0, path.length() - "/log".length());
      podLogs.follow(vertx, ResourcePath.parse(path), objectPath, query, request.response());
      return true;
    }
    return false;
  }

  /**
   * A GET from the store, with what the store does not do itself: field selectors on any field (the
   * store knows only {@code metadata.name}).
   */
  private MockResponse read(String path, Map<String, String> query) {
    FieldSelector fields;
    try {
      fields = FieldSelector.parse(query.get("fieldSelector"));
    } catch (IllegalArgumentException e) {
      return status(400, "BadRequest", e.getMessage());
    }
    String storePath = path;
    if (query.containsKey("labelSelector")) {
      storePath +=
          "?labelSelector=" + URLEncoder.encode(query.get("labelSelector"), StandardCharsets.UTF_8);
    }
    MockResponse found = store.handleGet(storePath);
    if (found.code() != 200 || fields.isEmpty()) {
      return found;
    }
    try {
      JsonNode body = json.readTree(found.getBody().readUtf8());
      if (body.has("items")) {
        ArrayNode kept = json.createArrayNode();
        body.get("items")
            .forEach(
                item -> {
                  if (fields.matches(item)) {
                    kept.add(item);
                  }
                });
        ((ObjectNode) body).set("items", kept);
      }
      return ok(body);
    } catch (Exception e) {
      return status(500, "InternalError", "field selection failed: " + e.getMessage());
    }
  }

  /** Writes a whole answer onto a Vert.x response (for the streamed routes' refusals). */
  static void send(HttpServerResponse response, MockResponse answer) {
    response.setStatusCode(answer.code());
    answer
        .getHeaders()
        .toMultimap()
        .forEach((name, values) -> response.headers().add(name, values));
    byte[] body = answer.getBody() == null ? new byte[0] : answer.getBody().getBytes();
    response.end(io.vertx.core.buffer.Buffer.buffer(body));
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

package io.modelkeeper.e2e.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The write path of the local API server, in front of the fabric8 CRUD store: every create, update
 * and patch (of an object, its {@code /status} or its {@code /scale}) becomes one full object that
 * passes the checks a real API server makes — optimistic concurrency (409), the status
 * subresource's split, admission ({@link Admission}) — before the store keeps it. Patches are
 * applied here, on the stored object, under the same lock as every other write, so concurrent
 * writers cannot lose each other's changes.
 */
final class ApiWrites {

  private static final String SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

  private final KubernetesCrudDispatcher store;
  private final Admission admission;
  private final InjectedConflicts conflicts;
  private final ObjectMapper json = Serialization.jsonMapper();

  ApiWrites(KubernetesCrudDispatcher store, Admission admission, InjectedConflicts conflicts) {
    this.store = store;
    this.admission = admission;
    this.conflicts = conflicts;
  }

  /** A write to {@code path}; the caller has routed discovery, logs and unsupported patches. */
  synchronized MockResponse write(
      RecordedRequest request, String path, Map<String, String> query, String contentType) {
    KubectlDispatcher.ResourcePath resource = KubectlDispatcher.ResourcePath.parse(path);
    Admission.Target target = admission.target(resource).orElse(null);
    if (target == null) {
      return store.dispatch(request);
    }
    try {
      Options options = Options.of(query);
      if (!"POST".equals(request.getMethod())) {
        injectedConflict(request, resource, target);
      }
      String body = request.getUtf8Body();
      return switch (request.getMethod()) {
        case "POST" -> create(request, path, target, parseObject(body), options);
        case "PUT" ->
            "scale".equals(resource.subresource())
                ? scale(request, resource, target, parseObject(body), options)
                : update(request, resource, target, parseObject(body), options, true);
        case "PATCH" -> patch(request, resource, target, body, contentType, options);
        default -> store.dispatch(request);
      };
    } catch (BadRequest e) {
      return e.response();
    }
  }

  /**
   * Refuses the write with 409 when a scenario ordered a conflict for it ({@link
   * InjectedConflicts}); a write of an object that does not exist stays a 404 and uses nothing up.
   */
  private void injectedConflict(
      RecordedRequest request, KubectlDispatcher.ResourcePath resource, Admission.Target target)
      throws BadRequest {
    String agent = request.getHeader("User-Agent");
    if (resource.name() == null
        || !conflicts.wanted(
            target.kind(), resource.namespace(), resource.name(), resource.subresource(), agent)) {
      return;
    }
    ObjectNode current = current(resource, target);
    if (conflicts.take(
        target.kind(), resource.namespace(), resource.name(), resource.subresource(), agent)) {
      throw conflict(target, name(resource, current));
    }
  }

  /** {@code GET .../<name>/scale}. */
  synchronized MockResponse readScale(String path) {
    KubectlDispatcher.ResourcePath resource = KubectlDispatcher.ResourcePath.parse(path);
    Admission.Target target = admission.target(resource).orElse(null);
    if (target == null || target.scale() == null) {
      return KubectlDispatcher.status(
          404, "NotFound", "the server could not find the requested resource");
    }
    try {
      return json(200, target.scale().of(current(resource, target)), List.of());
    } catch (BadRequest e) {
      return e.response();
    }
  }

  private MockResponse create(
      RecordedRequest request,
      String path,
      Admission.Target target,
      ObjectNode object,
      Options options)
      throws BadRequest {
    ObjectNode metadata = object.with("metadata");
    if (metadata.path("name").asText("").isEmpty() && metadata.hasNonNull("generateName")) {
      metadata.put("name", metadata.get("generateName").asText() + randomSuffix());
    }
    if (target.statusSubresource()) {
      object.remove("status");
      if ("Pod".equals(target.kind())) {
        object.putObject("status").put("phase", "Pending");
      }
    }
    Admission.Result admitted = admission.admit(target, object, null);
    checkAdmitted(target, object, admitted, options);
    if (options.dryRun()) {
      return json(201, object, admitted.warnings());
    }
    MockResponse created = forward(request, "POST", path, object);
    if (created.code() == 201 && "Job".equals(target.kind()) && "batch".equals(target.group())) {
      created = labelJobPods(request, KubectlDispatcher.ResourcePath.parse(path), created);
    }
    return withWarnings(created, admitted.warnings());
  }

  /**
   * A new Job's selector and pod labels name its uid, which the store gives it: written in a second
   * step, under the same lock, before anyone is answered.
   */
  private MockResponse labelJobPods(
      RecordedRequest request, KubectlDispatcher.ResourcePath collection, MockResponse created)
      throws BadRequest {
    ObjectNode job = parseObject(created.getBody().readUtf8());
    BuiltInAdmission.labelJobPods(job);
    KubectlDispatcher.ResourcePath object =
        new KubectlDispatcher.ResourcePath(
            collection.group(),
            collection.version(),
            job.path("metadata").path("namespace").asText(),
            collection.plural(),
            job.path("metadata").path("name").asText(),
            null);
    MockResponse stored = forward(request, "PUT", objectPath(object), job);
    return stored.code() == 200 ? stored.setResponseCode(201) : stored;
  }

  private MockResponse update(
      RecordedRequest request,
      KubectlDispatcher.ResourcePath resource,
      Admission.Target target,
      ObjectNode incoming,
      Options options,
      boolean put)
      throws BadRequest {
    ObjectNode current = current(resource, target);
    String version = incoming.path("metadata").path("resourceVersion").asText("");
    if (version.isEmpty() && put && target.custom()) {
      throw invalid(
          target,
          name(resource, current),
          FieldError.invalid(
              "metadata.resourceVersion",
              TextNode.valueOf("0x0"),
              "must be specified for an update"));
    }
    if (!version.isEmpty()
        && !version.equals(current.path("metadata").path("resourceVersion").asText())) {
      throw conflict(target, name(resource, current));
    }
    ObjectNode next;
    boolean statusWrite = "status".equals(resource.subresource());
    if (statusWrite) {
      next = current.deepCopy();
      setOrRemove(next, "status", incoming.get("status"));
    } else {
      next = incoming;
      if (target.statusSubresource()) {
        setOrRemove(next, "status", current.get("status"));
      }
    }
    Admission.Result admitted = admission.admit(target, next, current);
    checkAdmitted(target, next, admitted, options);
    if (options.dryRun()) {
      return json(200, next, admitted.warnings());
    }
    String objectPath = objectPath(resource) + (statusWrite ? "/status" : "");
    MockResponse stored = forward(request, "PUT", objectPath, next);
    return withWarnings(stored, admitted.warnings());
  }

  private MockResponse patch(
      RecordedRequest request,
      KubectlDispatcher.ResourcePath resource,
      Admission.Target target,
      String body,
      String contentType,
      Options options)
      throws BadRequest {
    ObjectNode current = current(resource, target);
    boolean scale = "scale".equals(resource.subresource());
    if (scale && target.scale() == null) {
      throw new BadRequest(404, "NotFound", "the server could not find the requested resource");
    }
    JsonNode base = scale ? json.valueToTree(target.scale().of(current)) : current;
    JsonNode patched;
    try {
      JsonNode patch = json.readTree(body);
      if (contentType != null && contentType.startsWith("application/json-patch+json")) {
        patched = JsonPatch.apply(patch, base);
      } else {
        patched = MergePatch.apply(base, patch);
      }
    } catch (IOException | RuntimeException e) {
      throw new BadRequest(422, "Invalid", "the patch cannot be applied: " + e.getMessage());
    }
    if (!(patched instanceof ObjectNode object)) {
      throw new BadRequest(422, "Invalid", "the patch does not leave an object");
    }
    if (scale) {
      return scale(request, resource, target, object, options);
    }
    MockResponse stored = update(request, resource, target, object, options, false);
    return stored;
  }

  private MockResponse scale(
      RecordedRequest request,
      KubectlDispatcher.ResourcePath resource,
      Admission.Target target,
      ObjectNode scale,
      Options options)
      throws BadRequest {
    if (target.scale() == null) {
      throw new BadRequest(404, "NotFound", "the server could not find the requested resource");
    }
    ObjectNode current = current(resource, target);
    JsonNode replicas = scale.path("spec").path("replicas");
    if (!replicas.isIntegralNumber() || replicas.asLong() < 0) {
      throw new BadRequest(
          422,
          "Invalid",
          "Scale.autoscaling \""
              + name(resource, current)
              + "\" is invalid: spec.replicas: Invalid value: "
              + replicas
              + ": must be greater than or equal to 0");
    }
    ObjectNode next = current.deepCopy();
    target.scale().setReplicas(next, replicas.asInt());
    String version = scale.path("metadata").path("resourceVersion").asText("");
    if (!version.isEmpty()) {
      ((ObjectNode) next.get("metadata")).put("resourceVersion", version);
    }
    KubectlDispatcher.ResourcePath object =
        new KubectlDispatcher.ResourcePath(
            resource.group(),
            resource.version(),
            resource.namespace(),
            resource.plural(),
            resource.name(),
            null);
    MockResponse stored = update(request, object, target, next, options, false);
    if (stored.code() != 200) {
      return stored;
    }
    return json(200, target.scale().of(parseObject(stored.getBody().readUtf8())), List.of());
  }

  private void checkAdmitted(
      Admission.Target target, ObjectNode object, Admission.Result admitted, Options options)
      throws BadRequest {
    if (options.strict() && !admitted.pruned().isEmpty()) {
      List<String> unknown =
          admitted.pruned().stream().map(p -> "unknown field \"" + p + "\"").toList();
      throw new BadRequest(
          400, "BadRequest", "strict decoding error: " + String.join(", ", unknown));
    }
    if (!admitted.errors().isEmpty()) {
      throw new BadRequest(
          422,
          "Invalid",
          Serialization.asJson(
              FieldError.invalidStatus(
                  target.kind(),
                  target.group(),
                  object.path("metadata").path("name").asText(""),
                  admitted.errors())),
          true);
    }
  }

  /** The real server's answer to a write from a stale copy. */
  private static BadRequest conflict(Admission.Target target, String name) {
    return new BadRequest(
        409,
        "Conflict",
        "Operation cannot be fulfilled on "
            + target.qualifiedPlural()
            + " \""
            + name
            + "\": the object has been modified; please apply your changes to the latest"
            + " version and try again");
  }

  private BadRequest invalid(Admission.Target target, String name, FieldError error) {
    return new BadRequest(
        422,
        "Invalid",
        Serialization.asJson(
            FieldError.invalidStatus(target.kind(), target.group(), name, List.of(error))),
        true);
  }

  private ObjectNode current(KubectlDispatcher.ResourcePath resource, Admission.Target target)
      throws BadRequest {
    MockResponse found = store.handleGet(objectPath(resource));
    if (found.code() != 200) {
      throw new BadRequest(
          404, "NotFound", target.qualifiedPlural() + " \"" + resource.name() + "\" not found");
    }
    return parseObject(found.getBody().readUtf8());
  }

  private MockResponse forward(RecordedRequest request, String method, String path, JsonNode body) {
    try {
      return store.dispatch(
          new RecordedRequest(
              request.getHttpVersion(),
              io.fabric8.mockwebserver.dsl.HttpMethod.valueOf(method),
              path,
              request.getHeaders().newBuilder().set("Content-Type", "application/json").build(),
              new Buffer(json.writeValueAsBytes(body))));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private MockResponse json(int code, Object body, List<String> warnings) {
    return withWarnings(
        new MockResponse()
            .setResponseCode(code)
            .setHeader("Content-Type", "application/json")
            .setBody(Serialization.asJson(body)),
        warnings);
  }

  private static MockResponse withWarnings(MockResponse response, List<String> warnings) {
    for (String warning : warnings) {
      response.addHeader("Warning", "299 - \"" + warning.replace("\"", "\\\"") + "\"");
    }
    return response;
  }

  private ObjectNode parseObject(String body) throws BadRequest {
    try {
      JsonNode node = json.readTree(body);
      if (node instanceof ObjectNode object) {
        return object;
      }
    } catch (IOException e) {
      throw new BadRequest(400, "BadRequest", "the body is not JSON: " + e.getMessage());
    }
    throw new BadRequest(400, "BadRequest", "the body is not a JSON object");
  }

  private static void setOrRemove(ObjectNode object, String field, JsonNode value) {
    if (value == null || value.isMissingNode()) {
      object.remove(field);
    } else {
      object.set(field, value.deepCopy());
    }
  }

  private static String objectPath(KubectlDispatcher.ResourcePath resource) {
    StringBuilder path =
        new StringBuilder(resource.group().isEmpty() ? "/api" : "/apis/" + resource.group());
    path.append('/').append(resource.version());
    if (resource.namespace() != null) {
      path.append("/namespaces/").append(resource.namespace());
    }
    path.append('/').append(resource.plural());
    if (resource.name() != null) {
      path.append('/').append(resource.name());
    }
    return path.toString();
  }

  private static String name(KubectlDispatcher.ResourcePath resource, JsonNode current) {
    return Objects.requireNonNullElse(
        resource.name(), current.path("metadata").path("name").asText(""));
  }

  private static String randomSuffix() {
    StringBuilder suffix = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      suffix.append(
          SAFE_ALPHABET.charAt(ThreadLocalRandom.current().nextInt(SAFE_ALPHABET.length())));
    }
    return suffix.toString();
  }

  /** The request's {@code fieldValidation} and {@code dryRun} parameters. */
  private record Options(boolean strict, boolean dryRun) {
    static Options of(Map<String, String> query) {
      return new Options(
          "Strict".equalsIgnoreCase(query.getOrDefault("fieldValidation", "")),
          query.containsKey("dryRun"));
    }
  }

  /** A refused write: its HTTP code, Status reason and message (or whole Status body). */
  private static final class BadRequest extends Exception {
    final int code;
    final String reason;
    final boolean wholeBody;

    BadRequest(int code, String reason, String message) {
      this(code, reason, message, false);
    }

    BadRequest(int code, String reason, String message, boolean wholeBody) {
      super(message, null, false, false);
      this.code = code;
      this.reason = reason;
      this.wholeBody = wholeBody;
    }

    MockResponse response() {
      if (!wholeBody) {
        return KubectlDispatcher.status(code, reason, getMessage());
      }
      return new MockResponse()
          .setResponseCode(code)
          .setHeader("Content-Type", "application/json")
          .setBody(getMessage());
    }
  }
}

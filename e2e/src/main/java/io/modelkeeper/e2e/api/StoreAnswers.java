package io.modelkeeper.e2e.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.MockResponse;
import java.util.function.Supplier;

/**
 * Makes the fabric8 CRUD store's answers look like a real API server's, where kubectl's typed
 * clients tell the difference.
 */
final class StoreAnswers {

  private final ObjectMapper json = Serialization.jsonMapper();
  private final Supplier<ApiResourceCatalog> catalog;

  StoreAnswers(Supplier<ApiResourceCatalog> catalog) {
    this.catalog = catalog;
  }

  private static MockResponse ok(Object body) {
    return new MockResponse()
        .setResponseCode(200)
        .setHeader("Content-Type", "application/json")
        .setBody(Serialization.asJson(body));
  }

  /**
   * What the store answers, made to look like a real server's answer: JSON said to be JSON (kubectl
   * asks for protobuf first and reads an unlabelled body as protobuf), lists named after their kind
   * ({@code PodList}, not {@code List}: kubectl's typed clients insist), and an empty error body
   * turned into a Status saying what was not found.
   */
  MockResponse normalized(MockResponse response, String path) {
    int code = response.code();
    boolean empty = response.getBody() == null || response.getBody().size() == 0;
    if (code >= 400 && empty) {
      return KubectlDispatcher.status(code, reasonOf(code), messageFor(code, path));
    }
    if (!empty && response.getHeaders().get("Content-Type") == null) {
      response.setHeader("Content-Type", "application/json");
    }
    if (code == 200 && !empty && path.startsWith("/api")) {
      try {
        KubectlDispatcher.ResourcePath resource = KubectlDispatcher.ResourcePath.parse(path);
        if (resource.name() == null && !resource.plural().isEmpty()) {
          JsonNode body = json.readTree(response.getBody().readUtf8());
          if ("List".equals(body.path("kind").asText())) {
            catalog
                .get()
                .find(resource.group(), resource.version(), resource.plural())
                .ifPresent(
                    type -> {
                      ((ObjectNode) body).put("kind", type.kind() + "List");
                      ((ObjectNode) body).put("apiVersion", type.groupVersion());
                    });
            MockResponse listed = ok(body);
            response
                .getHeaders()
                .toMultimap()
                .forEach(
                    (name, values) -> {
                      if (name.equalsIgnoreCase("Warning")) {
                        values.forEach(v -> listed.addHeader(name, v));
                      }
                    });
            return listed;
          }
        }
      } catch (Exception e) {
        return response;
      }
    }
    return response;
  }

  private static String reasonOf(int code) {
    return switch (code) {
      case 400 -> "BadRequest";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "NotFound";
      case 405 -> "MethodNotAllowed";
      case 409 -> "Conflict";
      case 415 -> "UnsupportedMediaType";
      case 422 -> "Invalid";
      default -> "InternalError";
    };
  }

  private String messageFor(int code, String path) {
    if (code == 404 && path.startsWith("/api")) {
      try {
        KubectlDispatcher.ResourcePath resource = KubectlDispatcher.ResourcePath.parse(path);
        String qualified =
            resource.group().isEmpty()
                ? resource.plural()
                : resource.plural() + "." + resource.group();
        if (resource.name() != null
            && catalog
                .get()
                .find(resource.group(), resource.version(), resource.plural())
                .isPresent()) {
          return qualified + " \"" + resource.name() + "\" not found";
        }
      } catch (RuntimeException e) {
        // not a resource path
      }
      return "the server could not find the requested resource";
    }
    return "the local API server answered " + code + " to " + path;
  }
}

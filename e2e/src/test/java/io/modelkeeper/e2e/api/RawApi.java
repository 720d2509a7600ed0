package io.modelkeeper.e2e.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/** Plain HTTP requests to the local API server, to see codes, Status bodies and headers as sent. */
final class RawApi {

  static final String JSON = "application/json";
  static final String MERGE = "application/merge-patch+json";
  static final String JSON_PATCH = "application/json-patch+json";

  /** One answer: its code, its JSON body and its Warning headers. */
  record Answer(int code, JsonNode body, List<String> warnings) {
    String reason() {
      return body.path("reason").asText();
    }
  }

  private final String url;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  RawApi(LocalApiServer api) {
    this.url = api.url();
  }

  Answer get(String path) {
    return send("GET", path, null, null);
  }

  Answer send(String method, String path, String contentType, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode json =
          response.body().isBlank()
              ? Serialization.jsonMapper().createObjectNode()
              : Serialization.jsonMapper().readTree(response.body());
      return new Answer(response.statusCode(), json, response.headers().allValues("Warning"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** YAML or JSON text as a JSON string. */
  static String json(String yaml) {
    // The document marker makes fabric8 read flow-style YAML ({a: b}) as YAML, not as JSON.
    return Serialization.asJson(Serialization.unmarshal("---\n" + yaml, java.util.Map.class));
  }
}

package io.modelkeeper.e2e.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * One watch over a streamed HTTP response, as client-go (kubectl get -w, kubectl wait) makes it: a
 * line of JSON per event ({@code {"type":"MODIFIED","object":{...}}}) for as long as the client
 * stays, or until {@code timeoutSeconds}. The events come from the fabric8 CRUD store's own watch
 * (the one it serves fabric8 clients over WebSockets), so every write is seen; this adds what a
 * real server does on top: events no newer than the requested {@code resourceVersion} are not
 * replayed, any field selector is applied, and with {@code Accept: ...;as=Table} each object is a
 * one-row Table.
 */
final class WatchStream {

  private final ObjectMapper json = Serialization.jsonMapper();
  private final HttpServerResponse response;
  private final KubectlDispatcher.ResourcePath resource;
  private final FieldSelector fields;
  private final long since;
  private final Supplier<List<CustomResourceDefinition>> crds;
  private final boolean asTable;
  private final AtomicBoolean open = new AtomicBoolean(true);
  private boolean sentColumns;
  private WebSocketListener source;
  private final WebSocket sink = new Sink();

  private WatchStream(
      HttpServerResponse response,
      KubectlDispatcher.ResourcePath resource,
      FieldSelector fields,
      long since,
      Supplier<List<CustomResourceDefinition>> crds,
      boolean asTable) {
    this.response = response;
    this.resource = resource;
    this.fields = fields;
    this.since = since;
    this.crds = crds;
    this.asTable = asTable;
  }

  /** Starts streaming the watch of {@code path} onto {@code response}. */
  static void serve(
      Vertx vertx,
      KubernetesCrudDispatcher store,
      String path,
      Map<String, String> query,
      boolean asTable,
      Supplier<List<CustomResourceDefinition>> crds,
      HttpServerResponse response) {
    FieldSelector fields;
    long since;
    long timeout;
    try {
      fields = FieldSelector.parse(query.get("fieldSelector"));
      String version = query.getOrDefault("resourceVersion", "");
      since = version.isEmpty() ? 0 : Long.parseLong(version);
      timeout = Long.parseLong(query.getOrDefault("timeoutSeconds", "0"));
    } catch (IllegalArgumentException e) {
      KubectlDispatcher.send(response, KubectlDispatcher.status(400, "BadRequest", e.getMessage()));
      return;
    }
    // The store filters by label only; fields are filtered here, on every event.
    String storePath = path + "?watch=true";
    if (query.containsKey("labelSelector")) {
      storePath +=
          "&labelSelector=" + URLEncoder.encode(query.get("labelSelector"), StandardCharsets.UTF_8);
    }
    MockResponse watch = store.handleWatch(storePath);
    if (watch.getWebSocketListener() == null) {
      KubectlDispatcher.send(response, watch);
      return;
    }
    WatchStream stream =
        new WatchStream(
            response, KubectlDispatcher.ResourcePath.parse(path), fields, since, crds, asTable);
    stream.source = watch.getWebSocketListener();
    response.setStatusCode(200);
    response.setChunked(true);
    response.putHeader(
        "Content-Type",
        asTable ? "application/json;as=Table;v=v1;g=meta.k8s.io" : "application/json");
    response.writeHead();
    response.closeHandler(v -> stream.stop("client hung up"));
    if (timeout > 0) {
      vertx.setTimer(timeout * 1000, t -> stream.stop("timeoutSeconds reached"));
    }
    stream.source.onOpen(stream.sink, watch);
  }

  private void stop(String why) {
    if (open.compareAndSet(true, false)) {
      source.onClosed(sink, 1000, why);
      if (!response.ended() && !response.closed()) {
        response.end();
      }
    }
  }

  /** One event from the store: filtered, maybe made a Table, and written as a line. */
  private synchronized void deliver(String text) {
    if (!open.get()) {
      return;
    }
    try {
      JsonNode event = json.readTree(text);
      String type = event.path("type").asText();
      JsonNode object = event.path("object");
      long version = object.path("metadata").path("resourceVersion").asLong(0);
      if (type.equals("ADDED") && since > 0) {
        // The store replays every object as ADDED when a watch opens; a real server sends only
        // what changed after the resourceVersion the client asked for.
        if (version <= since) {
          return;
        }
        type = "MODIFIED";
      }
      if (!fields.matches(object)) {
        return;
      }
      Object out = object;
      if (asTable) {
        Map<String, Object> table = ServerSideTable.of(object, resource, crds.get());
        if (sentColumns) {
          // As a real server does: the columns come with the first event only.
          table.put("columnDefinitions", List.of());
        }
        sentColumns = true;
        out = table;
      }
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("type", type);
      line.put("object", out);
      response.write(json.writeValueAsString(line) + "\n");
    } catch (Exception e) {
      ObjectNode status = json.createObjectNode();
      status.put("type", "ERROR");
      status.set(
          "object",
          json.valueToTree(
              Map.of(
                  "kind", "Status",
                  "apiVersion", "v1",
                  "status", "Failure",
                  "reason", "InternalError",
                  "code", 500,
                  "message", "watch event could not be delivered: " + e.getMessage())));
      response.write(status + "\n");
      stop("failed");
    }
  }

  /** What the store's watch writes to: this stream, posing as a WebSocket. */
  private final class Sink implements WebSocket {
    @Override
    public RecordedRequest request() {
      return null;
    }

    @Override
    public boolean send(String text) {
      deliver(text);
      return open.get();
    }

    @Override
    public boolean send(byte[] bytes) {
      return send(new String(bytes, StandardCharsets.UTF_8));
    }

    @Override
    public boolean close(int code, String reason) {
      if (open.compareAndSet(true, false) && !response.ended() && !response.closed()) {
        response.end();
      }
      return true;
    }
  }
}

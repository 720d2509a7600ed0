package io.modelkeeper.server.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/** Sends JSON replies and {@code {"error": …}} bodies on a route. */
final class Replies {

  static final String JSON = "application/json";

  private Replies() {}

  static void json(RoutingContext context, int status, Object body) {
    send(context.response(), status, ResponseWriter.json(body));
  }

  static void error(RoutingContext context, int status, String message) {
    send(context.response(), status, ResponseWriter.error(message));
  }

  static void send(HttpServerResponse response, int status, byte[] body) {
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(status).putHeader("Content-Type", JSON).end(Buffer.buffer(body));
  }
}

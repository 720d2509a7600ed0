package io.modelkeeper.server.protocol;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The 503 answers for want of room, with Retry-After. Under overload they are most of the answers,
 * so nothing here logs, throws, or costs more as the load grows: the bodies are written once.
 */
final class Refusals {

  static final String RETRY_AFTER_SECONDS = "1";

  private static final CharSequence RETRY_AFTER = HttpHeaders.createOptimized("Retry-After");
  private static final CharSequence RETRY_AFTER_VALUE =
      HttpHeaders.createOptimized(RETRY_AFTER_SECONDS);
  private static final CharSequence CONTENT_TYPE = HttpHeaders.createOptimized("Content-Type");
  private static final CharSequence JSON_TYPE = HttpHeaders.createOptimized(Replies.JSON);

  static final byte[] AT_MAX_IN_FLIGHT =
      ResponseWriter.error(
          "as many inference requests are in flight as allowed (MODELKEEPER_MAX_IN_FLIGHT)");
  static final byte[] AT_EXPECTED_WAIT =
      ResponseWriter.error(
          "as many inference requests are in flight as the server answers within"
              + " MODELKEEPER_QUEUE_TIMEOUT on average, as measured");
  static final byte[] QUEUE_FULL =
      ResponseWriter.error("the batch queue is full (MODELKEEPER_MAX_QUEUE_SIZE)");

  private static final int MAX_CACHED = 32;
  private static final Handler<Buffer> DROP = chunk -> {};
  private static final Handler<Throwable> IGNORE = failure -> {};

  private final Map<String, byte[]> bodies = new ConcurrentHashMap<>();

  /**
   * Answers a request on arrival, before anything of its body is read or allocated: the body is
   * dropped chunk by chunk as it comes, so the connection stays usable for the caller's next one.
   */
  static void refuseUnread(RoutingContext context, byte[] body) {
    refuseUnread(context, 503, body);
  }

  /** As {@link #refuseUnread(RoutingContext, byte[])}, with another status. */
  static void refuseUnread(RoutingContext context, int status, byte[] body) {
    HttpServerRequest request = context.request();
    if (!request.isEnded()) {
      request.handler(DROP);
      request.exceptionHandler(IGNORE);
      request.resume();
    }
    HttpServerResponse response = context.response();
    if (!response.ended() && !response.closed()) {
      retryAfter(response)
          .putHeader(CONTENT_TYPE, JSON_TYPE)
          .setStatusCode(status)
          .end(Buffer.buffer(body));
    }
  }

  static HttpServerResponse retryAfter(HttpServerResponse response) {
    return response.putHeader(RETRY_AFTER, RETRY_AFTER_VALUE);
  }

  /**
   * The JSON body for a refusal's message. Those messages are constants, so each is written once;
   * the cache is bounded all the same.
   */
  byte[] body(String message) {
    byte[] body = bodies.get(message);
    if (body == null) {
      body = ResponseWriter.error(message);
      if (bodies.size() < MAX_CACHED) {
        bodies.putIfAbsent(message, body);
      }
    }
    return body;
  }
}

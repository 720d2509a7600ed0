package io.modelkeeper.e2e.api;

import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.vertx.HttpServerRequestHandler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP side of the local API server: a Vert.x server on 127.0.0.1 (plain HTTP) that streams
 * what a real API server streams — watches over HTTP and followed pod logs, which the fabric8 mock
 * web server can only answer whole — and hands every other request, WebSocket watches of fabric8
 * clients included, to the {@link KubectlDispatcher} as the mock web server would. Every request is
 * counted in a {@link RequestLog}.
 */
final class ApiHttpServer implements AutoCloseable {

  /** The sub-protocols of Kubernetes' WebSocket channels, as the mock web server accepts them. */
  private static final List<String> WEBSOCKET_SUB_PROTOCOLS =
      List.of("v1.channel.k8s.io", "v2.channel.k8s.io", "v3.channel.k8s.io", "v4.channel.k8s.io");

  private final Vertx vertx;
  private final HttpServer server;

  private ApiHttpServer(Vertx vertx, HttpServer server) {
    this.vertx = vertx;
    this.server = server;
  }

  static ApiHttpServer start(KubectlDispatcher dispatcher, RequestLog requests) {
    Vertx vertx = Vertx.vertx();
    HttpServerRequestHandler whole =
        new HttpServerRequestHandler(vertx) {
          @Override
          protected MockResponse onHttpRequest(RecordedRequest request) {
            return dispatcher.dispatch(request);
          }
        };
    HttpServer server =
        vertx
            .createHttpServer(
                new HttpServerOptions()
                    .setHost("127.0.0.1")
                    .setPort(0)
                    .setWebSocketSubProtocols(WEBSOCKET_SUB_PROTOCOLS)
                    .setHandle100ContinueAutomatically(true))
            .requestHandler(
                request -> {
                  requests.record(
                      request.getHeader("User-Agent"),
                      request.method().name(),
                      request.path(),
                      "true".equals(request.getParam("watch")));
                  boolean streamed;
                  try {
                    streamed = dispatcher.stream(vertx, request);
                  } catch (RuntimeException e) {
                    // An answer in any case: a client left without one waits for its timeout.
                    if (!request.response().headWritten()) {
                      KubectlDispatcher.send(
                          request.response(),
                          KubectlDispatcher.status(
                              500,
                              "InternalError",
                              "streaming " + request.uri() + " failed: " + e));
                    } else if (!request.response().ended()) {
                      request.response().end();
                    }
                    return;
                  }
                  if (!streamed) {
                    whole.handle(request);
                  }
                });
    try {
      server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      vertx.close();
      throw new IllegalStateException("interrupted while starting the local API server", e);
    } catch (ExecutionException | TimeoutException e) {
      vertx.close();
      throw new IllegalStateException("the local API server could not listen on 127.0.0.1", e);
    }
    return new ApiHttpServer(vertx, server);
  }

  int port() {
    return server.actualPort();
  }

  @Override
  public void close() {
    CompletableFuture<Void> closed = vertx.close().toCompletionStage().toCompletableFuture();
    try {
      closed.get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // stopping anyway; open watches end with the process
    }
  }
}

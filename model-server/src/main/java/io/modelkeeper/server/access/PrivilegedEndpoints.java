package io.modelkeeper.server.access;

import io.modelkeeper.server.ServerConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Decides where the privileged endpoints are served: with MODELKEEPER_ADMIN_PORT, on a second
 * Vert.x HTTP server of their own (the main port then answers them 404), else on the main router.
 * Puts the bearer-token check in front of both.
 *
 * <p>A Vert.x server rather than Quarkus' management interface: that one is switched on at build
 * time, so one image could not serve both layouts, and it would move nothing but {@code /q}
 * endpoints.
 */
@ApplicationScoped
public class PrivilegedEndpoints {

  private static final Logger LOG = Logger.getLogger(PrivilegedEndpoints.class);

  /** Before every other route, Quarkus' own included. */
  private static final int FIRST = Integer.MIN_VALUE + 100;

  private final ServerConfig config;
  private final Vertx vertx;
  private final Event<PrivilegedRouter> privileged;
  private final String host;
  private volatile HttpServer adminServer;

  public PrivilegedEndpoints(
      ServerConfig config,
      Vertx vertx,
      Event<PrivilegedRouter> privileged,
      @ConfigProperty(name = "quarkus.http.host", defaultValue = "0.0.0.0") String host) {
    this.config = config;
    this.vertx = vertx;
    this.privileged = privileged;
    this.host = host;
  }

  void register(@Observes Router main) {
    BearerToken inferenceToken =
        token(config.inferenceTokenFile(), "MODELKEEPER_INFERENCE_TOKEN_FILE");
    BearerToken adminToken = token(config.adminTokenFile(), "MODELKEEPER_ADMIN_TOKEN_FILE");
    boolean ownPort = config.adminPort().isPresent();
    main.route().order(FIRST).handler(new AccessCheck(inferenceToken, adminToken, ownPort));
    if (!ownPort) {
      privileged.fire(new PrivilegedRouter(main));
      return;
    }
    Router admin = Router.router(vertx);
    admin.route().order(FIRST).handler(AccessCheck.adminPort(adminToken));
    privileged.fire(new PrivilegedRouter(admin));
    admin
        .route()
        .last()
        .handler(
            c ->
                c.response()
                    .setStatusCode(404)
                    .putHeader("Content-Type", "application/json")
                    .end(Buffer.buffer("{\"error\":\"not found\"}")));
    int port = config.adminPort().getAsInt();
    try {
      adminServer =
          vertx
              .createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
              .requestHandler(admin)
              .listen()
              .toCompletionStage()
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot listen on the admin port " + port + " (MODELKEEPER_ADMIN_PORT): " + e, e);
    }
    LOG.infof(
        "feedback, quality, reference and metrics on port %d%s; inference on the main port%s",
        adminServer.actualPort(),
        adminToken == null ? "" : " (bearer token required)",
        inferenceToken == null ? "" : " (bearer token required)");
  }

  void stop(@Observes ShutdownEvent event) {
    HttpServer server = adminServer;
    if (server != null) {
      server.close();
    }
  }

  private static BearerToken token(Optional<Path> file, String setting) {
    return file.map(f -> BearerToken.read(f, setting)).orElse(null);
  }
}

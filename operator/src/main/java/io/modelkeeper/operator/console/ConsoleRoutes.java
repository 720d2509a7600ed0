package io.modelkeeper.operator.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.operator.config.OperatorConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The web console on the operator's HTTP port, when {@code modelkeeper.console.enabled}: two pages
 * and their scripts at {@code /console/}, and the JSON they fetch at {@code /console/api/}, read
 * from the operator's informer caches and its analysis history. Actions need the bearer token of
 * {@code modelkeeper.console.token-file}; without one the console only reads.
 */
@ApplicationScoped
public class ConsoleRoutes {

  private static final Logger LOG = Logger.getLogger(ConsoleRoutes.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The uPlot webjar's version, as in the operator's pom. */
  static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";

  private static final int MAX_TOKEN_BYTES = 4096;

  /** Page and asset name → classpath resource and content type. */
  private static final Map<String, String[]> FILES =
      Map.of(
          "", new String[] {"console/index.html", "text/html; charset=utf-8"},
          "model", new String[] {"console/model.html", "text/html; charset=utf-8"},
          "assets/console.js", new String[] {"console/console.js", "text/javascript"},
          "assets/console.css", new String[] {"console/console.css", "text/css"},
          "assets/uPlot.iife.min.js", new String[] {UPLOT + "uPlot.iife.min.js", "text/javascript"},
          "assets/uPlot.min.css", new String[] {UPLOT + "uPlot.min.css", "text/css"});

  private static final String SECURITY_POLICY =
      "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
          + " frame-ancestors 'none'";

  private final OperatorConfig config;
  private final ConsoleCaches caches;
  private final AnalysisHistory history;
  private final KubernetesClient client;

  public ConsoleRoutes(
      OperatorConfig config,
      ConsoleCaches caches,
      AnalysisHistory history,
      KubernetesClient client) {
    this.config = config;
    this.caches = caches;
    this.history = history;
    this.client = client;
  }

  void routes(@Observes Router router) {
    if (!config.console().enabled()) {
      return;
    }
    Optional<byte[]> token = token();
    ConsoleActions actions = new ConsoleActions(client, caches);
    FILES.forEach(
        (path, file) -> {
          Buffer body = Buffer.buffer(resource(file[0]));
          router
              .get("/console/" + path)
              .handler(
                  rc -> {
                    if (path.isEmpty() && !rc.request().path().endsWith("/")) {
                      // The pages' relative links need the trailing slash.
                      rc.redirect("/console/");
                      return;
                    }
                    secure(rc)
                        .putHeader("Content-Type", file[1])
                        .putHeader("Cache-Control", "no-cache")
                        .end(body);
                  });
        });
    router
        .get("/console/api/session")
        .handler(rc -> json(rc, 200, JSON.createObjectNode().put("actions", token.isPresent())));
    router
        .get("/console/api/modeldeployments")
        .handler(rc -> json(rc, 200, ConsoleJson.list(caches.modelDeployments())));
    router.get("/console/api/modeldeployments/:namespace/:name").handler(this::detail);
    router
        .post("/console/api/modeldeployments/:namespace/:name/actions/:action")
        .blockingHandler(rc -> act(rc, token, actions));
    LOG.infof(
        "Web console at /console (%s)",
        token.isPresent() ? "actions allowed with the bearer token" : "read-only: no token file");
  }

  private void detail(RoutingContext rc) {
    String namespace = rc.pathParam("namespace");
    String name = rc.pathParam("name");
    Optional<ModelDeployment> md = caches.modelDeployment(new ResourceID(name, namespace));
    if (md.isEmpty()) {
      error(rc, 404, "no ModelDeployment " + namespace + "/" + name + " in a watched namespace");
      return;
    }
    json(
        rc,
        200,
        ConsoleJson.detail(
            md.get(),
            history.points(namespace, name),
            caches.modelRetrainings(namespace),
            caches.retrainingRuns(namespace)));
  }

  private void act(RoutingContext rc, Optional<byte[]> token, ConsoleActions actions) {
    if (token.isEmpty()) {
      error(
          rc,
          403,
          "the console is read-only: actions need modelkeeper.console.token-file"
              + " (the chart's console.tokenSecret)");
      return;
    }
    String header = rc.request().getHeader("Authorization");
    byte[] given =
        header == null || !header.startsWith("Bearer ")
            ? new byte[0]
            : header.substring("Bearer ".length()).strip().getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(given, token.get())) {
      error(rc, 401, "a bearer token is needed for actions, and this one is not it");
      return;
    }
    String namespace = rc.pathParam("namespace");
    String name = rc.pathParam("name");
    if (caches.modelDeployment(new ResourceID(name, namespace)).isEmpty()) {
      error(rc, 404, "no ModelDeployment " + namespace + "/" + name + " in a watched namespace");
      return;
    }
    ConsoleActions.Outcome outcome =
        actions.act(rc.pathParam("action"), namespace, name, rc.request().getParam("reason"));
    LOG.infof(
        "Console action %s on %s/%s: %s",
        rc.pathParam("action"), namespace, name, outcome.message());
    if (outcome.status() >= 400) {
      error(rc, outcome.status(), outcome.message());
    } else {
      json(rc, outcome.status(), JSON.createObjectNode().put("message", outcome.message()));
    }
  }

  private Optional<byte[]> token() {
    Optional<java.nio.file.Path> file = config.console().tokenFile();
    if (file.isEmpty()) {
      return Optional.empty();
    }
    try {
      if (Files.size(file.get()) > MAX_TOKEN_BYTES) {
        throw new IllegalStateException(
            "modelkeeper.console.token-file is longer than " + MAX_TOKEN_BYTES + " bytes");
      }
      String token = Files.readString(file.get()).strip();
      if (token.isEmpty()) {
        throw new IllegalStateException("modelkeeper.console.token-file is empty");
      }
      return Optional.of(token.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read modelkeeper.console.token-file " + file.get(), e);
    }
  }

  private static byte[] resource(String name) {
    try (InputStream in = ConsoleRoutes.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the console's file " + name + " is not in the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static io.vertx.core.http.HttpServerResponse secure(RoutingContext rc) {
    return rc.response()
        .putHeader("Content-Security-Policy", SECURITY_POLICY)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer");
  }

  private static void json(RoutingContext rc, int status, ObjectNode body) {
    secure(rc)
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(body.toString());
  }

  private static void error(RoutingContext rc, int status, String message) {
    json(rc, status, JSON.createObjectNode().put("error", message));
  }
}

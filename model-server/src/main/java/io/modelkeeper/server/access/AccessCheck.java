package io.modelkeeper.server.access;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;

/**
 * The first handler on a port: lets health checks through, keeps the privileged endpoints off the
 * main port when they have their own, and asks for the bearer token of whatever else is asked for
 * when one is configured.
 */
final class AccessCheck implements Handler<RoutingContext> {

  /** What a path is, for access. */
  enum Kind {
    HEALTH,
    PRIVILEGED,
    INFERENCE
  }

  private static final byte[] UNAUTHORIZED =
      "{\"error\":\"missing or wrong bearer token\"}".getBytes(StandardCharsets.UTF_8);
  private static final String CHALLENGE = "Bearer realm=\"modelkeeper\"";

  private final BearerToken inferenceToken;
  private final BearerToken adminToken;
  private final boolean privilegedElsewhere;

  /**
   * @param inferenceToken required for inference and metadata, or null
   * @param adminToken required for the privileged endpoints, or null
   * @param privilegedElsewhere true on the main port when the admin port serves the privileged
   *     endpoints: they answer 404 here
   */
  AccessCheck(BearerToken inferenceToken, BearerToken adminToken, boolean privilegedElsewhere) {
    this.inferenceToken = inferenceToken;
    this.adminToken = adminToken;
    this.privilegedElsewhere = privilegedElsewhere;
  }

  /** The check of the admin port: every path there is privileged. */
  static AccessCheck adminPort(BearerToken adminToken) {
    return new AccessCheck(adminToken, adminToken, false);
  }

  @Override
  public void handle(RoutingContext context) {
    // The normalised path is the one routes match on, so "/v2/models/m/../m/feedback" is caught.
    Kind kind = classify(context.normalizedPath());
    if (kind == Kind.PRIVILEGED && privilegedElsewhere) {
      reply(
          context, 404, "{\"error\":\"not found on this port\"}".getBytes(StandardCharsets.UTF_8));
      return;
    }
    BearerToken required =
        switch (kind) {
          case HEALTH -> null;
          case PRIVILEGED -> adminToken;
          case INFERENCE -> inferenceToken;
        };
    if (required != null && !required.acceptsHeader(context.request().getHeader("Authorization"))) {
      context.response().putHeader("WWW-Authenticate", CHALLENGE);
      reply(context, 401, UNAUTHORIZED);
      return;
    }
    context.next();
  }

  private static void reply(RoutingContext context, int status, byte[] body) {
    context
        .response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(Buffer.buffer(body));
  }

  /**
   * Health: the server's live and ready checks and the model ready checks. Privileged: metrics
   * (ours and the Quarkus one under /q) and anything under /v2/models ending in feedback, quality
   * or reference. Inference: everything else.
   */
  static Kind classify(String path) {
    String p =
        path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    if (p.equals("/v2/health/live") || p.equals("/v2/health/ready")) {
      return Kind.HEALTH;
    }
    if (p.equals("/metrics") || p.equals("/q/metrics") || p.startsWith("/q/metrics/")) {
      return Kind.PRIVILEGED;
    }
    if (p.startsWith("/v2/models/")) {
      String last = p.substring(p.lastIndexOf('/') + 1);
      switch (last) {
        case "feedback", "quality", "reference":
          return Kind.PRIVILEGED;
        case "ready":
          return isModelReady(p) ? Kind.HEALTH : Kind.INFERENCE;
        default:
          return Kind.INFERENCE;
      }
    }
    return Kind.INFERENCE;
  }

  /** {@code /v2/models/{m}/ready} or {@code /v2/models/{m}/versions/{v}/ready}. */
  private static boolean isModelReady(String path) {
    String[] segments = path.split("/", -1);
    return segments.length == 5 || (segments.length == 7 && segments[4].equals("versions"));
  }
}

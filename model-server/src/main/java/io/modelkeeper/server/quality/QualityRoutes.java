package io.modelkeeper.server.quality;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelkeeper.server.ServedModel;
import io.modelkeeper.server.ServerConfig;
import io.modelkeeper.server.access.PrivilegedRouter;
import io.modelkeeper.server.explain.Explanations;
import io.modelkeeper.server.pods.PodIdentity;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * {@code POST …/feedback} joins labels to earlier predictions; {@code GET …/quality} reports
 * quality and drift; {@code GET …/reference} returns the drift reference in use. Each path also
 * exists under {@code /versions/{v}}.
 *
 * <p>Feedback answers 200 when every item was accepted, 207 when some were, and, when none was, the
 * items' common 4xx status (or 400 when they differ). The body always lists one result per item, in
 * order. Items for predictions that another pod of the model made are forwarded to it ({@link
 * FeedbackForwarding}), so a label sent to the model's Service reaches its prediction.
 */
@ApplicationScoped
public class QualityRoutes {
  static final int MAX_FEEDBACK_ITEMS = 10_000;
  private static final long MAX_FEEDBACK_BYTES = 16L * 1024 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = Logger.getLogger(QualityRoutes.class);

  private final ServedModel model;
  private final QualityMonitor monitor;
  private final FeedbackForwarding forwarding;
  private final Explanations explanations;

  public QualityRoutes(
      ServedModel model,
      QualityMonitor monitor,
      Explanations explanations,
      PodIdentity pod,
      ServerConfig config) {
    this.model = model;
    this.explanations = explanations;
    this.monitor = monitor;
    this.forwarding = new FeedbackForwarding(pod, config.feedbackForwardTimeout());
  }

  void register(@Observes PrivilegedRouter privileged) {
    Router router = privileged.router();
    for (String base : List.of("/v2/models/:model", "/v2/models/:model/versions/:version")) {
      router
          .route(HttpMethod.POST, base + "/feedback")
          .handler(BodyHandler.create(false).setBodyLimit(MAX_FEEDBACK_BYTES))
          .blockingHandler(this::feedback, false)
          .failureHandler(this::failed);
      router.route(HttpMethod.GET, base + "/quality").blockingHandler(this::quality, false);
      router.route(HttpMethod.GET, base + "/reference").blockingHandler(this::reference, false);
    }
  }

  private void feedback(RoutingContext context) {
    ModelQuality quality = monitored(context);
    if (quality == null) {
      return;
    }
    String contentType = context.request().getHeader("Content-Type");
    if (contentType != null && !contentType.toLowerCase().startsWith("application/json")) {
      reply(
          context,
          415,
          error("unsupported Content-Type '" + contentType + "': send application/json"));
      return;
    }
    List<JsonNode> items;
    try {
      items = items(context);
    } catch (IllegalArgumentException e) {
      reply(context, 400, error(e.getMessage()));
      return;
    }
    if (items.size() > MAX_FEEDBACK_ITEMS) {
      reply(
          context,
          413,
          error(
              "at most "
                  + MAX_FEEDBACK_ITEMS
                  + " feedback items per request, got "
                  + items.size()));
      return;
    }
    FeedbackForwarding.Arrival arrival =
        new FeedbackForwarding.Arrival(
            context.request().getHeader(FeedbackForwarding.FORWARDED_HEADER) != null,
            context.request().localAddress().port(),
            context.request().path(),
            context.request().getHeader("Authorization"));
    List<FeedbackResult> results =
        forwarding.feedback(items, arrival, quality::feedback, quality::refused);
    List<Map<String, Object>> answers = new ArrayList<>(results.size());
    int accepted = 0;
    Integer commonStatus = null;
    boolean mixed = false;
    for (FeedbackResult result : results) {
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("id", result.id());
      answer.put("status", result.status().httpStatus());
      answer.put("result", result.status().id());
      if (result.message() != null) {
        answer.put("error", result.message());
      }
      answers.add(answer);
      if (result.status() == FeedbackStatus.OK) {
        accepted++;
      } else if (commonStatus == null) {
        commonStatus = result.status().httpStatus();
      } else if (commonStatus != result.status().httpStatus()) {
        mixed = true;
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    int rejected = results.size() - accepted;
    int status = rejected == 0 ? 200 : accepted > 0 ? 207 : mixed ? 400 : commonStatus;
    if (accepted == 0) {
      body.put(
          "error",
          "no label was accepted; "
              + results.get(0).message()
              + (rejected > 1 ? " (and " + (rejected - 1) + " more, see results)" : ""));
    }
    body.put("accepted", accepted);
    body.put("rejected", rejected);
    body.put("results", answers);
    reply(context, status, body);
  }

  private void failed(RoutingContext context) {
    if (context.statusCode() == 413) {
      reply(context, 413, error("feedback body exceeds " + MAX_FEEDBACK_BYTES + " bytes"));
    } else if (context.statusCode() >= 400 && context.statusCode() < 500) {
      reply(context, context.statusCode(), error("feedback request could not be read"));
    } else {
      LOG.errorf(context.failure(), "feedback request failed");
      reply(context, 500, error("feedback failed: " + context.failure()));
    }
  }

  private static List<JsonNode> items(RoutingContext context) {
    Buffer body = context.body().buffer();
    JsonNode root;
    try {
      root = body == null || body.length() == 0 ? null : JSON.readTree(body.getBytes());
    } catch (java.io.IOException e) {
      String reason =
          e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
      throw new IllegalArgumentException("request body is not valid JSON: " + reason);
    }
    if (root == null || !(root.isObject() || root.isArray())) {
      throw new IllegalArgumentException(
          "request body must be a feedback item "
              + "{\"id\": \"…\", \"label\": …} or an array of them");
    }
    List<JsonNode> items = new ArrayList<>();
    if (root.isObject()) {
      items.add(root);
    } else {
      root.forEach(items::add);
    }
    if (items.isEmpty()) {
      throw new IllegalArgumentException("the feedback array is empty");
    }
    return items;
  }

  private void quality(RoutingContext context) {
    ModelQuality quality = monitored(context);
    if (quality != null) {
      reply(
          context,
          200,
          QualityJson.of(
              model.name(),
              model.version(),
              quality,
              monitor.driftProblem(),
              explanations.importance()));
    }
  }

  private void reference(RoutingContext context) {
    ModelQuality quality = monitored(context);
    if (quality == null) {
      return;
    }
    if (quality.driftMonitor() == null) {
      reply(
          context,
          404,
          error(
              "drift monitoring is off"
                  + (monitor.driftProblem() == null ? "" : ": " + monitor.driftProblem())));
    } else if (quality.driftMonitor().reference() == null) {
      reply(
          context,
          404,
          error(
              "the drift reference is still being captured ("
                  + quality.drift().referenceRows()
                  + " rows so far)"));
    } else {
      context
          .response()
          .setStatusCode(200)
          .putHeader("Content-Type", "application/json")
          .end(quality.driftMonitor().reference().toJson());
    }
  }

  /** The running monitoring for the addressed model, or null after answering why not. */
  private ModelQuality monitored(RoutingContext context) {
    String name = context.pathParam("model");
    String version = context.pathParam("version");
    if (!model.name().equals(name)) {
      reply(
          context,
          404,
          error("model '" + name + "' not found; this server serves '" + model.name() + "'"));
      return null;
    }
    if (version != null && !model.version().equals(version)) {
      reply(
          context,
          404,
          error(
              "model '"
                  + name
                  + "' has no version '"
                  + version
                  + "'; this server serves version '"
                  + model.version()
                  + "'"));
      return null;
    }
    ModelQuality quality = monitor.quality();
    if (quality == null) {
      reply(context, monitor.monitoringOff() ? 404 : 503, error(monitor.problem()));
    }
    return quality;
  }

  private static Map<String, Object> error(String message) {
    return Map.of("error", message);
  }

  private static void reply(RoutingContext context, int status, Object body) {
    try {
      context
          .response()
          .setStatusCode(status)
          .putHeader("Content-Type", "application/json")
          .end(Buffer.buffer(JSON.writeValueAsBytes(body)));
    } catch (JsonProcessingException e) {
      context.fail(e);
    }
  }
}

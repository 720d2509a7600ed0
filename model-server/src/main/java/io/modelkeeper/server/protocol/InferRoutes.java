package io.modelkeeper.server.protocol;

import ai.onnxruntime.OrtException;
import io.modelkeeper.server.InferenceEvent;
import io.modelkeeper.server.InferenceListener;
import io.modelkeeper.server.ModelState;
import io.modelkeeper.server.ServedModel;
import io.modelkeeper.server.ServerConfig;
import io.modelkeeper.server.metrics.ServingMetrics;
import io.modelkeeper.server.metrics.ServingMetrics.Outcome;
import io.modelkeeper.server.onnx.Tensor;
import io.quarkus.arc.All;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * {@code POST /v2/models/{m}[/versions/{v}]/infer}: reads the request (JSON or binary-data
 * extension), validates it against the model, queues it on the batcher and answers from the
 * inference thread. Bad input gets a 4xx naming what was wrong; nothing blocks the event loop.
 */
@ApplicationScoped
public class InferRoutes {

  private static final Logger LOG = Logger.getLogger(InferRoutes.class);
  private static final ThreadLocal<SecureRandom> RANDOM =
      ThreadLocal.withInitial(
          () -> {
            try {
              return SecureRandom.getInstance("DRBG");
            } catch (NoSuchAlgorithmException e) {
              return new SecureRandom();
            }
          });

  private final ServedModel model;
  private final ServingMetrics metrics;
  private final List<InferenceListener> listeners;
  private final long maxRequestBytes;

  public InferRoutes(
      ServedModel model,
      ServingMetrics metrics,
      @All List<InferenceListener> listeners,
      ServerConfig config) {
    this.model = model;
    this.metrics = metrics;
    this.listeners = listeners;
    this.maxRequestBytes = config.maxRequestSize().asLongValue();
  }

  void register(@Observes Router router) {
    for (String path :
        List.of("/v2/models/:model/infer", "/v2/models/:model/versions/:version/infer")) {
      // Timing starts on its own route so it covers reading the body, which the body route does.
      router.route(HttpMethod.POST, path).handler(this::start);
      router
          .route(HttpMethod.POST, path)
          .handler(BodyHandler.create(false).setBodyLimit(maxRequestBytes))
          .handler(this::infer)
          .failureHandler(this::failed);
    }
  }

  private void start(RoutingContext context) {
    context.put("start", System.nanoTime());
    context.put("arriving", Boolean.TRUE);
    model.arriving().incrementAndGet();
    // Also covers a caller that hangs up before its body has arrived.
    context.addEndHandler(ended -> arrived(context));
    metrics.requestStarted();
    context.next();
  }

  /** The request is no longer on its way to the batcher: submitted, rejected or failed. */
  private void arrived(RoutingContext context) {
    if (context.remove("arriving") != null) {
      model.arriving().decrementAndGet();
    }
  }

  private void failed(RoutingContext context) {
    int status = context.statusCode();
    if (context.response().closed()) {
      // The caller hung up before its request was read: its doing, not the server's (a proxy's
      // 499).
      send(context, Outcome.CLIENT_ERROR, 499, new byte[0]);
    } else if (status == 413) {
      reject(
          context,
          new BadRequestException(
              413,
              "request body exceeds the limit of "
                  + maxRequestBytes
                  + " bytes (MODELKEEPER_MAX_REQUEST_SIZE)"));
    } else if (status >= 400 && status < 500) {
      reject(context, new BadRequestException(status, "request could not be read"));
    } else {
      serverError(context, null, context.failure());
    }
  }

  private void infer(RoutingContext context) {
    String mismatch = ModelAddress.mismatch(context, model);
    if (mismatch != null) {
      reject(context, new BadRequestException(404, mismatch));
      return;
    }
    ModelState state = model.state();
    if (!state.isReady()) {
      finish(
          context,
          Outcome.SERVER_ERROR,
          503,
          ResponseWriter.error("model " + model.name() + " is not ready: " + state.reason()));
      return;
    }
    InferRequest request;
    InputValidator.ValidatedInputs inputs;
    List<InferRequest.RequestedOutput> outputs;
    try {
      request = read(context);
      inputs = InputValidator.validate(request, model.signature(), model.name());
      outputs = ResponseWriter.selectOutputs(request, model.signature());
    } catch (BadRequestException e) {
      reject(context, e);
      return;
    }
    String id = request.id() == null || request.id().isEmpty() ? newId() : request.id();
    arrived(context);
    model
        .batcher()
        .submit(inputs.tensors(), inputs.rows())
        .whenComplete(
            (result, failure) -> {
              if (failure != null) {
                inferenceFailed(context, id, failure);
              } else {
                answer(context, id, request, outputs, inputs.tensors(), result);
              }
            });
  }

  private InferRequest read(RoutingContext context) throws BadRequestException {
    Buffer body = context.body().buffer();
    byte[] bytes = body == null ? new byte[0] : body.getBytes();
    String headerLength = context.request().getHeader(RequestReader.HEADER_LENGTH);
    if (headerLength != null) {
      return RequestReader.readBinary(bytes, headerLength);
    }
    String contentType = context.request().getHeader("Content-Type");
    if (contentType != null && !contentType.toLowerCase().startsWith(Replies.JSON)) {
      throw new BadRequestException(
          415,
          "unsupported Content-Type '"
              + contentType
              + "': send application/json, or binary data with an "
              + RequestReader.HEADER_LENGTH
              + " header");
    }
    return RequestReader.readJson(bytes);
  }

  private void answer(
      RoutingContext context,
      String id,
      InferRequest request,
      List<InferRequest.RequestedOutput> selected,
      Map<String, Tensor> inputs,
      Map<String, Tensor> result) {
    ResponseWriter.Body body;
    try {
      body = ResponseWriter.write(model.name(), model.version(), id, request, selected, result);
    } catch (RuntimeException e) {
      serverError(context, id, e);
      return;
    }
    HttpServerResponse response = context.response();
    if (body.headerLength() != null) {
      response.putHeader(RequestReader.HEADER_LENGTH, Integer.toString(body.headerLength()));
      response.putHeader("Content-Type", "application/octet-stream");
    } else {
      response.putHeader("Content-Type", Replies.JSON);
    }
    // Listeners hear of the inference before the caller does, so a label sent the moment the
    // answer arrives finds its prediction.
    tellListeners(id, inputs, result);
    send(context, Outcome.SUCCESS, 200, body.bytes());
  }

  private void tellListeners(String id, Map<String, Tensor> inputs, Map<String, Tensor> result) {
    if (listeners.isEmpty()) {
      return;
    }
    InferenceEvent event = new InferenceEvent(id, model.name(), model.version(), inputs, result);
    for (InferenceListener listener : listeners) {
      try {
        listener.inferred(event);
      } catch (RuntimeException e) {
        LOG.warnf(
            e,
            "inference listener %s failed for request %s",
            listener.getClass().getSimpleName(),
            id);
      }
    }
  }

  private void inferenceFailed(RoutingContext context, String id, Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (cause instanceof OrtException ort
        && ort.getCode() == OrtException.OrtErrorCode.ORT_INVALID_ARGUMENT) {
      reject(
          context,
          new BadRequestException("the model rejected the inputs: " + firstLine(ort.getMessage())));
    } else {
      serverError(context, id, cause);
    }
  }

  private void reject(RoutingContext context, BadRequestException e) {
    LOG.debugf("inference request rejected with %d: %s", e.status(), e.getMessage());
    finish(context, Outcome.CLIENT_ERROR, e.status(), ResponseWriter.error(e.getMessage()));
  }

  private void serverError(RoutingContext context, String id, Throwable cause) {
    MDC.put("request_id", id == null ? "" : id);
    try {
      LOG.errorf(cause, "inference request %s failed", id);
    } finally {
      MDC.remove("request_id");
    }
    finish(
        context,
        Outcome.SERVER_ERROR,
        500,
        ResponseWriter.error("inference failed: " + firstLine(String.valueOf(cause))));
  }

  private void finish(RoutingContext context, Outcome outcome, int status, byte[] json) {
    context.response().putHeader("Content-Type", Replies.JSON);
    send(context, outcome, status, json);
  }

  private void send(RoutingContext context, Outcome outcome, int status, byte[] body) {
    arrived(context);
    Long start = context.get("start");
    HttpServerResponse response = context.response();
    if (!response.ended() && !response.closed()) {
      response.setStatusCode(status).end(Buffer.buffer(body));
    }
    if (start != null && context.get("finished") == null) {
      context.put("finished", Boolean.TRUE);
      metrics.requestFinished(outcome, start);
    }
  }

  /**
   * A random (version 4) UUID from a per-thread DRBG: feedback joins labels to predictions by id,
   * so ids must not be guessable, and one shared SecureRandom would serialise the event loops.
   */
  static String newId() {
    byte[] bytes = new byte[16];
    RANDOM.get().nextBytes(bytes);
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    long high = (buffer.getLong() & ~0xF000L) | 0x4000L;
    long low = (buffer.getLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }

  private static String firstLine(String message) {
    String text = String.valueOf(message);
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}

package io.modelkeeper.server.protocol;

import ai.onnxruntime.OrtException;
import io.modelkeeper.server.InferenceEvent;
import io.modelkeeper.server.InferenceListener;
import io.modelkeeper.server.ServedModel;
import io.modelkeeper.server.ServerConfig;
import io.modelkeeper.server.batching.DynamicBatcher;
import io.modelkeeper.server.batching.OverloadedException;
import io.modelkeeper.server.metrics.ServingMetrics;
import io.modelkeeper.server.metrics.ServingMetrics.Outcome;
import io.modelkeeper.server.onnx.Tensor;
import io.modelkeeper.server.pods.PodIdentity;
import io.quarkus.arc.All;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
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
  private static final ThreadLocal<RandomBytes> RANDOM = ThreadLocal.withInitial(RandomBytes::new);

  /**
   * A thread's DRBG, drawn for 64 ids at a time: one call's fixed cost (the generator's state
   * update) is then shared by all of them, and each id still takes 16 bytes of the generator's
   * output that nothing else sees.
   */
  private static final class RandomBytes {
    private final SecureRandom random;
    private final byte[] drawn = new byte[16 * DRAWN_IDS];
    private int next = drawn.length;

    RandomBytes() {
      SecureRandom drbg;
      try {
        drbg = SecureRandom.getInstance("DRBG");
      } catch (NoSuchAlgorithmException e) {
        drbg = new SecureRandom();
      }
      random = drbg;
    }

    /** The next 16 random bytes, as two longs. */
    long[] next16() {
      if (next == drawn.length) {
        random.nextBytes(drawn);
        next = 0;
      }
      ByteBuffer buffer = ByteBuffer.wrap(drawn, next, 16);
      long[] longs = {buffer.getLong(), buffer.getLong()};
      // Each id's bytes are used once.
      java.util.Arrays.fill(drawn, next, next + 16, (byte) 0);
      next += 16;
      return longs;
    }
  }

  private static final int DRAWN_IDS = 64;

  /** Bodies up to this size are read on the event loop; larger ones on a worker thread. */
  private static final int READ_ON_EVENT_LOOP_BYTES = 64 * 1024;

  /** Before the application's other routes (0 and up), after the access and drain checks. */
  private static final int EXACT_ROUTES = -1000;

  /** Where a routing context keeps its {@link InferenceCall}. */
  private static final String CALL = "modelkeeper.inference-call";

  private final ServedModel model;
  private final ServingMetrics metrics;
  private final List<InferenceListener> listeners;
  private final long maxRequestBytes;
  private final long bodyTimeoutMillis;
  private final Admission admission;
  private final ExpectedWait expectedWait;
  private final EventLoopLag eventLoopLag;
  private final RequestCheck requestCheck;
  private final Refusals refusals = new Refusals();
  private final PodIdentity pod;

  public InferRoutes(
      ServedModel model,
      ServingMetrics metrics,
      @All List<InferenceListener> listeners,
      ServerConfig config,
      PodIdentity pod,
      Vertx vertx) {
    this.model = model;
    this.pod = pod;
    this.metrics = metrics;
    this.listeners = listeners;
    this.maxRequestBytes = config.maxRequestSize().asLongValue();
    this.bodyTimeoutMillis = config.bodyTimeout().toMillis();
    this.admission =
        new Admission(
            config.maxInFlight(),
            config
                .maxInFlightBytes()
                .map(MemorySize::asLongValue)
                .orElse(Runtime.getRuntime().maxMemory() / 16));
    this.expectedWait =
        new ExpectedWait(
            config.inferenceThreads().orElse(Runtime.getRuntime().availableProcessors()),
            config.maxInFlight(),
            config.queueTimeout(),
            config.admitByExpectedWait());
    this.eventLoopLag = new EventLoopLag(vertx);
    this.requestCheck =
        new RequestCheck(
            model,
            new RequestLimits(config.maxRequestRows(), config.maxRequestElements()),
            admission);
  }

  void register(@Observes Router router) {
    // The served model's own paths are matched exactly, ahead of the routes with path parameters:
    // each of those costs a regular expression match per request that passes it. The parameter
    // routes stay, to answer another model's or version's name with 404.
    String served = "/v2/models/" + model.name();
    for (String path :
        List.of(served + "/infer", served + "/versions/" + model.version() + "/infer")) {
      router
          .route(HttpMethod.POST, path)
          .order(EXACT_ROUTES)
          .handler(this::start)
          .failureHandler(this::failed);
    }
    for (String path :
        List.of("/v2/models/:model/infer", "/v2/models/:model/versions/:version/infer")) {
      router.route(HttpMethod.POST, path).handler(this::start).failureHandler(this::failed);
    }
  }

  /** Admits the request (or refuses it before reading its body) and starts receiving the body. */
  private void start(RoutingContext context) {
    long arrivedNanos = System.nanoTime();
    Admission.Entry entry = admission.enter(expectedWait.limit());
    if (entry != Admission.Entry.ADMITTED) {
      refuseUnread(
          context,
          entry == Admission.Entry.AT_MAX_IN_FLIGHT
              ? Refusals.AT_MAX_IN_FLIGHT
              : Refusals.AT_EXPECTED_WAIT,
          arrivedNanos);
      return;
    }
    DynamicBatcher batcher = model.batcher();
    if (batcher != null && batcher.queueFull()) {
      admission.leave();
      refuseUnread(context, Refusals.QUEUE_FULL, arrivedNanos);
      return;
    }
    InferenceCall call = new InferenceCall(arrivedNanos);
    context.put(CALL, call);
    metrics.requestStarted();
    Admission.Held held = call.held();
    call.arriving();
    model.arriving().incrementAndGet();
    // Runs when the answer has been written and also when the caller hangs up before its body has
    // arrived or its turn has come.
    context.addEndHandler(
        ended -> {
          arrived(call);
          CompletableFuture<?> pending = call.pending();
          if (pending != null && !pending.isDone()) {
            model.batcher().cancel(pending);
          }
          admission.close(held);
          admission.leave();
          if (!call.counted()) {
            // The caller hung up before it was answered: its doing, not the server's (a proxy's
            // 499).
            send(context, Outcome.CLIENT_ERROR, 499, new byte[0]);
          }
        });
    BodyReceiver.receive(
        context.vertx(),
        context.request(),
        maxRequestBytes,
        bodyTimeoutMillis,
        admission,
        held,
        new BodyReceiver.Outcome() {
          @Override
          public void received(byte[] bytes, int length) {
            read(context, bytes, length, held);
          }

          @Override
          public void refused(int status, String message) {
            if (status == 503) {
              overloaded(context, message);
            } else {
              reject(context, new BadRequestException(status, message));
              if (status == 408) {
                context.request().connection().close();
              }
            }
          }
        });
  }

  /**
   * Refuses a request on arrival with 503 and Retry-After, before anything of its body is read or
   * allocated: one count and one latency sample, never in flight.
   */
  private void refuseUnread(RoutingContext context, byte[] body, long arrivedNanos) {
    metrics.refusedOnArrival(arrivedNanos);
    Refusals.refuseUnread(context, body);
  }

  /** The request is no longer on its way to the batcher: submitted, rejected or failed. */
  private void arrived(InferenceCall call) {
    if (call != null && call.arrived()) {
      model.arriving().decrementAndGet();
    }
  }

  private void failed(RoutingContext context) {
    if (context.response().closed()) {
      // The caller hung up before its request was read: its doing, not the server's (a proxy's
      // 499).
      send(context, Outcome.CLIENT_ERROR, 499, new byte[0]);
    } else if (context.statusCode() >= 400 && context.statusCode() < 500) {
      reject(context, new BadRequestException(context.statusCode(), "request could not be read"));
    } else {
      serverError(context, null, context.failure());
    }
  }

  private void read(RoutingContext context, byte[] bytes, int length, Admission.Held held) {
    if (length <= READ_ON_EVENT_LOOP_BYTES) {
      checked(context, () -> requestCheck.check(context, bytes, length, held));
      return;
    }
    // A large body takes milliseconds to read: off the event loop, so that health probes and
    // other callers on it are not held up.
    context
        .vertx()
        .executeBlocking(() -> requestCheck.check(context, bytes, length, held), false)
        .onComplete(
            result -> {
              if (result.succeeded()) {
                submit(context, result.result());
              } else if (result.cause() instanceof RequestCheck.Refused refused) {
                answerRefused(context, refused);
              } else {
                serverError(context, null, result.cause());
              }
            });
  }

  private interface Check {
    RequestCheck.Checked run() throws RequestCheck.Refused;
  }

  private void checked(RoutingContext context, Check check) {
    RequestCheck.Checked checked;
    try {
      checked = check.run();
    } catch (RequestCheck.Refused refused) {
      answerRefused(context, refused);
      return;
    }
    submit(context, checked);
  }

  private void answerRefused(RoutingContext context, RequestCheck.Refused refused) {
    if (refused.reason() instanceof BadRequestException bad) {
      reject(context, bad);
    } else {
      overloaded(context, refused.getMessage());
    }
  }

  private void submit(RoutingContext context, RequestCheck.Checked checked) {
    InferRequest request = checked.request();
    // The caller's own id is answered as given (the protocol says so); one we mint names this pod.
    String id = request.id() == null || request.id().isEmpty() ? pod.mint(newId()) : request.id();
    InferenceCall call = context.get(CALL);
    arrived(call);
    if (context.response().closed()) {
      send(context, Outcome.CLIENT_ERROR, 499, new byte[0]);
      return;
    }
    CompletableFuture<Map<String, Tensor>> pending =
        model.batcher().submit(checked.inputs().tensors(), checked.inputs().rows());
    call.pending(pending);
    // The answer is written on the request's own event loop. An inference thread that completes a
    // batch hands each answer there instead of writing it itself: it is free for the next batch at
    // once, rather than after every caller's response has been serialised in turn (the last
    // caller of a 32-row batch would wait for the other 31), and the event loops share that work.
    Context loop = Vertx.currentContext();
    pending.whenComplete(
        (result, failure) -> {
          if (loop == null || Vertx.currentContext() == loop) {
            respond(context, id, request, checked, result, failure);
          } else {
            loop.runOnContext(v -> respond(context, id, request, checked, result, failure));
          }
        });
  }

  private void respond(
      RoutingContext context,
      String id,
      InferRequest request,
      RequestCheck.Checked checked,
      Map<String, Tensor> result,
      Throwable failure) {
    if (failure != null) {
      inferenceFailed(context, id, failure);
    } else {
      answer(context, id, request, checked.outputs(), checked.inputs().tensors(), result);
    }
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
    if (cause instanceof OverloadedException overloaded) {
      overloaded(context, overloaded.getMessage());
    } else if (cause instanceof CancellationException) {
      // The caller hung up before its turn: nothing was computed and nobody is listening.
      send(context, Outcome.CLIENT_ERROR, 499, new byte[0]);
    } else if (cause instanceof OrtException ort
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
    Outcome outcome = e.status() >= 500 ? Outcome.SERVER_ERROR : Outcome.CLIENT_ERROR;
    finish(context, outcome, e.status(), ResponseWriter.error(e.getMessage()));
  }

  private void overloaded(RoutingContext context, String message) {
    Refusals.retryAfter(context.response());
    finish(context, Outcome.OVERLOADED, 503, refusals.body(message));
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

  /**
   * Counts the request under {@code outcome}, unless it is counted already, then answers it if its
   * caller is still there. Counting comes first: ending the response runs the end handler (on this
   * thread), which counts a request that nobody has counted yet as one its caller hung up on.
   */
  private void send(RoutingContext context, Outcome outcome, int status, byte[] body) {
    send(context, outcome, status, Buffer.buffer(body));
  }

  private void send(RoutingContext context, Outcome outcome, int status, Buffer body) {
    InferenceCall call = context.get(CALL);
    arrived(call);
    if (call != null && call.count()) {
      metrics.requestFinished(outcome, call.startNanos());
      if (outcome == Outcome.SUCCESS || outcome == Outcome.OVERLOADED) {
        // Answers and late refusals tell how long admitted requests take (with the wait in the
        // event loop's backlog before they were seen); a caller's mistake, answered at once, would
        // not.
        expectedWait.answered(System.nanoTime() - call.startNanos() + eventLoopLag.nanos());
      }
    }
    HttpServerResponse response = context.response();
    if (!response.ended() && !response.closed()) {
      response.setStatusCode(status).end(body);
    }
  }

  /**
   * A random (version 4) UUID from a per-thread DRBG: feedback joins labels to predictions by id,
   * so ids must not be guessable, and one shared SecureRandom would serialise the event loops.
   */
  static String newId() {
    long[] random = RANDOM.get().next16();
    long high = (random[0] & ~0xF000L) | 0x4000L;
    long low = (random[1] & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }

  private static String firstLine(String message) {
    String text = String.valueOf(message);
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}

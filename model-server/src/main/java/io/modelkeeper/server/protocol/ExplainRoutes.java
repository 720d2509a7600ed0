package io.modelkeeper.server.protocol;

import io.modelkeeper.server.ServedModel;
import io.modelkeeper.server.ServerConfig;
import io.modelkeeper.server.explain.ExplainConfig;
import io.modelkeeper.server.explain.ExplainException;
import io.modelkeeper.server.explain.Explanations;
import io.modelkeeper.server.pods.PodIdentity;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * {@code POST /v2/models/{m}[/versions/{v}]/explain}: reads the request as {@code infer} does (JSON
 * or binary-data extension, the same limits), then hands it to {@link Explanations}, which answers
 * from its own threads. Explanations have their own admission: when as many are in flight as
 * MODELKEEPER_EXPLAIN_THREADS + MODELKEEPER_EXPLAIN_QUEUE the next gets 429 before its body is
 * read.
 */
@ApplicationScoped
public class ExplainRoutes {
  private static final Logger LOG = Logger.getLogger(ExplainRoutes.class);
  private static final int READ_ON_EVENT_LOOP_BYTES = 64 * 1024;

  private final ServedModel model;
  private final Explanations explanations;
  private final PodIdentity pod;
  private final long maxRequestBytes;
  private final long bodyTimeoutMillis;
  private final Admission admission;
  private final RequestCheck requestCheck;
  private final byte[] saturatedBody;

  public ExplainRoutes(
      ServedModel model,
      Explanations explanations,
      ExplainConfig explainConfig,
      ServerConfig config,
      PodIdentity pod) {
    this.model = model;
    this.explanations = explanations;
    this.pod = pod;
    this.maxRequestBytes = config.maxRequestSize().asLongValue();
    this.bodyTimeoutMillis = config.bodyTimeout().toMillis();
    int inFlight = Math.max(1, explainConfig.threads() + explainConfig.queue());
    this.admission =
        new Admission(
            inFlight,
            config
                .maxInFlightBytes()
                .map(MemorySize::asLongValue)
                .orElse(Runtime.getRuntime().maxMemory() / 16));
    this.requestCheck =
        new RequestCheck(
            model,
            new RequestLimits(config.maxRequestRows(), config.maxRequestElements()),
            admission);
    this.saturatedBody =
        ResponseWriter.error(
            "as many explanations are in flight as allowed (MODELKEEPER_EXPLAIN_THREADS="
                + explainConfig.threads()
                + " + MODELKEEPER_EXPLAIN_QUEUE="
                + explainConfig.queue()
                + ")");
  }

  void register(@Observes Router router) {
    for (String path :
        List.of("/v2/models/:model/explain", "/v2/models/:model/versions/:version/explain")) {
      router.route(HttpMethod.POST, path).handler(this::start).failureHandler(this::unread);
    }
  }

  private void start(RoutingContext context) {
    if (admission.enter(Integer.MAX_VALUE) != Admission.Entry.ADMITTED) {
      Refusals.refuseUnread(context, 429, saturatedBody);
      return;
    }
    Admission.Held held = new Admission.Held();
    AtomicBoolean gone = new AtomicBoolean();
    context.addEndHandler(
        ended -> {
          gone.set(true);
          admission.close(held);
          admission.leave();
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
            read(context, bytes, length, held, gone);
          }

          @Override
          public void refused(int status, String message) {
            if (status == 503) {
              Refusals.retryAfter(context.response());
            }
            Replies.error(context, status, message);
            if (status == 408) {
              context.request().connection().close();
            }
          }
        });
  }

  private void unread(RoutingContext context) {
    int status = context.statusCode();
    if (status >= 400 && status < 500) {
      Replies.error(context, status, "request could not be read");
    } else {
      failed(context, context.failure());
    }
  }

  private void read(
      RoutingContext context, byte[] bytes, int length, Admission.Held held, AtomicBoolean gone) {
    if (length <= READ_ON_EVENT_LOOP_BYTES) {
      try {
        explain(context, requestCheck.check(context, bytes, length, held), gone);
      } catch (RequestCheck.Refused refused) {
        refuse(context, refused);
      }
      return;
    }
    // A large body takes milliseconds to read: off the event loop, as for inference.
    context
        .vertx()
        .executeBlocking(() -> requestCheck.check(context, bytes, length, held), false)
        .onComplete(
            result -> {
              if (result.succeeded()) {
                explain(context, result.result(), gone);
              } else if (result.cause() instanceof RequestCheck.Refused refused) {
                refuse(context, refused);
              } else {
                failed(context, result.cause());
              }
            });
  }

  private void refuse(RoutingContext context, RequestCheck.Refused refused) {
    if (refused.reason() instanceof BadRequestException bad) {
      Replies.error(context, bad.status(), bad.getMessage());
    } else {
      Refusals.retryAfter(context.response());
      Replies.error(context, 503, refused.getMessage());
    }
  }

  private void explain(RoutingContext context, RequestCheck.Checked checked, AtomicBoolean gone) {
    InferRequest request = checked.request();
    String id =
        request.id() == null || request.id().isEmpty()
            ? pod.mint(InferRoutes.newId())
            : request.id();
    explanations
        .explain(request, checked.inputs().tensors(), id, gone)
        .whenComplete(
            (body, failure) -> {
              if (failure == null) {
                byte[] json = ResponseWriter.json(body);
                Replies.send(context.response(), 200, json);
              } else {
                failed(context, failure);
              }
            });
  }

  private void failed(RoutingContext context, Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (cause instanceof ExplainException refused) {
      if (refused.status() == 429 || refused.status() == 503) {
        Refusals.retryAfter(context.response());
      }
      Replies.error(context, refused.status(), refused.getMessage());
    } else if (cause instanceof CancellationException) {
      context.response().close();
    } else if (cause instanceof IllegalArgumentException bad) {
      Replies.error(context, 422, bad.getMessage());
    } else {
      LOG.errorf(cause, "explanation of model %s failed", model.name());
      Replies.error(context, 500, "explanation failed: " + cause);
    }
  }
}

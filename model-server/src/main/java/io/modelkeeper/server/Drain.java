package io.modelkeeper.server;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;
import sun.misc.Signal;

/**
 * Graceful drain on SIGTERM: from then on every new request but liveness gets a quick 503 (so
 * readiness fails too), while Quarkus waits up to {@code quarkus.shutdown.timeout} for the requests
 * already in flight, queued ones included, before the process exits 0.
 *
 * <p>Quarkus alone would keep answering new requests normally during that wait (only adding {@code
 * Connection: close}) and exit 143.
 */
@ApplicationScoped
public class Drain {

  private static final Logger LOG = Logger.getLogger(Drain.class);

  /** Before the access check: a draining server answers 503 whoever asks. */
  private static final int FIRST = Integer.MIN_VALUE + 50;

  private static final byte[] DRAINING =
      "{\"error\":\"the server is shutting down\"}"
          .getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private volatile boolean draining;

  void onStart(@Observes StartupEvent event) {
    if (LaunchMode.current() == LaunchMode.NORMAL) {
      Signal.handle(new Signal("TERM"), signal -> begin());
    }
  }

  void register(@Observes Router router) {
    router.route().order(FIRST).handler(this::refuseWhileDraining);
  }

  /** Stops taking new requests and shuts down once those in flight are answered. */
  public void begin() {
    if (draining) {
      return;
    }
    draining = true;
    LOG.info("draining: new requests get 503; exiting once the requests in flight are answered");
    Quarkus.asyncExit(0);
  }

  public boolean draining() {
    return draining;
  }

  private void refuseWhileDraining(RoutingContext context) {
    if (!draining || context.normalizedPath().equals("/v2/health/live")) {
      context.next();
      return;
    }
    context
        .response()
        .setStatusCode(503)
        .putHeader("Content-Type", "application/json")
        .putHeader("Connection", "close")
        .end(Buffer.buffer(DRAINING));
  }
}

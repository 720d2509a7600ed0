package io.modelkeeper.server.protocol;

import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A loop held busy shows as lag; one that keeps up shows next to none. */
class EventLoopLagTest {

  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));

  @AfterEach
  void close() {
    vertx.close();
  }

  @Test
  void aLoopHeldBusyShowsAsLag_andTheLagGoesWhenItKeepsUp() {
    EventLoopLag lag = new EventLoopLag(vertx);
    await().atMost(Duration.ofSeconds(5)).until(() -> lag.nanos() < 20_000_000L);

    vertx.runOnContext(
        v -> {
          long until = System.nanoTime() + 80_000_000L;
          while (System.nanoTime() < until) {
            Thread.onSpinWait();
          }
        });

    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(1))
        .until(() -> lag.nanos() >= 40_000_000L);
    // The await is the assertion: it fails unless the lag falls back within 5 s.
    await().atMost(Duration.ofSeconds(5)).until(() -> lag.nanos() < 20_000_000L);
  }
}

package io.modelkeeper.operator.controller;

import io.javaoperatorsdk.operator.Operator;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness that tells the truth about the watches: an operator whose informers stay broken (a watch
 * that stopped, an API it lost) reconciles nothing, so after a grace period it reports DOWN and
 * Kubernetes restarts it. Readiness (the SDK's own check) goes DOWN at once.
 */
@Liveness
@ApplicationScoped
public class WatchLiveness implements HealthCheck {

  /**
   * How long the watches may stay broken before a restart is asked for: they retry by themselves.
   */
  static final Duration GRACE = Duration.ofSeconds(90);

  private final Operator operator;
  private final Clock clock;
  private final BrokenSince brokenSince = new BrokenSince();

  public WatchLiveness(Operator operator, Clock clock) {
    this.operator = operator;
    this.clock = clock;
  }

  @Override
  public HealthCheckResponse call() {
    Map<String, ? extends Map<String, ?>> unhealthy =
        operator.getRuntimeInfo().unhealthyInformerWrappingEventSourceHealthIndicator();
    String broken =
        unhealthy.entrySet().stream()
            .filter(e -> !e.getValue().isEmpty())
            .map(e -> e.getKey() + ": " + String.join(", ", e.getValue().keySet()))
            .collect(Collectors.joining("; "));
    boolean alive = brokenSince.alive(broken.isEmpty(), clock.instant());
    var response = HealthCheckResponse.named("modelkeeper-watches").status(alive);
    return broken.isEmpty() ? response.build() : response.withData("broken", broken).build();
  }

  /** Remembers since when the watches are broken; alive until that lasted {@link #GRACE}. */
  static final class BrokenSince {
    private Instant since;

    synchronized boolean alive(boolean healthy, Instant now) {
      if (healthy) {
        since = null;
        return true;
      }
      since = since == null ? now : since;
      return now.isBefore(since.plus(GRACE));
    }
  }
}

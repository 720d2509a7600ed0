package io.modelkeeper.server.metrics;

import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.modelkeeper.server.access.PrivilegedRouter;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * {@code GET /metrics}: Prometheus text format 0.0.4 unless the scraper asks for OpenMetrics, so
 * that {@code curl …/metrics | promtool check metrics} works as well as a Prometheus scrape.
 */
@ApplicationScoped
public class MetricsRoute {

  private static final String TEXT_004 = "text/plain; version=0.0.4; charset=utf-8";
  private static final String OPENMETRICS =
      "application/openmetrics-text; version=1.0.0; charset=utf-8";

  private final PrometheusMeterRegistry registry;

  public MetricsRoute(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  void register(@Observes PrivilegedRouter privileged) {
    Router router = privileged.router();
    router.route(HttpMethod.GET, "/metrics").handler(this::scrape);
  }

  private void scrape(RoutingContext context) {
    String accept = context.request().getHeader("Accept");
    String contentType =
        accept != null && accept.contains("application/openmetrics-text") ? OPENMETRICS : TEXT_004;
    context.response().putHeader("Content-Type", contentType).end(registry.scrape(contentType));
  }
}

package io.modelkeeper.operator.metricsource.prometheus;

import io.modelkeeper.api.v1alpha1.MetricsProvider;
import io.modelkeeper.api.v1alpha1.MonitoringSpec;
import io.modelkeeper.operator.config.OperatorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/**
 * Which Prometheus a ModelDeployment may have the operator query. A URL in a spec is a request the
 * cluster-wide operator makes on a tenant's behalf, so only the operator's own Prometheus and the
 * prefixes its configuration allows are queried; anything else is refused, naming the field.
 */
@ApplicationScoped
public class PrometheusUrls {

  private final OperatorConfig config;

  public PrometheusUrls(OperatorConfig config) {
    this.config = config;
  }

  /** Why the spec's Prometheus may not be queried, or empty when it may (or none is named). */
  public Optional<String> refusal(MonitoringSpec monitoring) {
    if (monitoring == null
        || monitoring.getProvider() != MetricsProvider.PROMETHEUS
        || monitoring.getPrometheusUrl() == null) {
      return Optional.empty();
    }
    String url = monitoring.getPrometheusUrl();
    if (allowed().stream()
        .anyMatch(prefix -> url.equals(prefix) || url.startsWith(slash(prefix)))) {
      return Optional.empty();
    }
    return Optional.of(
        "spec.monitoring.prometheusUrl '"
            + url
            + "' is not one the operator may query: leave it out to use the operator's Prometheus"
            + config.prometheusUrl().map(u -> " (" + u + ")").orElse("")
            + ", or ask the operator's administrator to add it to modelkeeper.prometheus-allowed-urls");
  }

  private List<String> allowed() {
    List<String> allowed =
        new java.util.ArrayList<>(config.prometheusAllowedUrls().orElse(List.of()));
    config.prometheusUrl().ifPresent(allowed::add);
    return allowed;
  }

  private static String slash(String prefix) {
    return prefix.endsWith("/") ? prefix : prefix + "/";
  }
}

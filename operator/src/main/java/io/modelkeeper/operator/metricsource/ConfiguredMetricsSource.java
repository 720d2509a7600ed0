package io.modelkeeper.operator.metricsource;

import io.fabric8.kubernetes.api.model.Pod;
import io.modelkeeper.api.v1alpha1.MetricsProvider;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.operator.config.OperatorConfig;
import io.modelkeeper.operator.metricsource.prometheus.PrometheusAccess;
import io.modelkeeper.operator.metricsource.prometheus.PrometheusMetricsSource;
import io.modelkeeper.operator.metricsource.prometheus.PrometheusUrls;
import io.modelkeeper.operator.workload.ModelVersion;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Reads metrics where spec.monitoring.provider says: the pods themselves, or Prometheus. */
@DefaultBean
@ApplicationScoped
public class ConfiguredMetricsSource implements MetricsSource {

  private final PodMetricsSource pods;
  private final OperatorConfig config;
  private final Clock clock;
  private final Map<String, PrometheusMetricsSource> prometheus = new ConcurrentHashMap<>();

  private final PrometheusUrls urls;

  /** Built on first use, so an operator without Prometheus never reads its settings' files. */
  private volatile PrometheusAccess access;

  public ConfiguredMetricsSource(
      PodMetricsSource pods, OperatorConfig config, PrometheusUrls urls, Clock clock) {
    this.pods = pods;
    this.config = config;
    this.urls = urls;
    this.clock = clock;
  }

  @Override
  public ArmMetrics read(
      ModelDeployment md, ModelVersion model, List<Pod> versionPods, Duration interval) {
    var monitoring = md.getSpec().getMonitoring();
    if (monitoring.getProvider() != MetricsProvider.PROMETHEUS) {
      return pods.read(md, model, versionPods, interval);
    }
    var refused = urls.refusal(monitoring);
    if (refused.isPresent()) {
      throw new IllegalStateException(refused.get());
    }
    String url =
        monitoring.getPrometheusUrl() != null
            ? monitoring.getPrometheusUrl()
            : config
                .prometheusUrl()
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "spec.monitoring.provider is prometheus but neither spec.monitoring.prometheusUrl nor the"
                                + " operator setting modelkeeper.prometheus-url (the chart's"
                                + " prometheus.url) names a Prometheus, for example"
                                + " http://prometheus.monitoring:9090"));
    return prometheus
        .computeIfAbsent(
            url,
            u ->
                new PrometheusMetricsSource(
                    access().http(), u, access().credentials(), clock, config.prometheusMinRange()))
        .read(md, model, versionPods, interval);
  }

  private PrometheusAccess access() {
    PrometheusAccess built = access;
    if (built == null) {
      built = PrometheusAccess.from(config);
      access = built;
    }
    return built;
  }
}

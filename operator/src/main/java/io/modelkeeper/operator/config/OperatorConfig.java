package io.modelkeeper.operator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The operator's own settings (application.properties, or MODELKEEPER_* environment variables). */
@ConfigMapping(prefix = "modelkeeper")
public interface OperatorConfig {

  /** The model-server image used when a ModelDeployment names none. */
  @WithName("model-server")
  ModelServer modelServer();

  /** The reference trainer and evaluator, used when a ModelRetraining names no Job template. */
  @WithName("trainer")
  Trainer trainer();

  /** Extended resource name of one GPU on the cluster's nodes. */
  @WithName("gpu-resource-name")
  @WithDefault("nvidia.com/gpu")
  String gpuResourceName();

  /** Longest time between two reconciliations of a ModelDeployment when nothing changes. */
  @WithName("reconcile-interval")
  @WithDefault("60s")
  Duration reconcileInterval();

  /**
   * Prometheus used by ModelDeployments whose spec.monitoring.provider is prometheus and names no
   * URL.
   */
  @WithName("prometheus-url")
  Optional<String> prometheusUrl();

  /**
   * Prometheus servers a ModelDeployment's spec.monitoring.prometheusUrl may name (a URL, or a
   * prefix ending a path segment), besides {@link #prometheusUrl()}. Empty: specs may only use the
   * operator's own.
   */
  @WithName("prometheus-allowed-urls")
  Optional<List<String>> prometheusAllowedUrls();

  /** Leader election, for operators run with more than one replica. */
  @WithName("leader-election")
  LeaderElectionSettings leaderElection();

  /** Settings of the model-server pods. */
  interface ModelServer {

    /** Image of the model server and of its fetch-model init container. */
    @WithDefault("ghcr.io/modelkeeper/model-server:0.1.0")
    String image();
  }

  /** Settings of training and evaluation pods. */
  interface Trainer {

    /** Image of the reference trainer ({@code train}) and evaluator ({@code evaluate}). */
    @WithDefault("ghcr.io/modelkeeper/trainer:0.1.0")
    String image();
  }

  /** One active operator among several replicas, the others waiting on a Lease. */
  interface LeaderElectionSettings {

    /** Off by default: a single replica needs no Lease. */
    @WithDefault("false")
    boolean enabled();

    /** Namespace of the Lease; empty means the namespace of the operator's service account. */
    Optional<String> namespace();
  }
}

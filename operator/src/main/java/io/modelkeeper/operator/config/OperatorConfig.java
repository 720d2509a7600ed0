package io.modelkeeper.operator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;
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
   * How often a ModelRetraining with a newLabelledRows trigger reads the pods' labelled-row
   * counters. Each read that finds more rows rewrites the ModelRetraining's status, so this bounds
   * those writes.
   */
  @WithName("labelled-rows-interval")
  @WithDefault("30s")
  Duration labelledRowsInterval();

  /**
   * With a ModelRetraining's spec.dataset.uri, how long a model pod keeps a capture file open
   * before it finishes and uploads it: the longest a labelled row waits to reach the bucket.
   */
  @WithName("bucket-capture-file-age")
  @WithDefault("5m")
  Duration bucketCaptureFileAge();

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

  /**
   * Shortest window the prometheus provider takes a rate over, and the age beyond which a gauge's
   * last sample no longer counts: at least two, better four, of Prometheus's scrape intervals.
   */
  @WithName("prometheus-min-range")
  @WithDefault("60s")
  Duration prometheusMinRange();

  /** File (a mounted Secret's key) whose content is sent to Prometheus as a bearer token. */
  @WithName("prometheus-bearer-token-file")
  Optional<Path> prometheusBearerTokenFile();

  /** User name of basic authentication to Prometheus; the password comes from a file. */
  @WithName("prometheus-username")
  Optional<String> prometheusUsername();

  /** File (a mounted Secret's key) holding the basic-authentication password. */
  @WithName("prometheus-password-file")
  Optional<Path> prometheusPasswordFile();

  /** PEM bundle of the authorities that sign Prometheus's HTTPS certificate (a private CA). */
  @WithName("prometheus-ca-file")
  Optional<Path> prometheusCaFile();

  /**
   * Accept any certificate and host name from Prometheus over HTTPS (encrypted, not authenticated).
   */
  @WithName("prometheus-insecure-skip-verify")
  @WithDefault("false")
  boolean prometheusInsecureSkipVerify();

  /** Leader election, for operators run with more than one replica. */
  @WithName("leader-election")
  LeaderElectionSettings leaderElection();

  /** The web console at /console on the operator's HTTP port. */
  @WithName("console")
  Console console();

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

  /** The web console: off unless enabled; read-only unless a token file is given. */
  interface Console {

    /** Serve the console's pages and JSON at /console. */
    @WithDefault("false")
    boolean enabled();

    /**
     * File (a mounted Secret's key) holding the bearer token that allows the console's actions
     * (promote, abort, pause, resume, retrain). Without it the console only reads.
     */
    @WithName("token-file")
    Optional<Path> tokenFile();
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

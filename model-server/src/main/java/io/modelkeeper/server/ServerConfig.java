package io.modelkeeper.server;

import io.modelkeeper.server.fetch.FetchLimits;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The server's settings, read from MODELKEEPER_* environment variables (see docs/model-server.md).
 */
@ConfigMapping(prefix = "modelkeeper")
public interface ServerConfig {

  Model model();

  /** auto, cuda or cpu. */
  @WithDefault("auto")
  String executionProvider();

  /** Most rows one ONNX Runtime call may carry; 1 turns batching off. */
  @WithDefault("32")
  int maxBatchSize();

  /** Longest a request waits for others to share its batch. */
  @WithDefault("2ms")
  Duration maxQueueDelay();

  /** Largest request body accepted; larger ones get 413. */
  @WithDefault("32M")
  MemorySize maxRequestSize();

  /**
   * Models whose single-row run takes less than this many microseconds run a request that has
   * nothing to batch with on the receiving thread; 0 always hands requests to the batcher.
   */
  @WithDefault("200")
  long inlineRunLimitMicros();

  /** Parallel ONNX Runtime calls; defaults to the number of cores. */
  OptionalInt inferenceThreads();

  // Privileged endpoints, access tokens and model download limits (DESIGN §10).

  /**
   * When set, feedback, quality, reference and metrics are served on this port only, and inference
   * only on the main one.
   */
  OptionalInt adminPort();

  /** File holding the bearer token the privileged endpoints require; none when unset. */
  Optional<Path> adminTokenFile();

  /** File holding the bearer token inference and metadata require; health never needs one. */
  Optional<Path> inferenceTokenFile();

  /** If set, the reference.json fetched beside the model must have this sha256. */
  Optional<String> referenceSha256();

  /** Largest model file a download may bring; larger ones fail the fetch. */
  @WithDefault(FetchLimits.DEFAULT_MAX_MODEL_SIZE)
  MemorySize maxModelSize();

  /** Longest wait for a connection to the model host. */
  @WithDefault(FetchLimits.DEFAULT_CONNECT_TIMEOUT)
  Duration fetchConnectTimeout();

  /** Longest wait for the response headers, and for each further piece of the body. */
  @WithDefault(FetchLimits.DEFAULT_READ_TIMEOUT)
  Duration fetchReadTimeout();

  /** Longest a whole download (model and reference) may take. */
  @WithDefault(FetchLimits.DEFAULT_DEADLINE)
  Duration fetchDeadline();

  // Request limits and overload (DESIGN §10).

  /** Most rows (the first dimension) one request may carry; more get 413. */
  @WithDefault("65536")
  int maxRequestRows();

  /** Most tensor elements, all inputs together, one request may carry; more get 413. */
  @WithDefault("4194304")
  int maxRequestElements();

  /**
   * Inference requests being received, checked, queued or run at once; the next one gets 503 with
   * Retry-After before its body is read.
   */
  @WithDefault("256")
  int maxInFlight();

  /**
   * Bytes that inference requests in flight may hold at once (their bodies as received and their
   * decoded tensors); a request that would pass it gets 503 with Retry-After, one that alone needs
   * more gets 413. Defaults to a sixteenth of the maximum heap.
   */
  Optional<MemorySize> maxInFlightBytes();

  /** Requests waiting in the batch queue; the next one gets 503 with Retry-After. */
  @WithDefault("128")
  int maxQueueSize();

  /** Longest a request waits in the batch queue before it gets 503 with Retry-After; 0 waits on. */
  @WithDefault("1s")
  Duration queueTimeout();

  /**
   * Admit only as many inference requests as are answered within the queue timeout on average, as
   * measured; the next gets 503 with Retry-After before its body is read. False: only the in-flight
   * limit and the queue bound admission.
   */
  @WithDefault("true")
  boolean admitByExpectedWait();

  /**
   * Dummy inferences of the model's own signature run before the server reports ready, through the
   * request code but counted nowhere; 0 skips them.
   */
  @WithDefault("100")
  int warmupRequests();

  /** Longest a request body may take to arrive; a slower one gets 408. */
  @WithDefault("30s")
  Duration bodyTimeout();

  // Feedback through the Service: ids that name their pod, and one forward
  // (docs/quality-and-drift.md).

  /**
   * This pod's IP (the downward API's status.podIP); prediction ids minted here carry its token.
   */
  Optional<String> podIp();

  /**
   * Names that resolve to the model's pods (a headless Service's DNS name); feedback for a
   * prediction of one of them is forwarded to it, once. Without them nothing is forwarded.
   */
  Optional<List<String>> peers();

  /** Longest a forward of feedback to the pod that served the prediction may take. */
  @WithDefault("5s")
  Duration feedbackForwardTimeout();

  /** Which model this process serves. */
  interface Model {
    @WithDefault("model")
    String name();

    @WithDefault("1")
    String version();

    Optional<String> uri();

    Optional<String> sha256();

    /**
     * The operator's name for this exact model file (version, uri and checksum); labels every
     * series so that two files under one version string stay apart.
     */
    Optional<String> revision();
  }
}

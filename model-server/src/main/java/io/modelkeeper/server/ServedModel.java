package io.modelkeeper.server;

import io.modelkeeper.server.batching.DynamicBatcher;
import io.modelkeeper.server.fetch.FetchException;
import io.modelkeeper.server.fetch.FetchLimits;
import io.modelkeeper.server.fetch.ModelFetcher;
import io.modelkeeper.server.metrics.ServingMetrics;
import io.modelkeeper.server.onnx.ExecutionProviderChoice;
import io.modelkeeper.server.onnx.ModelRunner;
import io.modelkeeper.server.onnx.ModelSignature;
import io.modelkeeper.server.protocol.WarmUp;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The one model this process serves: loads it in the background at start-up (fetching it first when
 * the URI is remote), warms it up, and then hands out its batcher. A failed load leaves the server
 * up and not ready, with the reason.
 */
@ApplicationScoped
public class ServedModel {

  private static final Logger LOG = Logger.getLogger(ServedModel.class);

  private final ServerConfig config;
  private final ServingMetrics metrics;
  private volatile ModelState state = ModelState.LOADING;
  private volatile Path modelFile;
  private volatile ModelRunner runner;
  private volatile DynamicBatcher batcher;
  private final AtomicInteger arriving = new AtomicInteger();

  private final Event<ModelLoaded> loaded;

  public ServedModel(ServerConfig config, ServingMetrics metrics, Event<ModelLoaded> loaded) {
    this.config = config;
    this.metrics = metrics;
    this.loaded = loaded;
  }

  void onStart(@Observes StartupEvent event) {
    Thread loader = new Thread(this::load, "model-loader");
    loader.setDaemon(true);
    loader.start();
  }

  void onStop(@Observes ShutdownEvent event) {
    if (batcher != null) {
      batcher.close();
    }
  }

  private void load() {
    long start = System.nanoTime();
    try {
      Path file = localModelFile();
      modelFile = file;
      ExecutionProviderChoice.Request request =
          ExecutionProviderChoice.Request.parse(config.executionProvider());
      boolean tryCuda =
          ExecutionProviderChoice.shouldTryCuda(request, ExecutionProviderChoice.gpuVisible());
      ModelRunner opened = ModelRunner.open(file, tryCuda, LOG::warn);
      long singleRun = warmUp(opened);
      warmUpRequests(opened);
      boolean inline = singleRun < config.inlineRunLimitMicros() * 1000;
      runner = opened;
      int threads = config.inferenceThreads().orElse(Runtime.getRuntime().availableProcessors());
      batcher =
          new DynamicBatcher(
              opened,
              metrics,
              config.maxBatchSize(),
              config.maxQueueDelay(),
              threads,
              arriving,
              inline,
              new DynamicBatcher.QueuePolicy(config.maxQueueSize(), config.queueTimeout()));
      metrics.modelLoaded(System.nanoTime() - start, opened.executionProvider());
      // Quality monitoring and capture start before the first ready answer: a Service sends
      // labels to any ready pod.
      loaded.fire(new ModelLoaded(name(), version()));
      state = ModelState.ready();
      LOG.infof(
          "model %s version %s ready on %s in %d ms (batching %s; single-row run %d us, %s;"
              + " %d inference threads; %s)",
          name(),
          version(),
          opened.executionProvider(),
          (System.nanoTime() - start) / 1_000_000,
          batcher.coalesces() ? "up to " + config.maxBatchSize() + " rows" : "off",
          singleRun / 1000,
          inline
              ? "requests run on the event loop, not batched"
              : "all requests run on inference threads",
          threads,
          admission());
    } catch (FetchException | IllegalArgumentException e) {
      // The reason says it all; a stack trace would bury it.
      fail(e.getMessage(), null);
    } catch (Exception | LinkageError e) {
      fail(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /** How many requests are admitted, in the words of the settings. */
  private String admission() {
    if (!config.admitByExpectedWait() || config.queueTimeout().isZero()) {
      return "admission up to MODELKEEPER_MAX_IN_FLIGHT=" + config.maxInFlight();
    }
    return String.format(
        "admission of as many requests as are answered within MODELKEEPER_QUEUE_TIMEOUT (%s ms)"
            + " on average, at most MODELKEEPER_MAX_IN_FLIGHT=%d",
        config.queueTimeout().toNanos() / 1e6, config.maxInFlight());
  }

  /** A model the warm-up cannot feed still serves: the warm-up only spares the first callers. */
  private void warmUpRequests(ModelRunner runner) {
    long start = System.nanoTime();
    try {
      WarmUp.run(runner, name(), version(), config.warmupRequests(), config.maxBatchSize());
      LOG.debugf(
          "%d warm-up requests in %d ms",
          config.warmupRequests(), (System.nanoTime() - start) / 1_000_000);
    } catch (Exception e) {
      LOG.warnf("warm-up requests stopped, the model serves cold: %s", e.getMessage());
    }
  }

  /** Runs the model on zeros a few times; returns the median run time in nanoseconds. */
  private static long warmUp(ModelRunner runner) throws Exception {
    var inputs = runner.zeroInputs();
    runner.run(inputs);
    long[] times = new long[9];
    for (int i = 0; i < times.length; i++) {
      long start = System.nanoTime();
      runner.run(inputs);
      times[i] = System.nanoTime() - start;
    }
    java.util.Arrays.sort(times);
    return times[times.length / 2];
  }

  private void fail(String reason, Throwable cause) {
    String oneLine = String.valueOf(reason).replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    state = ModelState.failed(oneLine);
    LOG.errorf(cause, "model %s version %s failed to load: %s", name(), version(), oneLine);
  }

  private Path localModelFile() throws Exception {
    String uri = config.model().uri().orElse("");
    boolean plainPath = uri.startsWith("/");
    if (plainPath || uri.toLowerCase(Locale.ROOT).startsWith("file:")) {
      Path file = plainPath ? Path.of(uri) : Path.of(java.net.URI.create(uri));
      if (!Files.isRegularFile(file)) {
        throw new FetchException("model file not found: " + file);
      }
      ModelFetcher.verifySha256(file, config.model().sha256());
      ModelFetcher.checkOnnx(file, uri);
      verifyLocalReference(file);
      return file;
    }
    Path directory = Files.createTempDirectory("modelkeeper-model");
    ModelFetcher fetcher =
        new ModelFetcher(
            new FetchLimits(
                config.maxModelSize().asLongValue(),
                config.fetchConnectTimeout(),
                config.fetchReadTimeout(),
                config.fetchDeadline()));
    Path file = fetcher.fetchModel(uri, config.model().sha256(), directory);
    fetchReference(fetcher, uri, directory);
    return file;
  }

  /**
   * With MODELKEEPER_REFERENCE_SHA256 set, the reference.json beside a local model (the one the
   * init container fetched) must exist and match, as the model must.
   */
  private void verifyLocalReference(Path model) throws FetchException {
    if (config.referenceSha256().filter(s -> !s.isBlank()).isEmpty()) {
      return;
    }
    Path reference = model.resolveSibling(ModelFetcher.REFERENCE_FILE);
    if (!Files.isRegularFile(reference)) {
      throw new FetchException("MODELKEEPER_REFERENCE_SHA256 is set but there is no " + reference);
    }
    ModelFetcher.verifySha256(reference, config.referenceSha256());
  }

  /**
   * Brings the drift reference shipped beside a downloaded model next to its local copy, where
   * quality monitoring looks for it. It is optional unless its checksum is given: failing to get an
   * unchecked one must not stop the model.
   */
  private void fetchReference(ModelFetcher fetcher, String uri, Path directory)
      throws FetchException {
    try {
      fetcher.fetchReference(uri, config.referenceSha256(), directory);
    } catch (FetchException e) {
      if (config.referenceSha256().filter(s -> !s.isBlank()).isPresent()) {
        throw e;
      }
      LOG.warnf(
          "model %s version %s: could not fetch %s beside %s (%s); drift monitoring uses"
              + " MODELKEEPER_DRIFT_REFERENCE if set, else a reference captured from the first requests",
          name(), version(), ModelFetcher.REFERENCE_FILE, uri, e.getMessage());
    }
  }

  public String name() {
    return config.model().name();
  }

  public String version() {
    return config.model().version();
  }

  public int maxBatchSize() {
    return config.maxBatchSize();
  }

  public ModelState state() {
    return state;
  }

  /**
   * The model file as loaded: the local file itself, or the downloaded copy of a remote one (with
   * the reference.json fetched beside it, if any). Only set once {@link #state()} is no longer
   * loading.
   */
  public Optional<Path> modelFile() {
    return Optional.ofNullable(modelFile);
  }

  /** The loaded model's signature; only call when {@link #state()} is ready. */
  public ModelSignature signature() {
    return runner.signature();
  }

  /**
   * The loaded model's runner, for work that must not go through the batch queue (explanations);
   * only call when {@link #state()} is ready.
   */
  public ModelRunner runner() {
    return runner;
  }

  public String executionProvider() {
    return runner.executionProvider();
  }

  /** Requests received and not yet submitted to the batcher; the batcher waits only for these. */
  public AtomicInteger arriving() {
    return arriving;
  }

  public DynamicBatcher batcher() {
    return batcher;
  }
}

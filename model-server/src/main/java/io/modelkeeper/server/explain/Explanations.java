package io.modelkeeper.server.explain;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.modelkeeper.contract.ServerMetrics;
import io.modelkeeper.server.InferenceEvent;
import io.modelkeeper.server.InferenceListener;
import io.modelkeeper.server.ModelLoaded;
import io.modelkeeper.server.ServedModel;
import io.modelkeeper.server.batching.DynamicBatcher;
import io.modelkeeper.server.drift.DriftMonitor;
import io.modelkeeper.server.drift.ReferenceStatistics;
import io.modelkeeper.server.onnx.Tensor;
import io.modelkeeper.server.protocol.InferRequest;
import io.modelkeeper.server.quality.QualityConfig;
import io.modelkeeper.server.quality.QualityMonitor;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jboss.logging.Logger;

/**
 * Explanations of the served model: per request ({@code POST …/explain}) and for a sample of live
 * requests (live importance). Both run on a small pool of low-priority threads of their own, never
 * through the batch queue, and each ONNX Runtime call of theirs waits while inference requests are
 * queued: inference waits at most one explanation chunk per explanation thread.
 */
@ApplicationScoped
public class Explanations implements InferenceListener {
  private static final Logger LOG = Logger.getLogger(Explanations.class);

  /** Longest an explanation chunk holds back for queued inference before it runs anyway. */
  private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** Features beyond this many get no importance gauge (the quality JSON lists them all). */
  static final int MAX_GAUGED_FEATURES = 64;

  private final ServedModel model;
  private final ExplainConfig config;
  private final QualityMonitor quality;
  private final MeterRegistry registry;
  private final int window;
  private final AtomicLong liveExplained = new AtomicLong();
  private final AtomicLong liveDropped = new AtomicLong();
  private final AtomicLong liveFailed = new AtomicLong();
  private final AtomicLong sequence = new AtomicLong();
  private volatile Ready ready;
  private volatile String problem = "the model is not loaded yet";
  private volatile String liveBackground;
  private volatile Background referenceBackground;
  private volatile ReferenceStatistics referenceDrawn;

  /** What exists once the model is loaded and can be explained. */
  private record Ready(
      FeatureSpace space,
      ThreadPoolExecutor executor,
      Semaphore requests,
      Semaphore live,
      LiveRows liveRows,
      ImportanceWindow importance) {}

  public Explanations(
      ServedModel model,
      ExplainConfig config,
      QualityConfig qualityConfig,
      QualityMonitor quality,
      MeterRegistry registry) {
    this.model = model;
    this.config = config;
    this.quality = quality;
    this.registry = registry;
    this.window = qualityConfig.quality().window();
  }

  /** After quality monitoring has started (its drift reference names the features). */
  void onModelLoaded(
      @Observes @Priority(Interceptor.Priority.APPLICATION + 600) ModelLoaded event) {
    try {
      check();
      ReferenceStatistics reference = reference();
      FeatureSpace space =
          FeatureSpace.of(
              model.signature(),
              config.featureNames().orElse(List.of()),
              ReferenceBackground.names(reference, model.signature().inputs().get(0).name()),
              config.output().orElse(null));
      int threads = config.threads();
      AtomicInteger count = new AtomicInteger();
      ThreadPoolExecutor executor =
          new ThreadPoolExecutor(
              threads,
              threads,
              0,
              TimeUnit.MILLISECONDS,
              new PriorityBlockingQueue<>(),
              task -> {
                Thread thread = new Thread(task, "explain-" + count.incrementAndGet());
                thread.setDaemon(true);
                thread.setPriority(Thread.MIN_PRIORITY);
                return thread;
              });
      ready =
          new Ready(
              space,
              executor,
              new Semaphore(threads + config.queue()),
              new Semaphore(config.live().queue()),
              new LiveRows(config.maxBackgroundRows(), space.features()),
              new ImportanceWindow(space.features(), window));
      problem = null;
      if (config.live().rate() > 0) {
        registerMetrics(ready);
      }
      LOG.infof(
          "explanations of model %s version %s: %d features (%s), output %s, %s; live importance"
              + " %s",
          model.name(),
          model.version(),
          space.features(),
          space.features() <= config.exactMaxFeatures() ? "exact Shapley values" : "Kernel SHAP",
          space.outputs().get(0).name(),
          threads + " thread(s)",
          config.live().rate() > 0 ? "of " + config.live().rate() * 100 + "% of requests" : "off");
    } catch (IllegalArgumentException e) {
      problem = "model " + model.name() + " cannot be explained: " + e.getMessage();
      LOG.warnf("%s", problem);
    }
  }

  private void check() {
    if (config.threads() < 1 || config.queue() < 0 || config.live().queue() < 1) {
      throw new IllegalArgumentException(
          "MODELKEEPER_EXPLAIN_THREADS and MODELKEEPER_EXPLAIN_LIVE_QUEUE must be 1 or more,"
              + " MODELKEEPER_EXPLAIN_QUEUE 0 or more");
    }
    if (config.exactMaxFeatures() < 1 || config.exactMaxFeatures() > 20) {
      throw new IllegalArgumentException(
          "MODELKEEPER_EXPLAIN_EXACT_MAX_FEATURES must be between 1 and 20, got "
              + config.exactMaxFeatures());
    }
    if (config.maxBackgroundRows() < 1 || config.maxModelRows() < 1 || config.samples() < 1) {
      throw new IllegalArgumentException(
          "MODELKEEPER_EXPLAIN_MAX_BACKGROUND_ROWS, MODELKEEPER_EXPLAIN_MAX_MODEL_ROWS and"
              + " MODELKEEPER_EXPLAIN_SAMPLES must be 1 or more");
    }
    double rate = config.live().rate();
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException(
          "MODELKEEPER_EXPLAIN_LIVE_RATE must be between 0 and 1, got " + rate);
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    Ready current = ready;
    if (current != null) {
      current.executor().shutdownNow();
    }
  }

  /** Why requests cannot be explained, or null when they can. */
  public String problem() {
    return problem;
  }

  /** The features and the default explained output, or null before the model is loaded. */
  public FeatureSpace space() {
    Ready current = ready;
    return current == null ? null : current.space();
  }

  /**
   * Explains every row of a checked request's input; completes with the answer's body, or with an
   * {@link ExplainException} naming why not.
   *
   * @param gone set when the caller hangs up: the explanation stops at its next chunk
   */
  public CompletableFuture<Map<String, Object>> explain(
      InferRequest request, Map<String, Tensor> inputs, String id, AtomicBoolean gone) {
    CompletableFuture<Map<String, Object>> answer = new CompletableFuture<>();
    Ready current = ready;
    if (current == null) {
      answer.completeExceptionally(new ExplainException(422, problem));
      return answer;
    }
    Job job;
    try {
      job = plan(current, request, inputs);
    } catch (ExplainException e) {
      answer.completeExceptionally(e);
      return answer;
    }
    if (!current.requests().tryAcquire()) {
      answer.completeExceptionally(
          new ExplainException(
              429,
              "as many explanations are running or waiting as allowed"
                  + " (MODELKEEPER_EXPLAIN_THREADS="
                  + config.threads()
                  + " running, MODELKEEPER_EXPLAIN_QUEUE="
                  + config.queue()
                  + " waiting)"));
      return answer;
    }
    try {
      current
          .executor()
          .execute(
              new Task(
                  0,
                  sequence.incrementAndGet(),
                  () -> {
                    try {
                      answer.complete(run(job, id, gone));
                    } catch (Throwable e) {
                      answer.completeExceptionally(e);
                    } finally {
                      current.requests().release();
                    }
                  }));
    } catch (RejectedExecutionException e) {
      current.requests().release();
      answer.completeExceptionally(new ExplainException(503, "the server is shutting down"));
    }
    return answer;
  }

  /** One explanation request, checked and costed, ready to run. */
  private record Job(
      FeatureSpace space,
      ExplanationMethod method,
      Background background,
      double[][] rows,
      int samples,
      long seed) {}

  private Job plan(Ready current, InferRequest request, Map<String, Tensor> inputs)
      throws ExplainException {
    FeatureSpace space = current.space();
    int m = space.features();
    ExplainParameters parameters =
        ExplainParameters.read(request.parameters(), m, config.maxBackgroundRows());
    ExplanationMethod method;
    try {
      method = ExplanationMethod.choose(parameters.method(), m, config.exactMaxFeatures());
      if (!request.outputs().isEmpty()) {
        List<FeatureSpace.Output> chosen = new ArrayList<>();
        for (InferRequest.RequestedOutput output : request.outputs()) {
          chosen.add(space.output(model.signature(), output.name()));
        }
        space = space.explaining(chosen);
      }
    } catch (IllegalArgumentException e) {
      throw new ExplainException(400, e.getMessage());
    }
    int samples = parameters.samples() == null ? config.samples() : parameters.samples();
    if (!method.algorithm().equals("exact") && samples <= m) {
      throw new ExplainException(
          400,
          method.algorithm()
              + " needs more samples than features: parameters.samples is "
              + samples
              + " for "
              + m
              + " features");
    }
    Background background =
        parameters.background() != null
            ? new Background(parameters.background(), "request")
            : background(current, config.maxBackgroundRows());
    if (background == null) {
      throw new ExplainException(
          409,
          "no background to explain against yet: send rows in parameters.background, ship a"
              + " reference.json with samples beside the model, or wait for live requests");
    }
    Tensor input = inputs.get(space.input());
    double[][] rows = ModelRows.rowsOf(input, m);
    long perRow = method.cost(m, background.rows().length, samples);
    long cost =
        perRow > Long.MAX_VALUE / Math.max(1, rows.length) ? Long.MAX_VALUE : perRow * rows.length;
    if (cost > config.maxModelRows()) {
      throw new ExplainException(
          413,
          "this explanation would run "
              + cost
              + " model rows ("
              + rows.length
              + " row(s) × "
              + perRow
              + ": "
              + costText(method, m, background.rows().length, samples)
              + "), more than MODELKEEPER_EXPLAIN_MAX_MODEL_ROWS="
              + config.maxModelRows()
              + "; send fewer rows, a smaller background or fewer samples");
    }
    long seed = parameters.seed() == null ? ExplainParameters.DEFAULT_SEED : parameters.seed();
    return new Job(space, method, background, rows, samples, seed);
  }

  private static String costText(ExplanationMethod method, int m, int background, int samples) {
    return switch (method.algorithm()) {
      case "exact" -> "2^" + m + " coalitions × " + background + " background rows";
      case "kernel" -> "(" + samples + " coalitions + 2) × " + background + " background rows";
      default -> samples + " perturbations + the row";
    };
  }

  private Map<String, Object> run(Job job, String id, AtomicBoolean gone) throws Exception {
    long start = System.nanoTime();
    ModelRows rows = new ModelRows(model.runner(), job.space(), config.chunkRows(), turn(gone));
    List<RowExplanation> explained = new ArrayList<>(job.rows().length);
    for (double[] row : job.rows()) {
      explained.add(
          job.method().explain(rows, row, job.background().rows(), job.samples(), job.seed()));
    }
    return ExplanationJson.of(
        new ExplanationJson.Run(
            model.name(),
            model.version(),
            id,
            job.space(),
            job.method(),
            job.background(),
            job.samples(),
            rows.rowsRun(),
            System.nanoTime() - start),
        explained);
  }

  /** Waits while inference requests are queued (at most {@link #MAX_PAUSE_NANOS}). */
  private ModelRows.Turn turn(AtomicBoolean gone) {
    return () -> {
      DynamicBatcher batcher = model.batcher();
      long deadline = System.nanoTime() + MAX_PAUSE_NANOS;
      while (batcher != null && batcher.queued() > 0 && System.nanoTime() < deadline) {
        LockSupport.parkNanos(200_000);
      }
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      if (gone.get()) {
        throw new CancellationException("the caller hung up");
      }
    };
  }

  /**
   * The background when the request gives none: the drift reference's samples if it has them for
   * every feature, else the latest rows of live traffic; null when neither exists yet.
   */
  private Background background(Ready current, int rows) {
    ReferenceStatistics reference = reference();
    if (reference != null) {
      Background drawn = referenceBackground;
      if (drawn == null || referenceDrawn != reference || drawn.rows().length < rows) {
        drawn =
            ReferenceBackground.draw(
                reference,
                current.space().input(),
                current.space().features(),
                config.maxBackgroundRows());
        referenceBackground = drawn;
        referenceDrawn = reference;
      }
      if (drawn != null) {
        return drawn.first(rows);
      }
    }
    double[][] live = current.liveRows().rows();
    if (live.length == 0) {
      return null;
    }
    return new Background(live, "live").first(rows);
  }

  private ReferenceStatistics reference() {
    var monitored = quality.quality();
    DriftMonitor drift = monitored == null ? null : monitored.driftMonitor();
    return drift == null ? null : drift.reference();
  }

  // Live importance.

  @Override
  public void inferred(InferenceEvent event) {
    Ready current = ready;
    if (current == null) {
      return;
    }
    Tensor input = event.inputs().get(current.space().input());
    int m = current.space().features();
    if (input == null || input.rows() < 1 || input.elementCount() < m) {
      return;
    }
    double[] row = new double[m];
    for (int j = 0; j < m; j++) {
      row[j] = ModelRows.valueAt(input, j);
    }
    current.liveRows().add(row);
    double rate = config.live().rate();
    if (rate <= 0 || ThreadLocalRandom.current().nextDouble() >= rate) {
      return;
    }
    if (!current.live().tryAcquire()) {
      liveDropped.incrementAndGet();
      return;
    }
    try {
      current
          .executor()
          .execute(
              new Task(
                  1,
                  sequence.incrementAndGet(),
                  () -> {
                    try {
                      explainLive(current, row);
                    } finally {
                      current.live().release();
                    }
                  }));
    } catch (RuntimeException e) {
      current.live().release();
      liveDropped.incrementAndGet();
    }
  }

  private void explainLive(Ready current, double[] row) {
    FeatureSpace space = current.space();
    int m = space.features();
    try {
      Background background = background(current, config.live().backgroundRows());
      if (background == null) {
        liveDropped.incrementAndGet();
        return;
      }
      ExplanationMethod method = ExplanationMethod.choose("shap", m, config.exactMaxFeatures());
      int samples = Math.max(config.live().samples(), m + 1);
      if (method.cost(m, background.rows().length, samples) > config.maxModelRows()) {
        liveDropped.incrementAndGet();
        return;
      }
      ModelRows rows =
          new ModelRows(model.runner(), space, config.chunkRows(), turn(new AtomicBoolean()));
      RowExplanation explained =
          method.explain(
              rows, row, background.rows(), samples, ThreadLocalRandom.current().nextLong());
      double[] magnitudes = new double[m];
      int columns = space.columns();
      for (double[] attributions : explained.attributions()) {
        for (int j = 0; j < m; j++) {
          magnitudes[j] += Math.abs(attributions[j]) / columns;
        }
      }
      current.importance().add(magnitudes);
      liveBackground = background.source();
      liveExplained.incrementAndGet();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      liveFailed.incrementAndGet();
      LOG.debugf(e, "a live explanation failed");
    }
  }

  private void registerMetrics(Ready current) {
    List<String> names = current.space().names();
    ImportanceWindow importance = current.importance();
    for (int j = 0; j < Math.min(names.size(), MAX_GAUGED_FEATURES); j++) {
      int feature = j;
      Gauge.builder(ServerMetrics.FEATURE_IMPORTANCE, importance, w -> w.means()[feature])
          .tags(Tags.of(ServerMetrics.FEATURE, names.get(j)))
          .description(
              "Mean |attribution| (Shapley value) of one input feature over the live explanations"
                  + " of the quality window")
          .strongReference(true)
          .register(registry);
    }
    for (var entry :
        Map.of("explained", liveExplained, "dropped", liveDropped, "failed", liveFailed)
            .entrySet()) {
      FunctionCounter.builder("modelkeeper.live.explanations", entry.getValue(), AtomicLong::get)
          .tags(Tags.of("result", entry.getKey()))
          .description("Live requests sampled for importance, by what became of them")
          .register(registry);
    }
  }

  /** The {@code importance} object of {@code GET …/quality}. */
  public Map<String, Object> importance() {
    Map<String, Object> body = new java.util.LinkedHashMap<>();
    Ready current = ready;
    boolean on = current != null && config.live().rate() > 0;
    body.put("enabled", on);
    if (current == null) {
      body.put("error", problem);
      return body;
    }
    if (!on) {
      return body;
    }
    FeatureSpace space = current.space();
    body.put("rate", config.live().rate());
    body.put("method", "shap");
    body.put("algorithm", space.features() <= config.exactMaxFeatures() ? "exact" : "kernel");
    body.put("output", space.outputs().get(0).name());
    body.put("background", liveBackground);
    body.put(
        "window",
        Map.of("capacity", current.importance().capacity(), "size", current.importance().size()));
    body.put("explained_total", liveExplained.get());
    body.put("dropped_total", liveDropped.get());
    body.put("failed_total", liveFailed.get());
    double[] means = current.importance().means();
    List<Map<String, Object>> features = new ArrayList<>();
    for (int j = 0; j < means.length; j++) {
      Map<String, Object> entry = new java.util.LinkedHashMap<>();
      entry.put("name", space.names().get(j));
      entry.put("mean_abs_attribution", ExplanationJson.figure(means[j]));
      features.add(entry);
    }
    features.sort(
        (a, b) -> {
          Double x = (Double) a.get("mean_abs_attribution");
          Double y = (Double) b.get("mean_abs_attribution");
          return Double.compare(y == null ? -1 : y, x == null ? -1 : x);
        });
    body.put("features", features);
    return body;
  }

  /** A runnable that explanation requests (priority 0) pass live explanations (1) with. */
  private record Task(int priority, long order, Runnable work)
      implements Runnable, Comparable<Task> {
    @Override
    public void run() {
      work.run();
    }

    @Override
    public int compareTo(Task other) {
      int byPriority = Integer.compare(priority, other.priority);
      return byPriority != 0 ? byPriority : Long.compare(order, other.order);
    }
  }
}

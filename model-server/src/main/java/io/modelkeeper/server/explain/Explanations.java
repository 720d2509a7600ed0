package io.modelkeeper.server.explain;

import io.micrometer.core.instrument.MeterRegistry;
import io.modelkeeper.server.InferenceEvent;
import io.modelkeeper.server.InferenceListener;
import io.modelkeeper.server.ModelLoaded;
import io.modelkeeper.server.ServedModel;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Explanations of the served model: per request ({@code POST …/explain}) and for a sample of live
 * requests (live importance). Both run on the {@link ExplanationPool}, never through the batch
 * queue: inference waits at most one explanation chunk per explanation thread.
 */
@ApplicationScoped
public class Explanations implements InferenceListener {
  private static final Logger LOG = Logger.getLogger(Explanations.class);

  /**
   * Most values (coalitions or perturbations times output columns) one explanation keeps while it
   * runs: 32 MiB of doubles.
   */
  static final long MAX_KEPT_VALUES = 4L * 1024 * 1024;

  private final ServedModel model;
  private final ExplainConfig config;
  private final QualityMonitor quality;
  private final MeterRegistry registry;
  private final int window;
  private volatile Ready ready;
  private volatile String problem = "the model is not loaded yet";
  private volatile Background referenceBackground;
  private volatile ReferenceStatistics referenceDrawn;

  /** Live importance rests after each explanation, to keep to MODELKEEPER_EXPLAIN_LIVE_CPU. */
  private volatile LiveBudget liveBudget;

  /** What exists once the model is loaded and can be explained. */
  private record Ready(
      FeatureSpace space, ExplanationPool pool, LiveRows liveRows, LiveImportance live) {}

  /** One explanation request, checked and costed, ready to run. */
  private record Job(
      FeatureSpace space,
      ExplanationMethod method,
      Background background,
      double[][] rows,
      int samples,
      long seed) {}

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
      FeatureSpace space =
          FeatureSpace.of(
              model.signature(),
              config.featureNames().orElse(List.of()),
              ReferenceBackground.names(reference(), model.signature().inputs().get(0).name()),
              config.output().orElse(null));
      String algorithm =
          ExplanationMethod.choose("shap", space.features(), config.exactMaxFeatures()).algorithm();
      LiveImportance live = new LiveImportance(space, config.live().rate(), algorithm, window);
      liveBudget = new LiveBudget(config.live().cpu(), System.nanoTime());
      ready =
          new Ready(
              space,
              new ExplanationPool(
                  config.threads(), config.queue(), config.live().queue(), model::batcher),
              new LiveRows(config.maxBackgroundRows(), space.features()),
              live);
      problem = null;
      if (live.on()) {
        live.register(registry);
      }
      LOG.infof(
          "explanations of model %s version %s: %d features (%s), output %s, %d thread(s); live"
              + " importance %s",
          model.name(),
          model.version(),
          space.features(),
          algorithm.equals("exact") ? "exact Shapley values" : "Kernel SHAP",
          space.outputs().get(0).name(),
          config.threads(),
          live.on()
              ? "of "
                  + config.live().rate() * 100
                  + "% of requests, at most "
                  + config.live().cpu() * 100
                  + "% of one core"
              : "off");
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
      current.pool().shutdown();
    }
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
    try {
      if (current == null) {
        throw new ExplainException(422, problem);
      }
      Job job = plan(current, request, inputs);
      boolean taken =
          current
              .pool()
              .request(
                  () -> {
                    try {
                      answer.complete(run(current, job, id, gone));
                    } catch (Throwable e) {
                      answer.completeExceptionally(e);
                    }
                  });
      if (!taken) {
        throw new ExplainException(
            429,
            "as many explanations are running or waiting as allowed"
                + " (MODELKEEPER_EXPLAIN_THREADS="
                + config.threads()
                + " running, MODELKEEPER_EXPLAIN_QUEUE="
                + config.queue()
                + " waiting)");
      }
    } catch (ExplainException e) {
      answer.completeExceptionally(e);
    }
    return answer;
  }

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
    double[][] rows = ModelRows.rowsOf(inputs.get(space.input()), m);
    checkCost(method, m, background.rows().length, samples, rows.length);
    long kept = method.kept(m, samples) * space.columns();
    if (kept > MAX_KEPT_VALUES) {
      throw new ExplainException(
          413,
          "this explanation would keep "
              + kept
              + " values at once ("
              + method.kept(m, samples)
              + " coalitions or perturbations × "
              + space.columns()
              + " output columns), more than "
              + MAX_KEPT_VALUES
              + "; name fewer outputs in the request's outputs, or ask for fewer samples");
    }
    long seed = parameters.seed() == null ? ExplainParameters.DEFAULT_SEED : parameters.seed();
    return new Job(space, method, background, rows, samples, seed);
  }

  private void checkCost(ExplanationMethod method, int m, int backgroundRows, int samples, int rows)
      throws ExplainException {
    long perRow = method.cost(m, backgroundRows, samples);
    long cost = perRow > Long.MAX_VALUE / Math.max(1, rows) ? Long.MAX_VALUE : perRow * rows;
    if (cost <= config.maxModelRows()) {
      return;
    }
    String how =
        switch (method.algorithm()) {
          case "exact" -> "2^" + m + " coalitions × " + backgroundRows + " background rows";
          case "kernel" ->
              "(" + samples + " coalitions + 2) × " + backgroundRows + " background rows";
          default -> samples + " perturbations + the row";
        };
    throw new ExplainException(
        413,
        "this explanation would run "
            + cost
            + " model rows ("
            + rows
            + " row(s) × "
            + perRow
            + ": "
            + how
            + "), more than MODELKEEPER_EXPLAIN_MAX_MODEL_ROWS="
            + config.maxModelRows()
            + "; send fewer rows, a smaller background or fewer samples");
  }

  private Map<String, Object> run(Ready current, Job job, String id, AtomicBoolean gone)
      throws Exception {
    long start = System.nanoTime();
    ModelRows rows =
        new ModelRows(model.runner(), job.space(), config.chunkRows(), current.pool().turn(gone));
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

  /**
   * The background when the request gives none: the drift reference's samples if it has them for
   * every feature, else the latest rows of live traffic; null when neither exists yet.
   */
  private Background background(Ready current, int rows) {
    ReferenceStatistics reference = reference();
    if (reference != null) {
      Background drawn = referenceBackground;
      if (referenceDrawn != reference) {
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
    return live.length == 0 ? null : new Background(live, "live").first(rows);
  }

  private ReferenceStatistics reference() {
    var monitored = quality.quality();
    DriftMonitor drift = monitored == null ? null : monitored.driftMonitor();
    return drift == null ? null : drift.reference();
  }

  /**
   * Keeps the request's first row as a possible background row and, for the sampled share, hands it
   * to the explanation threads; never waits.
   */
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
    LiveImportance live = current.live();
    if (live.sampled() && (resting() || !current.pool().live(() -> explainLive(current, row)))) {
      live.dropped();
    }
  }

  /** Whether live importance is resting after its last explanation, to keep to its CPU share. */
  private boolean resting() {
    return liveBudget.resting(System.nanoTime());
  }

  private void explainLive(Ready current, double[] row) {
    LiveImportance live = current.live();
    if (resting()) {
      live.dropped();
      return;
    }
    int m = current.space().features();
    long start = System.nanoTime();
    try {
      Background background = background(current, config.live().backgroundRows());
      ExplanationMethod method = ExplanationMethod.choose("shap", m, config.exactMaxFeatures());
      int samples = Math.max(config.live().samples(), m + 1);
      if (background == null
          || method.cost(m, background.rows().length, samples) > config.maxModelRows()
          || method.kept(m, samples) * current.space().columns() > MAX_KEPT_VALUES) {
        live.dropped();
        return;
      }
      ModelRows rows =
          new ModelRows(
              model.runner(),
              current.space(),
              config.chunkRows(),
              current.pool().turn(new AtomicBoolean()));
      long seed = ThreadLocalRandom.current().nextLong();
      live.explained(
          method.explain(rows, row, background.rows(), samples, seed), background.source());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      live.failed();
      LOG.debugf(e, "a live explanation failed");
    } finally {
      liveBudget.spent(start, System.nanoTime());
    }
  }

  /** The {@code importance} object of {@code GET …/quality}. */
  public Map<String, Object> importance() {
    Ready current = ready;
    if (current == null) {
      return Map.of("enabled", false, "error", problem);
    }
    return current.live().json();
  }
}

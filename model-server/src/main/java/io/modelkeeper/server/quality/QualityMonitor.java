package io.modelkeeper.server.quality;

import io.modelkeeper.server.InferenceEvent;
import io.modelkeeper.server.InferenceListener;
import io.modelkeeper.server.ModelLoaded;
import io.modelkeeper.server.ModelState;
import io.modelkeeper.server.ServedModel;
import io.modelkeeper.server.onnx.Tensor;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Starts quality monitoring once the model has loaded (its outputs decide how predictions are read)
 * and before the server reports ready, and feeds it every successful inference. Off when {@code
 * MODELKEEPER_TASK} is unset.
 */
@ApplicationScoped
public class QualityMonitor implements InferenceListener {
  private static final Logger LOG = Logger.getLogger(QualityMonitor.class);

  private final ServedModel model;
  private final QualityConfig config;
  private final QualityMetrics metrics;
  private volatile ModelQuality quality;
  private volatile String problem;
  private volatile String driftProblem;

  public QualityMonitor(ServedModel model, QualityConfig config, QualityMetrics metrics) {
    this.model = model;
    this.config = config;
    this.metrics = metrics;
    this.problem =
        config.task().isEmpty()
            ? "quality monitoring is off: set MODELKEEPER_TASK to binary-classification, "
                + "multiclass-classification or regression"
            : "the model is not loaded yet";
  }

  /**
   * Starts monitoring when the model has loaded, before the server reports ready, so a ready pod
   * takes labels from its first request on.
   */
  void onModelLoaded(@Observes ModelLoaded event) {
    if (config.task().isPresent()) {
      start();
    }
  }

  void onStop(@Observes ShutdownEvent event) throws InterruptedException {
    ModelQuality current = quality;
    if (current != null && current.capture() != null) {
      current.capture().close();
    }
  }

  private synchronized void start() {
    if (quality != null) {
      return;
    }
    try {
      Task task = Task.parse(config.task().get());
      QualitySetup.Built built =
          QualitySetup.build(
              config, task, model.signature(), model.name(), model.version(), model.modelFile());
      driftProblem = built.driftProblem();
      if (driftProblem != null) {
        LOG.errorf(
            "drift monitoring is off for model %s version %s: %s",
            model.name(), model.version(), driftProblem);
      }
      metrics.register(built.quality(), model.name(), model.version());
      built.quality().onReferenceReady(() -> metrics.registerDrift(built.quality()));
      quality = built.quality();
      problem = null;
      LOG.infof(
          "quality monitoring of model %s version %s started: %s, %s",
          model.name(), model.version(), task.id(), built.outputsRead());
    } catch (Exception e) {
      problem = "quality monitoring could not start: " + e.getMessage();
      LOG.errorf("model %s version %s: %s", model.name(), model.version(), problem);
    }
  }

  @Override
  public void inferred(InferenceEvent event) {
    ModelQuality current = quality;
    if (current == null) {
      return;
    }
    Map<String, Tensor> inputs = event.inputs();
    Map<String, Tensor> outputs = event.outputs();
    current.inferred(
        event.id(),
        event.rows(),
        name -> inputs.get(name)::floatAt,
        name -> outputs.get(name)::floatAt);
  }

  /** The running monitoring, or null; then {@link #problem()} says why. */
  public ModelQuality quality() {
    return quality;
  }

  public String problem() {
    if (quality == null && model.state().phase() == ModelState.Phase.FAILED) {
      return "model " + model.name() + " failed to load: " + model.state().reason();
    }
    return problem;
  }

  /** True when monitoring was not asked for (no task), as opposed to not started yet or failed. */
  public boolean monitoringOff() {
    return config.task().isEmpty();
  }

  /** Why drift is off although monitoring runs, or null. */
  public String driftProblem() {
    return driftProblem;
  }
}

package io.modelkeeper.operator.console;

import io.javaoperatorsdk.operator.api.reconciler.ResourceCache;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelRetraining;
import io.modelkeeper.api.v1alpha1.RetrainingRun;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.stream.Stream;

/**
 * The operator's own informer caches of ModelDeployments, ModelRetrainings and RetrainingRuns, as
 * the controllers hand them over when they start: the console reads these and never the API server,
 * so a page view costs no API request.
 */
@ApplicationScoped
public class ConsoleCaches {

  private volatile ResourceCache<ModelDeployment> models;
  private volatile ResourceCache<ModelRetraining> retrainings;
  private volatile ResourceCache<RetrainingRun> runs;

  public void modelDeployments(ResourceCache<ModelDeployment> cache) {
    this.models = cache;
  }

  public void modelRetrainings(ResourceCache<ModelRetraining> cache) {
    this.retrainings = cache;
  }

  public void retrainingRuns(ResourceCache<RetrainingRun> cache) {
    this.runs = cache;
  }

  /** Every ModelDeployment of the watched namespaces; none before the controller has started. */
  public Stream<ModelDeployment> modelDeployments() {
    ResourceCache<ModelDeployment> cache = models;
    return cache == null ? Stream.empty() : cache.list();
  }

  /** One ModelDeployment from the cache, if there. */
  public java.util.Optional<ModelDeployment> modelDeployment(
      io.javaoperatorsdk.operator.processing.event.ResourceID id) {
    ResourceCache<ModelDeployment> cache = models;
    return cache == null ? java.util.Optional.empty() : cache.get(id);
  }

  public Stream<ModelRetraining> modelRetrainings(String namespace) {
    ResourceCache<ModelRetraining> cache = retrainings;
    return cache == null ? Stream.empty() : cache.list(namespace);
  }

  public Stream<RetrainingRun> retrainingRuns(String namespace) {
    ResourceCache<RetrainingRun> cache = runs;
    return cache == null ? Stream.empty() : cache.list(namespace);
  }
}

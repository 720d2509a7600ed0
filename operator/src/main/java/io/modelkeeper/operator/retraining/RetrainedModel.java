package io.modelkeeper.operator.retraining;

import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelDeploymentStatus;
import io.modelkeeper.api.v1alpha1.ModelRetraining;
import io.modelkeeper.api.v1alpha1.RetrainingCandidate;
import io.modelkeeper.operator.workload.ModelStorage;
import io.modelkeeper.operator.workload.ModelVersion;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The hand-off from retraining to serving, written in no spec: which model file a ModelDeployment
 * serves when a ModelRetraining retrains it. A blessed and approved candidate that descends from
 * the current spec.model is served (through the ordinary canary); a retrained file already serving
 * keeps serving while the next candidate waits or after a candidate was rolled back; anything else
 * serves spec.model, so a new spec.model from Git always wins.
 */
public final class RetrainedModel {

  private RetrainedModel() {}

  /**
   * The ModelRetraining that retrains {@code md}: of those in its namespace naming it, the oldest
   * (then by name), or null when none does.
   */
  public static ModelRetraining of(ModelDeployment md, Collection<ModelRetraining> retrainings) {
    String name = md.getMetadata().getName();
    String namespace = md.getMetadata().getNamespace();
    return retrainings.stream()
        .filter(r -> Objects.equals(namespace, r.getMetadata().getNamespace()))
        .filter(r -> r.getSpec() != null && r.getSpec().getModelDeploymentRef() != null)
        .filter(r -> name.equals(r.getSpec().getModelDeploymentRef().getName()))
        .min(
            Comparator.comparing(
                    (ModelRetraining r) ->
                        Objects.requireNonNullElse(r.getMetadata().getCreationTimestamp(), ""))
                .thenComparing(r -> r.getMetadata().getName()))
        .orElse(null);
  }

  /**
   * The file to serve.
   *
   * @param specModel the file spec.model names
   * @param retraining the ModelRetraining of the ModelDeployment, or null
   * @param status the ModelDeployment's status, or null
   */
  public static ModelVersion choose(
      ModelVersion specModel, ModelRetraining retraining, ModelDeploymentStatus status) {
    List<String> rejected =
        retraining == null || retraining.getStatus() == null
            ? List.of()
            : retraining.getStatus().getRejectedVersions();
    ModelVersion rolledBack = status == null ? null : ModelVersion.of(status.getRejected());
    RetrainingCandidate candidate =
        retraining == null || retraining.getStatus() == null
            ? null
            : retraining.getStatus().getCandidate();
    if (servable(candidate, specModel, rejected)) {
      ModelVersion retrained =
          ModelVersion.retrained(
              candidate.getVersion(),
              candidate.getUri(),
              candidate.getSha256(),
              candidate.getRun(),
              specModel);
      if (candidate.getUri().startsWith("s3://") && retraining.getSpec().getOutput() != null) {
        // Read from spec.output's store, with its Secret or the pods' identity.
        retrained = retrained.withStorage(ModelStorage.of(retraining.getSpec().getOutput()));
      }
      if (rolledBack == null || !rolledBack.revision().equals(retrained.revision())) {
        return retrained;
      }
    }
    ModelVersion serving = status == null ? null : ModelVersion.of(status.getStable());
    if (serving != null
        && serving.retrainedFrom(specModel)
        && !rejected.contains(serving.version())) {
      return serving;
    }
    return specModel;
  }

  private static boolean servable(
      RetrainingCandidate candidate, ModelVersion specModel, List<String> rejected) {
    if (candidate == null
        || !Boolean.TRUE.equals(candidate.getApproved())
        || candidate.getVersion() == null
        || candidate.getUri() == null
        || candidate.getRun() == null
        || rejected.contains(candidate.getVersion())) {
      return false;
    }
    return HandOff.descendsFrom(candidate.getBase(), specModel.uri(), specModel.version());
  }
}

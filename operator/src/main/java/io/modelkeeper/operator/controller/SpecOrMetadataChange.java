package io.modelkeeper.operator.controller;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import java.util.Objects;

/**
 * Which updates of a ModelDeployment start a reconcile: a new generation (a spec edit) or changed
 * annotations, labels, finalizers or deletion; not a status write alone, which only this operator
 * makes. The promote and abort annotations change no generation, so a generation-aware filter would
 * leave them to the next periodic reconcile.
 */
public class SpecOrMetadataChange implements OnUpdateFilter<ModelDeployment> {

  @Override
  public boolean accept(ModelDeployment updated, ModelDeployment previous) {
    ObjectMeta now = updated.getMetadata();
    ObjectMeta before = previous.getMetadata();
    return !Objects.equals(now.getGeneration(), before.getGeneration())
        || !Objects.equals(now.getAnnotations(), before.getAnnotations())
        || !Objects.equals(now.getLabels(), before.getLabels())
        || !Objects.equals(now.getFinalizers(), before.getFinalizers())
        || !Objects.equals(now.getDeletionTimestamp(), before.getDeletionTimestamp());
  }
}

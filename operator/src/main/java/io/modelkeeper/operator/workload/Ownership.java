package io.modelkeeper.operator.workload;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

/**
 * The owner reference every object made for a ModelDeployment (or a retraining run) carries, so
 * deleting it deletes them.
 */
public final class Ownership {

  private Ownership() {}

  public static OwnerReference controlledBy(HasMetadata md) {
    return new OwnerReferenceBuilder()
        .withApiVersion(md.getApiVersion())
        .withKind(md.getKind())
        .withName(md.getMetadata().getName())
        .withUid(md.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }
}

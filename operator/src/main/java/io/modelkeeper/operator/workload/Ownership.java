package io.modelkeeper.operator.workload;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.modelkeeper.api.v1alpha1.ModelDeployment;

/**
 * The owner reference every object made for a ModelDeployment carries, so deleting it deletes them.
 */
public final class Ownership {

  private Ownership() {}

  public static OwnerReference controlledBy(ModelDeployment md) {
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

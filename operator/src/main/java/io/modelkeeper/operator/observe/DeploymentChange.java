package io.modelkeeper.operator.observe;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import java.util.Objects;

/**
 * Whether a Deployment's update can change what a reconcile does. The Deployment controller
 * rewrites the status of a rolling Deployment many times (condition times and messages, unavailable
 * counts); a reconcile reads only the spec (through the generation), the labels and annotations it
 * puts back when edited, the owner, deletion, and the replica counts and observed generation by
 * which a revision is ready. An update that changes none of these is not a reason to reconcile.
 */
public final class DeploymentChange {

  private DeploymentChange() {}

  /** True when {@code after} differs from {@code before} in anything a reconcile reads. */
  public static boolean matters(Deployment before, Deployment after) {
    if (before == null || after == null) {
      return true;
    }
    ObjectMeta was = before.getMetadata();
    ObjectMeta is = after.getMetadata();
    return !Objects.equals(was.getGeneration(), is.getGeneration())
        || !Objects.equals(was.getLabels(), is.getLabels())
        || !Objects.equals(was.getAnnotations(), is.getAnnotations())
        || !Objects.equals(was.getOwnerReferences(), is.getOwnerReferences())
        || !Objects.equals(was.getDeletionTimestamp(), is.getDeletionTimestamp())
        || !Objects.equals(was.getFinalizers(), is.getFinalizers())
        || !Objects.equals(readiness(before.getStatus()), readiness(after.getStatus()));
  }

  /** The status fields by which a revision's readiness is judged. */
  private record Readiness(
      Integer replicas, Integer ready, Integer updated, Integer available, Long observed) {}

  private static Readiness readiness(DeploymentStatus status) {
    return status == null
        ? null
        : new Readiness(
            status.getReplicas(),
            status.getReadyReplicas(),
            status.getUpdatedReplicas(),
            status.getAvailableReplicas(),
            status.getObservedGeneration());
  }
}

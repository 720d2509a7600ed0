package io.modelkeeper.operator.rollout;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.operator.config.OperatorConfig;
import io.modelkeeper.operator.observe.ObservedWorkloads;
import io.modelkeeper.operator.telemetry.EventReason;
import io.modelkeeper.operator.telemetry.EventRecorder;
import io.modelkeeper.operator.workload.DatasetCapture;
import io.modelkeeper.operator.workload.EarlierReleases;
import io.modelkeeper.operator.workload.ModelServerDeployment;
import io.modelkeeper.operator.workload.OwnedFields;
import io.modelkeeper.operator.workload.Writes;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Creates, puts back and removes the per-revision Deployments of a plan.
 *
 * <p>Written by hand rather than as a JOSDK dependent resource: how many versions run, on which arm
 * and at what size is a rollout decision taken from observed readiness (and, with canaries, from
 * analysis), so it belongs to the plan, not to a {@code desired()} of the primary alone. Only what
 * the operator owns is compared ({@link OwnedFields}), so what a real API server and its
 * controllers add is not a difference to write back.
 */
@ApplicationScoped
public class VersionedDeployments {

  private final OperatorConfig config;
  private final EventRecorder events;

  public VersionedDeployments(OperatorConfig config, EventRecorder events) {
    this.config = config;
    this.events = events;
  }

  /**
   * Makes the cluster hold exactly the plan's Deployments. A write that meets a newer version of
   * its object (409 Conflict) is noted in {@code writes} and the rest is still applied: the caller
   * looks again soon instead of failing the reconcile and losing what it decided.
   */
  public void apply(
      ModelDeployment md,
      RolloutPlan plan,
      ObservedWorkloads observed,
      DatasetCapture capture,
      Context<ModelDeployment> context,
      Writes writes) {
    for (RolloutPlan.Workload workload : plan.workloads()) {
      Deployment desired =
          ModelServerDeployment.desired(
              md, workload.model(), workload.arm(), workload.replicas(), config, capture);
      Deployment actual = observed.deployment(workload.model());
      if (actual == null) {
        Deployment created = desired;
        if (!writes.tolerateConflict(() -> context.resourceOperations().create(created))) {
          continue;
        }
        events.record(
            md,
            EventReason.CREATED,
            "Created Deployment "
                + desired.getMetadata().getName()
                + " for model version "
                + workload.model().describe());
        continue;
      }
      desired = EarlierReleases.adopt(desired, actual);
      if (!OwnedFields.held(desired, actual)) {
        Deployment updated = keepForeignMetadata(desired, actual);
        writes.tolerateConflict(() -> context.resourceOperations().update(updated));
      }
    }
    Set<String> kept =
        plan.workloads().stream().map(w -> w.model().revision()).collect(Collectors.toSet());
    observed
        .deployments()
        .forEach(
            (revision, deployment) -> {
              if (!kept.contains(revision)) {
                writes.tolerateConflict(
                    () -> drain(deployment, observed.podsUnder(revision), context));
              }
            });
  }

  /**
   * Removes a version that no longer runs in two moves: scaled to zero first, so its pods leave the
   * Service and finish their requests; deleted once no pod of it is left.
   */
  private static void drain(
      Deployment deployment, List<Pod> pods, Context<ModelDeployment> context) {
    if (pods.isEmpty()) {
      context.getClient().resource(deployment).delete();
    } else if (deployment.getSpec().getReplicas() == null
        || deployment.getSpec().getReplicas() != 0) {
      context
          .resourceOperations()
          .update(new DeploymentBuilder(deployment).editSpec().withReplicas(0).endSpec().build());
    }
  }

  /**
   * Keeps labels and annotations others put on the object (the Deployment controller's revision
   * annotation, for one) and the resource version, so the update replaces only what we own.
   */
  private static Deployment keepForeignMetadata(Deployment desired, Deployment actual) {
    desired
        .getMetadata()
        .setLabels(merged(actual.getMetadata().getLabels(), desired.getMetadata().getLabels()));
    desired
        .getMetadata()
        .setAnnotations(
            merged(actual.getMetadata().getAnnotations(), desired.getMetadata().getAnnotations()));
    desired.getMetadata().setResourceVersion(actual.getMetadata().getResourceVersion());
    return desired;
  }

  private static Map<String, String> merged(Map<String, String> theirs, Map<String, String> ours) {
    Map<String, String> result = new HashMap<>();
    if (theirs != null) {
      result.putAll(theirs);
    }
    if (ours != null) {
      result.putAll(ours);
    }
    return result;
  }
}

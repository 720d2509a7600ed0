package io.modelkeeper.operator.testing;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.operator.observe.ObservedWorkloads;
import io.modelkeeper.operator.workload.Arm;
import io.modelkeeper.operator.workload.ModelServerDeployment;
import io.modelkeeper.operator.workload.ModelVersion;
import io.modelkeeper.operator.workload.WorkloadLabels;
import java.util.ArrayList;
import java.util.List;

/** Observed workloads for pure tests: Deployments with a status, pods with container states. */
public final class TestWorkloads {

  private final ModelDeployment md;
  private final List<Deployment> deployments = new ArrayList<>();
  private final List<Pod> pods = new ArrayList<>();

  private TestWorkloads(ModelDeployment md) {
    this.md = md;
  }

  public static TestWorkloads of(ModelDeployment md) {
    return new TestWorkloads(md);
  }

  /** The file these tests give {@code version}. */
  public static ModelVersion file(String version) {
    return new ModelVersion(version, "https://models.example.com/" + version, null);
  }

  /** A Deployment of {@code version} with {@code ready} of {@code replicas} pods ready. */
  public TestWorkloads deployment(String version, int replicas, int ready) {
    return deployment(file(version), replicas, ready);
  }

  /** A Deployment of one revision with {@code ready} of {@code replicas} pods ready. */
  public TestWorkloads deployment(ModelVersion model, int replicas, int ready) {
    Deployment deployment =
        ModelServerDeployment.desired(md, model, Arm.STABLE, replicas, TestModels.config());
    deployment.getMetadata().setGeneration(1L);
    deployment.setStatus(
        new DeploymentStatusBuilder()
            .withReplicas(replicas)
            .withReadyReplicas(ready)
            .withUpdatedReplicas(replicas)
            .withObservedGeneration(1L)
            .build());
    deployments.add(deployment);
    return this;
  }

  /** A pod of {@code version} in the given state. */
  public TestWorkloads pod(String version, PodStatus status) {
    return pod(file(version), status);
  }

  /** A pod of one revision in the given state. */
  public TestWorkloads pod(ModelVersion model, PodStatus status) {
    pods.add(
        new PodBuilder()
            .withNewMetadata()
            .withName(md.getMetadata().getName() + "-" + model.version() + "-" + pods.size())
            .addToLabels(WorkloadLabels.forPods(md, model))
            .endMetadata()
            .withStatus(status)
            .build());
    return this;
  }

  /**
   * The Deployment an operator release before revisions made for {@code model}: named {@code
   * <md>-<version>}, selecting and labelling its pods by version alone.
   */
  public static Deployment earlierRelease(ModelDeployment md, ModelVersion model, int replicas) {
    Deployment deployment =
        ModelServerDeployment.desired(md, model, Arm.STABLE, replicas, TestModels.config());
    deployment.getMetadata().setName(md.getMetadata().getName() + "-" + model.version());
    deployment.getMetadata().getLabels().remove(WorkloadLabels.REVISION);
    deployment.getSpec().getSelector().getMatchLabels().remove(WorkloadLabels.REVISION);
    deployment.getSpec().getTemplate().getMetadata().getLabels().remove(WorkloadLabels.REVISION);
    return deployment;
  }

  public ObservedWorkloads observed() {
    return ObservedWorkloads.of(deployments, pods);
  }
}

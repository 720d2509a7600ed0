package io.modelkeeper.operator;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
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

    /** A Deployment of {@code version} with {@code ready} of {@code replicas} pods ready. */
    public TestWorkloads deployment(String version, int replicas, int ready) {
        Deployment deployment = ModelServerDeployment.desired(md,
                new ModelVersion(version, "https://models.example.com/" + version, null), Arm.STABLE, replicas,
                TestModels.config());
        deployment.getMetadata().setGeneration(1L);
        deployment.setStatus(new DeploymentStatusBuilder().withReplicas(replicas).withReadyReplicas(ready)
                .withUpdatedReplicas(replicas).withObservedGeneration(1L).build());
        deployments.add(deployment);
        return this;
    }

    /** A pod of {@code version} in the given state. */
    public TestWorkloads pod(String version, PodStatus status) {
        pods.add(new PodBuilder().withNewMetadata().withName(md.getMetadata().getName() + "-" + version + "-"
                        + pods.size())
                .addToLabels(WorkloadLabels.forPods(md, version)).endMetadata()
                .withStatus(status).build());
        return this;
    }

    public ObservedWorkloads observed() {
        return ObservedWorkloads.of(deployments, pods);
    }
}

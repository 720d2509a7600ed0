package io.modelkeeper.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/** The versioned Deployments and their pods as the informers last saw them, keyed by model version. */
public record ObservedWorkloads(Map<String, Deployment> deployments, Map<String, List<Pod>> pods) {

    /** Groups what the informers hold for one ModelDeployment by the modelkeeper.io/version label. */
    public static ObservedWorkloads of(Collection<Deployment> deployments, Collection<Pod> pods) {
        return new ObservedWorkloads(
                deployments.stream()
                        .filter(d -> version(d) != null)
                        .collect(Collectors.toMap(ObservedWorkloads::version, d -> d, (a, b) -> a)),
                pods.stream()
                        .filter(p -> version(p) != null)
                        .collect(Collectors.groupingBy(ObservedWorkloads::version)));
    }

    /** The Deployment of a version, or null. */
    public Deployment deployment(String version) {
        return deployments.get(version);
    }

    /** The pods of a version (empty when none). */
    public List<Pod> podsOf(String version) {
        return pods.getOrDefault(version, List.of());
    }

    /** Pods ready in a version's Deployment, as its status says. */
    public int readyReplicas(String version) {
        Deployment deployment = deployment(version);
        if (deployment == null || deployment.getStatus() == null) {
            return 0;
        }
        return Objects.requireNonNullElse(deployment.getStatus().getReadyReplicas(), 0);
    }

    /**
     * True when a version's Deployment has caught up with its spec and has {@code wanted} ready
     * pods. The Deployment controller (or the test playing it) reports this in the status.
     */
    public boolean isReady(String version, int wanted) {
        Deployment deployment = deployment(version);
        if (deployment == null) {
            return false;
        }
        var status = deployment.getStatus();
        if (wanted == 0) {
            return true;
        }
        if (status == null) {
            return false;
        }
        Long generation = deployment.getMetadata().getGeneration();
        Long observed = status.getObservedGeneration();
        boolean current = generation == null || observed == null || observed >= generation;
        boolean updated = status.getUpdatedReplicas() == null || status.getUpdatedReplicas() >= wanted;
        return current && updated && readyReplicas(version) >= wanted;
    }

    private static String version(HasMetadata resource) {
        Map<String, String> labels = resource.getMetadata().getLabels();
        return labels == null ? null : labels.get(WorkloadLabels.MODEL_VERSION);
    }
}

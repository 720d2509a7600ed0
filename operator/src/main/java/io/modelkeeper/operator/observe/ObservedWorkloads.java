package io.modelkeeper.operator.observe;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.operator.workload.EarlierReleases;
import io.modelkeeper.operator.workload.ModelVersion;
import io.modelkeeper.operator.workload.WorkloadLabels;
import io.modelkeeper.operator.workload.WorkloadNames;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The revisions' Deployments and their pods as the informers last saw them, keyed by revision
 * ({@link ModelVersion#revision()}), so two files under one version string never mix.
 */
public record ObservedWorkloads(Map<String, Deployment> deployments, Map<String, List<Pod>> pods) {

  /** Key of a Deployment made by an earlier release whose version no known revision has. */
  private static final String UNKNOWN = "unrevisioned/";

  /**
   * Groups what the informers hold for one ModelDeployment by the modelkeeper.io/revision label.
   */
  public static ObservedWorkloads of(Collection<Deployment> deployments, Collection<Pod> pods) {
    return of(deployments, pods, List.of());
  }

  /**
   * Same, where objects made by an earlier release (no revision label) are taken as the first of
   * {@code known} (status.stable, status.canary, then the spec) with their version.
   */
  public static ObservedWorkloads of(
      Collection<Deployment> deployments, Collection<Pod> pods, List<ModelVersion> known) {
    Map<String, Deployment> byRevision = new LinkedHashMap<>();
    // The pods of a Deployment that selects by version alone carry no revision label either.
    Map<String, String> unrevisionedByVersion = new HashMap<>();
    for (Deployment deployment : deployments) {
      String version = version(deployment);
      if (version == null) {
        continue;
      }
      String revision = revision(deployment, known);
      byRevision.putIfAbsent(revision, deployment);
      if (EarlierReleases.isUnrevisioned(deployment)) {
        unrevisionedByVersion.put(version, revision);
      }
    }
    Map<String, List<Pod>> podsByRevision = new HashMap<>();
    for (Pod pod : pods) {
      String version = version(pod);
      if (version == null) {
        continue;
      }
      String revision =
          EarlierReleases.lacksRevision(pod) && unrevisionedByVersion.containsKey(version)
              ? unrevisionedByVersion.get(version)
              : revision(pod, known);
      podsByRevision.computeIfAbsent(revision, r -> new ArrayList<>()).add(pod);
    }
    return new ObservedWorkloads(byRevision, podsByRevision);
  }

  /** The Deployment of a revision, or null. */
  public Deployment deployment(ModelVersion model) {
    return deployments.get(model.revision());
  }

  /** The name of a revision's Deployment (and, with the gateway-api router, of its Service). */
  public String deploymentName(ModelDeployment md, ModelVersion model) {
    Deployment running = deployment(model);
    return running != null ? running.getMetadata().getName() : WorkloadNames.deployment(md, model);
  }

  /** The pods of a revision (empty when none). */
  public List<Pod> podsOf(ModelVersion model) {
    return pods.getOrDefault(model.revision(), List.of());
  }

  /** The pods under a key of {@link #deployments()}. */
  public List<Pod> podsUnder(String revision) {
    return pods.getOrDefault(revision, List.of());
  }

  /** Pods ready in a revision's Deployment, as its status says. */
  public int readyReplicas(ModelVersion model) {
    Deployment deployment = deployment(model);
    if (deployment == null || deployment.getStatus() == null) {
      return 0;
    }
    return Objects.requireNonNullElse(deployment.getStatus().getReadyReplicas(), 0);
  }

  /**
   * True when a revision's Deployment has caught up with its spec and has {@code wanted} ready
   * pods. The Deployment controller (or the test playing it) reports this in the status.
   */
  public boolean isReady(ModelVersion model, int wanted) {
    Deployment deployment = deployment(model);
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
    return current && updated && readyReplicas(model) >= wanted;
  }

  private static String revision(HasMetadata resource, List<ModelVersion> known) {
    String labelled = resource.getMetadata().getLabels().get(WorkloadLabels.REVISION);
    if (labelled != null) {
      return labelled;
    }
    String version = version(resource);
    return known.stream()
        .filter(Objects::nonNull)
        .filter(model -> model.version().equals(version))
        .map(ModelVersion::revision)
        .findFirst()
        .orElse(UNKNOWN + version);
  }

  private static String version(HasMetadata resource) {
    Map<String, String> labels = resource.getMetadata().getLabels();
    return labels == null ? null : labels.get(WorkloadLabels.MODEL_VERSION);
  }
}

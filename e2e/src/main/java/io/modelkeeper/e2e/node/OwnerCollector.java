package io.modelkeeper.e2e.node;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * The garbage collector the mock API server lacks: deletes every object whose owners (by owner
 * reference uid) are all gone, so deleting a ModelDeployment removes its Deployments and Services,
 * a sweep later their ReplicaSets, and a sweep after that their pods; deleting a ModelRetraining
 * removes its RetrainingRuns, then their Jobs and Services, then the Jobs' pods.
 */
final class OwnerCollector {

  private static final Logger LOG = Logger.getLogger(OwnerCollector.class.getName());

  /** The kinds the local cluster's controllers create. */
  private static final List<String[]> DEPENDENT_KINDS =
      List.of(
          new String[] {"apps/v1", "Deployment"},
          new String[] {"apps/v1", "ReplicaSet"},
          new String[] {"v1", "Pod"},
          new String[] {"v1", "Service"},
          new String[] {"v1", "ConfigMap"},
          new String[] {"batch/v1", "Job"},
          new String[] {"modelkeeper.io/v1alpha1", "RetrainingRun"},
          new String[] {"gateway.networking.k8s.io/v1", "HTTPRoute"});

  private final KubernetesClient client;

  OwnerCollector(KubernetesClient client) {
    this.client = client;
  }

  /** One sweep over all namespaces; returns how many objects it deleted. */
  int sweep() {
    Map<String, String> ownerUids = new HashMap<>();
    int deleted = 0;
    for (String[] kind : DEPENDENT_KINDS) {
      for (GenericKubernetesResource object : list(kind)) {
        List<OwnerReference> owners = object.getMetadata().getOwnerReferences();
        if (owners == null || owners.isEmpty()) {
          continue;
        }
        String namespace = object.getMetadata().getNamespace();
        boolean orphaned =
            owners.stream()
                .noneMatch(
                    owner ->
                        Objects.equals(
                            owner.getUid(),
                            ownerUids.computeIfAbsent(
                                namespace
                                    + "/"
                                    + owner.getApiVersion()
                                    + "/"
                                    + owner.getKind()
                                    + "/"
                                    + owner.getName(),
                                key -> currentUid(namespace, owner))));
        if (orphaned) {
          LOG.fine(
              () ->
                  "collecting " + kind[1] + " " + namespace + "/" + object.getMetadata().getName());
          client
              .genericKubernetesResources(kind[0], kind[1])
              .inNamespace(namespace)
              .withName(object.getMetadata().getName())
              .delete();
          deleted++;
        }
      }
    }
    return deleted;
  }

  /** The objects of a kind; none when the server does not serve it (its CRD is not installed). */
  private List<GenericKubernetesResource> list(String[] kind) {
    try {
      return client.genericKubernetesResources(kind[0], kind[1]).inAnyNamespace().list().getItems();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404 || e.getMessage().contains("Could not find the metadata")) {
        return List.of();
      }
      throw e;
    }
  }

  private String currentUid(String namespace, OwnerReference owner) {
    try {
      GenericKubernetesResource found =
          client
              .genericKubernetesResources(owner.getApiVersion(), owner.getKind())
              .inNamespace(namespace)
              .withName(owner.getName())
              .get();
      return found == null ? "" : found.getMetadata().getUid();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        // An owner kind the server no longer serves (its CRD was removed): the owner is gone too.
        return "";
      }
      throw e;
    }
  }
}

package io.modelkeeper.e2e.node;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatus;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * PersistentVolumeClaims as directories: every claim is bound at once (whatever its storage class
 * and access modes; no PersistentVolume object is made) to a directory under the node's state
 * directory, which every pod mounting the claim shares. A claim's directory is deleted with the
 * claim, as a dynamically provisioned volume with reclaim policy Delete is.
 */
final class ClaimController {

  private final KubernetesClient client;
  private final NodeConfig config;

  ClaimController(KubernetesClient client, NodeConfig config) {
    this.client = client;
    this.config = config;
  }

  void sync(List<PersistentVolumeClaim> claims) {
    Set<Path> kept = new HashSet<>();
    for (PersistentVolumeClaim claim : claims) {
      Path dir = config.claimDir(claim.getMetadata().getNamespace(), claim.getMetadata().getName());
      kept.add(dir);
      if (claim.getMetadata().getDeletionTimestamp() != null
          || (claim.getStatus() != null && "Bound".equals(claim.getStatus().getPhase()))) {
        continue;
      }
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      bind(claim);
    }
    removeDirectoriesOfDeletedClaims(kept);
  }

  private void bind(PersistentVolumeClaim claim) {
    var spec = claim.getSpec();
    Quantity storage =
        spec.getResources() == null || spec.getResources().getRequests() == null
            ? null
            : spec.getResources().getRequests().get("storage");
    PersistentVolumeClaimStatus status =
        new PersistentVolumeClaimStatusBuilder()
            .withPhase("Bound")
            .withAccessModes(spec.getAccessModes())
            .withCapacity(storage == null ? null : Map.of("storage", storage))
            .build();
    try {
      client
          .persistentVolumeClaims()
          .inNamespace(claim.getMetadata().getNamespace())
          .withName(claim.getMetadata().getName())
          .subresource("status")
          .patch(
              PatchContext.of(PatchType.JSON),
              Serialization.asJson(
                  List.of(Map.of("op", "add", "path", "/status", "value", status))));
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  private void removeDirectoriesOfDeletedClaims(Set<Path> kept) {
    Path root = config.claimsDir();
    if (!Files.isDirectory(root)) {
      return;
    }
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path dir : dirs.filter(d -> !kept.contains(d)).toList()) {
        try (Stream<Path> tree = Files.walk(dir)) {
          for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(path);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

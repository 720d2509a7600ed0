package io.modelkeeper.operator.workload;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.modelkeeper.api.v1alpha1.ModelSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the uri of a file status names. Status keeps uris without their credentials, so the uri a
 * Deployment must fetch is taken from where it is still written in full: the spec when it names the
 * same revision, else the Deployment the operator made for that revision. A candidate is only taken
 * when it hashes to the recorded revision.
 */
public final class RecordedVersions {

  static final String MODEL_URI_ENV = "MODELKEEPER_MODEL_URI";
  private static final String PVC = "pvc://";

  private RecordedVersions() {}

  /**
   * {@code recorded} with the uri its revision was made from, or {@code recorded} as it is when no
   * copy of that uri is left (its Deployment cannot then be made again).
   */
  public static ModelVersion recover(
      ModelVersion recorded, ModelSpec spec, Collection<Deployment> deployments) {
    if (recorded == null) {
      return null;
    }
    if (spec != null && spec.getVersion() != null && spec.getUri() != null) {
      ModelVersion wanted = ModelVersion.of(spec);
      if (wanted.equals(recorded)) {
        return wanted;
      }
    }
    for (Deployment deployment : deployments) {
      if (!recorded.revision().equals(revisionLabel(deployment))) {
        continue;
      }
      ModelVersion withSecret = recorded.withStorage(storageOf(deployment));
      List<String> candidates = new ArrayList<>(urisIn(deployment));
      candidates.add(recorded.uri());
      for (String candidate : candidates) {
        Optional<ModelVersion> found = withSecret.withUri(candidate);
        if (found.isPresent()) {
          return found.get();
        }
      }
    }
    return recorded;
  }

  /**
   * How a Deployment's fetch container reaches its model: the Secret it mounts and the store
   * settings in its environment.
   */
  private static ModelStorage storageOf(Deployment deployment) {
    if (deployment.getSpec() == null
        || deployment.getSpec().getTemplate() == null
        || deployment.getSpec().getTemplate().getSpec() == null
        || deployment.getSpec().getTemplate().getSpec().getInitContainers() == null) {
      return ModelStorage.withSecret(credentialsSecretOf(deployment));
    }
    Map<String, String> env = new HashMap<>();
    deployment.getSpec().getTemplate().getSpec().getInitContainers().stream()
        .filter(c -> ModelServerDeployment.FETCH_CONTAINER.equals(c.getName()))
        .filter(c -> c.getEnv() != null)
        .flatMap(c -> c.getEnv().stream())
        .filter(e -> e.getValue() != null)
        .forEach(e -> env.put(e.getName(), e.getValue()));
    return new ModelStorage(
        credentialsSecretOf(deployment),
        env.get(ModelServerDeployment.S3_ENDPOINT_ENV),
        env.get(ModelServerDeployment.S3_REGION_ENV),
        Boolean.parseBoolean(env.get(ModelServerDeployment.S3_PATH_STYLE_ENV)));
  }

  /** The Secret a Deployment's fetch container reads the model credentials from, or null. */
  private static String credentialsSecretOf(Deployment deployment) {
    if (deployment.getSpec() == null
        || deployment.getSpec().getTemplate() == null
        || deployment.getSpec().getTemplate().getSpec() == null
        || deployment.getSpec().getTemplate().getSpec().getVolumes() == null) {
      return null;
    }
    return deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> ModelServerDeployment.CREDENTIALS_VOLUME.equals(v.getName()))
        .filter(v -> v.getSecret() != null)
        .map(v -> v.getSecret().getSecretName())
        .findFirst()
        .orElse(null);
  }

  private static String revisionLabel(Deployment deployment) {
    var labels = deployment.getMetadata().getLabels();
    return labels == null ? null : labels.get(WorkloadLabels.REVISION);
  }

  /** The uris a Deployment was made from: the fetch container's, or the claim it mounts. */
  private static List<String> urisIn(Deployment deployment) {
    List<String> uris = new ArrayList<>();
    if (deployment.getSpec() == null
        || deployment.getSpec().getTemplate() == null
        || deployment.getSpec().getTemplate().getSpec() == null) {
      return uris;
    }
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Stream.concat(
            pod.getInitContainers() == null ? Stream.empty() : pod.getInitContainers().stream(),
            pod.getContainers() == null ? Stream.empty() : pod.getContainers().stream())
        .map(Container::getEnv)
        .filter(env -> env != null)
        .flatMap(List::stream)
        .filter(env -> MODEL_URI_ENV.equals(env.getName()))
        .map(EnvVar::getValue)
        .forEach(uris::add);
    String inPod = "file://" + ModelServerDeployment.MODEL_DIR + "/";
    List<String> paths =
        uris.stream()
            .filter(u -> u != null && u.startsWith(inPod))
            .map(u -> u.substring(inPod.length()))
            .toList();
    for (Volume volume : pod.getVolumes() == null ? List.<Volume>of() : pod.getVolumes()) {
      if (volume.getPersistentVolumeClaim() != null) {
        for (String path : paths) {
          uris.add(PVC + volume.getPersistentVolumeClaim().getClaimName() + "/" + path);
        }
      }
    }
    return uris;
  }
}

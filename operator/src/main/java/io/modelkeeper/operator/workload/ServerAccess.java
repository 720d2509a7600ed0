package io.modelkeeper.operator.workload;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.modelkeeper.api.v1alpha1.AccessSpec;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.SecretKeyRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code spec.serving.access} adds to a model-server pod: the admin port, and each token's
 * Secret key mounted as a read-only file the server reads (never an environment variable, so it
 * shows in no {@code kubectl describe}).
 */
public record ServerAccess(
    Optional<Integer> adminPort,
    Optional<SecretKeyRef> adminToken,
    Optional<SecretKeyRef> inferenceToken) {

  public static final String ADMIN_PORT_NAME = "admin";
  static final String ADMIN_TOKEN_VOLUME = "admin-token";
  static final String INFERENCE_TOKEN_VOLUME = "inference-token";
  static final String TOKENS_DIR = "/var/run/modelkeeper";
  static final String TOKEN_FILE = "token";

  /** Readable by the owner and the pod's fsGroup (the server's group), nobody else. */
  private static final int TOKEN_FILE_MODE = 0440;

  public static ServerAccess of(ModelDeployment md) {
    AccessSpec access = md.getSpec().getServing().getAccess();
    if (access == null) {
      return new ServerAccess(Optional.empty(), Optional.empty(), Optional.empty());
    }
    return new ServerAccess(
        Optional.ofNullable(access.getAdminPort()),
        Optional.ofNullable(access.getAdminToken()).filter(ref -> ref.getName() != null),
        Optional.ofNullable(access.getInferenceToken()).filter(ref -> ref.getName() != null));
  }

  /** The port the server's /metrics is on: the admin port when there is one. */
  public int metricsPort() {
    return adminPort.orElse(ModelServerDeployment.HTTP_PORT);
  }

  List<EnvVar> env() {
    List<EnvVar> env = new ArrayList<>();
    adminPort.ifPresent(port -> env.add(env("MODELKEEPER_ADMIN_PORT", String.valueOf(port))));
    adminToken.ifPresent(
        ref -> env.add(env("MODELKEEPER_ADMIN_TOKEN_FILE", file(ADMIN_TOKEN_VOLUME))));
    inferenceToken.ifPresent(
        ref -> env.add(env("MODELKEEPER_INFERENCE_TOKEN_FILE", file(INFERENCE_TOKEN_VOLUME))));
    return env;
  }

  List<ContainerPort> ports() {
    return adminPort
        .map(
            port ->
                List.of(
                    new ContainerPortBuilder()
                        .withName(ADMIN_PORT_NAME)
                        .withContainerPort(port)
                        .withProtocol("TCP")
                        .build()))
        .orElse(List.of());
  }

  List<Volume> volumes() {
    List<Volume> volumes = new ArrayList<>();
    adminToken.ifPresent(ref -> volumes.add(secretVolume(ADMIN_TOKEN_VOLUME, ref)));
    inferenceToken.ifPresent(ref -> volumes.add(secretVolume(INFERENCE_TOKEN_VOLUME, ref)));
    return volumes;
  }

  List<VolumeMount> mounts() {
    List<VolumeMount> mounts = new ArrayList<>();
    adminToken.ifPresent(ref -> mounts.add(mount(ADMIN_TOKEN_VOLUME)));
    inferenceToken.ifPresent(ref -> mounts.add(mount(INFERENCE_TOKEN_VOLUME)));
    return mounts;
  }

  private static String file(String volume) {
    return TOKENS_DIR + "/" + volume + "/" + TOKEN_FILE;
  }

  private static Volume secretVolume(String volume, SecretKeyRef ref) {
    return new VolumeBuilder()
        .withName(volume)
        .withNewSecret()
        .withSecretName(ref.getName())
        .addNewItem()
        .withKey(ref.getKey())
        .withPath(TOKEN_FILE)
        .endItem()
        .withDefaultMode(TOKEN_FILE_MODE)
        .endSecret()
        .build();
  }

  private static VolumeMount mount(String volume) {
    return new VolumeMountBuilder()
        .withName(volume)
        .withMountPath(TOKENS_DIR + "/" + volume)
        .withReadOnly(true)
        .build();
  }

  private static EnvVar env(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }
}

package io.modelkeeper.operator.retraining;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.modelkeeper.api.v1alpha1.DatasetSpec;
import io.modelkeeper.api.v1alpha1.Durations;
import io.modelkeeper.contract.DatasetBucket;
import io.modelkeeper.contract.TrainingContract;
import io.modelkeeper.operator.config.OperatorConfig;
import io.modelkeeper.operator.workload.ModelServerDeployment;
import io.modelkeeper.operator.workload.ModelStorage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * With spec.dataset.uri, how a training or evaluation pod gets its dataset: an emptyDir in place of
 * the claim, filled before the pod's containers start by the model-server image's {@code
 * fetch-dataset} init container with the ModelDeployment's finished capture files, at the same path
 * a claim's would have. The Secret of spec.dataset is mounted into that container alone.
 */
final class DatasetFetch {

  static final String CONTAINER = "modelkeeper-fetch-dataset";
  static final String CREDENTIALS_VOLUME = "modelkeeper-dataset-credentials";
  static final String CREDENTIALS_DIR = "/var/run/modelkeeper/" + CREDENTIALS_VOLUME;

  private DatasetFetch() {}

  /** The dataset volume: an emptyDir no larger than spec.dataset.maxDownloadSize. */
  static Volume volume(String name, DatasetSpec dataset) {
    return new VolumeBuilder()
        .withName(name)
        .withNewEmptyDir()
        .withSizeLimit(new Quantity(dataset.getMaxDownloadSize()))
        .endEmptyDir()
        .build();
  }

  /** The Secret of spec.dataset, or none. */
  static List<Volume> credentials(DatasetSpec dataset) {
    if (dataset.getCredentialsSecret() == null) {
      return List.of();
    }
    return List.of(
        new VolumeBuilder()
            .withName(CREDENTIALS_VOLUME)
            .withNewSecret()
            .withSecretName(dataset.getCredentialsSecret())
            .withDefaultMode(ModelServerDeployment.CREDENTIALS_FILE_MODE)
            .endSecret()
            .build());
  }

  /**
   * The init container that downloads {@code <uri><modeldeployment>/} into {@code
   * <mount>/<modeldeployment>} of the volume {@code volume}.
   */
  static Container container(
      RunContext run, String volume, String mount, String tmpVolume, OperatorConfig config) {
    DatasetSpec dataset = run.retraining().getSpec().getDataset();
    String md = run.md().getMetadata().getName();
    ModelStorage storage = ModelStorage.of(dataset);
    List<EnvVar> env = new ArrayList<>();
    env.add(new EnvVar(DatasetBucket.URI, dataset.getUri() + md + "/", null));
    env.add(new EnvVar(TrainingContract.DATASET_DIR, mount + "/" + md, null));
    env.add(
        new EnvVar(
            TrainingContract.MAX_ROW_AGE, Durations.parse(dataset.getMaxAge()).toString(), null));
    env.add(
        new EnvVar(
            DatasetBucket.MAX_BYTES,
            new Quantity(dataset.getMaxDownloadSize())
                .getNumericalAmount()
                .toBigInteger()
                .toString(),
            null));
    env.addAll(ModelServerDeployment.storeEnv(storage));
    env.add(new EnvVar(ModelServerDeployment.S3_FIELD_ENV, "spec.dataset", null));
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(mount(volume, mount, false));
    mounts.add(mount(tmpVolume, "/tmp", false));
    if (storage.credentialsSecret() != null) {
      env.add(new EnvVar(DatasetBucket.CREDENTIALS_DIR, CREDENTIALS_DIR, null));
      mounts.add(mount(CREDENTIALS_VOLUME, CREDENTIALS_DIR, true));
    }
    return new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(
            Objects.requireNonNullElse(
                run.md().getSpec().getServing().getImage(), config.modelServer().image()))
        .withArgs(DatasetBucket.FETCH_COMMAND)
        .withEnv(env)
        // Its last stderr line ("fetch failed: ...") becomes the termination message, which the
        // run's status quotes.
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .withResources(
            ModelServerDeployment.fetchResources(run.md().getSpec().getServing().getFetch()))
        .withSecurityContext(ModelServerDeployment.restrictedContainer())
        .withVolumeMounts(mounts)
        .build();
  }

  private static VolumeMount mount(String volume, String path, boolean readOnly) {
    return new VolumeMountBuilder()
        .withName(volume)
        .withMountPath(path)
        .withReadOnly(readOnly)
        .build();
  }
}

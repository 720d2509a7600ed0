package io.modelkeeper.operator.retraining;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpecBuilder;
import io.modelkeeper.api.v1alpha1.DatasetSpec;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelRetraining;
import io.modelkeeper.api.v1alpha1.RetrainingRun;
import io.modelkeeper.api.v1alpha1.S3Spec;
import io.modelkeeper.contract.DatasetBucket;
import io.modelkeeper.contract.TrainingContract;
import io.modelkeeper.operator.testing.TestModels;
import io.modelkeeper.operator.testing.TestRetrainings;
import io.modelkeeper.operator.workload.ModelVersion;
import org.junit.jupiter.api.Test;

/**
 * The Jobs of a run whose dataset lives in a bucket (spec.dataset.uri): an emptyDir in the claim's
 * place, filled by the fetch-dataset init container that alone holds spec.dataset's Secret, at the
 * path the training-pod contract names; and the exactly-one-of rule of spec.dataset.
 */
class DatasetFetchTest {

  private static final String DATASET_CREDENTIALS = "modelkeeper-dataset-credentials";

  private final ModelDeployment md = TestModels.model("fraud", "2.1.0");

  @Test
  void theTrainingPodDownloadsItsDatasetBeforeTheTrainerStarts() {
    Job job = TrainingJobs.training(run(inBucket(withSidecar())), TestModels.config());
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    Container fetch = pod.getInitContainers().get(0);

    assertThat(pod.getInitContainers())
        .extracting(Container::getName)
        .as("the dataset first, then the base model, then the template's own")
        .containsExactly(DatasetFetch.CONTAINER, TrainingJobs.FETCH_CONTAINER, "prepare");
    assertThat(fetch.getImage()).isEqualTo(TestModels.config().modelServer().image());
    assertThat(fetch.getArgs()).containsExactly("fetch-dataset");
    assertThat(fetch.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(fetch.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
    assertThat(env(fetch, DatasetBucket.URI)).isEqualTo("s3://datasets/capture/fraud/");
    assertThat(env(fetch, TrainingContract.DATASET_DIR))
        .isEqualTo("/var/lib/modelkeeper/dataset/fraud");
    assertThat(env(fetch, TrainingContract.MAX_ROW_AGE)).isEqualTo("PT720H");
    assertThat(env(fetch, DatasetBucket.MAX_BYTES)).isEqualTo(String.valueOf(2L << 30));
    assertThat(env(fetch, "MODELKEEPER_S3_ENDPOINT")).isEqualTo("http://minio.storage:9000");
    assertThat(env(fetch, "MODELKEEPER_S3_REGION")).isEqualTo("eu-west-1");
    assertThat(env(fetch, "MODELKEEPER_S3_PATH_STYLE")).isEqualTo("true");
    assertThat(env(fetch, "MODELKEEPER_S3_FIELD")).isEqualTo("spec.dataset");
    assertThat(env(fetch, DatasetBucket.CREDENTIALS_DIR))
        .isEqualTo("/var/run/modelkeeper/" + DATASET_CREDENTIALS);
    assertThat(fetch.getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getName()).isEqualTo(TrainingJobs.DATASET_VOLUME);
              assertThat(m.getMountPath()).isEqualTo("/var/lib/modelkeeper/dataset");
              assertThat(m.getReadOnly()).isFalse();
            })
        .anySatisfy(
            m -> {
              assertThat(m.getName()).isEqualTo(DATASET_CREDENTIALS);
              assertThat(m.getReadOnly()).isTrue();
            });

    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals(TrainingJobs.DATASET_VOLUME))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getPersistentVolumeClaim()).isNull();
              assertThat(v.getEmptyDir().getSizeLimit().toString()).isEqualTo("2Gi");
            });
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals(DATASET_CREDENTIALS))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getSecret().getSecretName()).isEqualTo("dataset-keys");
              assertThat(v.getSecret().getDefaultMode()).isEqualTo(0440);
            });
    assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals("modelkeeper-tmp")).hasSize(1);

    for (Container container : pod.getContainers()) {
      assertThat(env(container, TrainingContract.DATASET_DIR))
          .as("the contract is unchanged for %s", container.getName())
          .isEqualTo("/var/lib/modelkeeper/dataset/fraud");
      assertThat(container.getVolumeMounts())
          .filteredOn(m -> m.getName().equals(TrainingJobs.DATASET_VOLUME))
          .singleElement()
          .satisfies(m -> assertThat(m.getReadOnly()).isTrue());
      assertThat(container.getVolumeMounts())
          .noneMatch(m -> m.getName().equals(DATASET_CREDENTIALS));
      assertThat(env(container, DatasetBucket.URI)).isNull();
    }
    assertThat(pod.getInitContainers().get(1).getVolumeMounts())
        .as("the base model's fetch never sees spec.dataset's Secret")
        .noneMatch(m -> m.getName().equals(DATASET_CREDENTIALS));
  }

  @Test
  void theEvaluationPodReadsTheSameDatasetFromTheBucket() {
    Job job = TrainingJobs.evaluation(run(inBucket(retraining())), null, TestModels.config());
    PodSpec pod = job.getSpec().getTemplate().getSpec();

    assertThat(pod.getInitContainers())
        .extracting(Container::getName)
        .containsExactly(DatasetFetch.CONTAINER, TrainingJobs.FETCH_CONTAINER);
    assertThat(env(pod.getContainers().get(0), TrainingContract.DATASET_DIR))
        .isEqualTo("/var/lib/modelkeeper/dataset/fraud");
    assertThat(pod.getContainers().get(0).getVolumeMounts())
        .noneMatch(m -> m.getName().equals(DATASET_CREDENTIALS));
  }

  @Test
  void withoutASecretThePodsIdentityReadsTheBucket() {
    ModelRetraining retraining = inBucket(retraining());
    retraining.getSpec().getDataset().setCredentialsSecret(null);
    PodSpec pod =
        TrainingJobs.training(run(retraining), TestModels.config())
            .getSpec()
            .getTemplate()
            .getSpec();

    assertThat(env(pod.getInitContainers().get(0), DatasetBucket.CREDENTIALS_DIR)).isNull();
    assertThat(pod.getVolumes()).noneMatch(v -> v.getName().equals(DATASET_CREDENTIALS));
  }

  @Test
  void aDatasetOnAClaimIsMountedAsBefore() {
    PodSpec pod =
        TrainingJobs.training(run(retraining()), TestModels.config())
            .getSpec()
            .getTemplate()
            .getSpec();

    assertThat(pod.getInitContainers()).noneMatch(c -> c.getName().equals(DatasetFetch.CONTAINER));
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals(TrainingJobs.DATASET_VOLUME))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getPersistentVolumeClaim().getClaimName())
                  .isEqualTo(TestRetrainings.DATASET_CLAIM);
              assertThat(v.getPersistentVolumeClaim().getReadOnly()).isTrue();
            });
  }

  @Test
  void aFailedDatasetFetchIsWhatThePodSays() {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("fraud-r3-train-abc")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("trainer")
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPhase("Failed")
            .addNewInitContainerStatus()
            .withName(DatasetFetch.CONTAINER)
            .withNewState()
            .withNewTerminated()
            .withExitCode(1)
            .withMessage(
                "fetch failed: bucket 'datasets' does not exist at http://minio.storage:9000"
                    + " (NoSuchBucket): check spec.dataset.uri and spec.dataset.s3\n")
            .endTerminated()
            .endState()
            .endInitContainerStatus()
            .addNewContainerStatus()
            .withName("trainer")
            .withNewState()
            .withNewWaiting()
            .withReason("PodInitializing")
            .endWaiting()
            .endState()
            .endContainerStatus()
            .endStatus()
            .build();

    assertThat(PodReport.terminationMessage(pod))
        .hasValue(
            "fetch failed: bucket 'datasets' does not exist at http://minio.storage:9000"
                + " (NoSuchBucket): check spec.dataset.uri and spec.dataset.s3");
  }

  @Test
  void theDatasetIsExactlyOneOfAClaimAndAnS3Prefix() {
    DatasetSpec both = new DatasetSpec();
    both.setClaimName("fraud-data");
    both.setUri("s3://datasets/fraud/");
    assertThat(RetrainingValidation.datasetProblems(both))
        .singleElement()
        .asString()
        .contains("spec.dataset: set exactly one of claimName and uri");

    DatasetSpec neither = new DatasetSpec();
    assertThat(RetrainingValidation.datasetProblems(neither))
        .singleElement()
        .asString()
        .contains("spec.dataset: set exactly one of claimName and uri");

    DatasetSpec https = new DatasetSpec();
    https.setUri("https://datasets.example.com/fraud/");
    assertThat(RetrainingValidation.datasetProblems(https))
        .singleElement()
        .asString()
        .contains("spec.dataset.uri 'https://datasets.example.com/fraud/' must be an s3:// prefix");

    DatasetSpec secretOnClaim = new DatasetSpec();
    secretOnClaim.setClaimName("fraud-data");
    secretOnClaim.setCredentialsSecret("dataset-keys");
    assertThat(RetrainingValidation.datasetProblems(secretOnClaim))
        .singleElement()
        .asString()
        .contains("spec.dataset.credentialsSecret are for an s3:// spec.dataset.uri only");

    DatasetSpec tiny = inBucket(retraining()).getSpec().getDataset();
    tiny.setMaxDownloadSize("0");
    assertThat(RetrainingValidation.datasetProblems(tiny))
        .singleElement()
        .asString()
        .contains("spec.dataset.maxDownloadSize '0' must be a positive quantity");

    assertThat(RetrainingValidation.datasetProblems(inBucket(retraining()).getSpec().getDataset()))
        .isEmpty();
  }

  static ModelRetraining inBucket(ModelRetraining retraining) {
    DatasetSpec dataset = retraining.getSpec().getDataset();
    dataset.setClaimName(null);
    dataset.setUri("s3://datasets/capture/");
    dataset.setCredentialsSecret("dataset-keys");
    dataset.setMaxDownloadSize("2Gi");
    S3Spec s3 = new S3Spec();
    s3.setEndpoint("http://minio.storage:9000");
    s3.setRegion("eu-west-1");
    s3.setPathStyle(true);
    dataset.setS3(s3);
    return retraining;
  }

  private RunContext run(ModelRetraining retraining) {
    RetrainingRun run = TestRetrainings.run("fraud-r3", "fraud");
    run.getMetadata().setUid("uid-run");
    return new RunContext(
        retraining,
        run,
        3,
        md,
        new ModelVersion("2.1.0", "s3://models/fraud/2.1.0/model.onnx", null));
  }

  private static ModelRetraining withSidecar() {
    ModelRetraining retraining = retraining();
    retraining
        .getSpec()
        .getTraining()
        .setTemplate(
            new JobTemplateSpecBuilder()
                .withNewSpec()
                .withNewTemplate()
                .withNewSpec()
                .withInitContainers(
                    new ContainerBuilder().withName("prepare").withImage("prep:1").build())
                .withContainers(
                    new ContainerBuilder().withName("sidecar").withImage("log-shipper:1").build(),
                    new ContainerBuilder().withName("trainer").withImage("my-trainer:1").build())
                .endSpec()
                .endTemplate()
                .endSpec()
                .build());
    return retraining;
  }

  private static ModelRetraining retraining() {
    ModelRetraining retraining = TestRetrainings.retraining("fraud", "fraud", spec -> {});
    retraining.setMetadata(
        new ObjectMetaBuilder(retraining.getMetadata()).withUid("uid-mrt").build());
    return retraining;
  }

  private static String env(Container container, String name) {
    return container.getEnv().stream()
        .filter(e -> e.getName().equals(name))
        .map(EnvVar::getValue)
        .findFirst()
        .orElse(null);
  }
}

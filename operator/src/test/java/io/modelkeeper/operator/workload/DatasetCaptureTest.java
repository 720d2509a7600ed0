package io.modelkeeper.operator.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelRetraining;
import io.modelkeeper.api.v1alpha1.S3Spec;
import io.modelkeeper.contract.DatasetBucket;
import io.modelkeeper.operator.testing.TestModels;
import io.modelkeeper.operator.testing.TestRetrainings;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Where the model-server pods of a retrained ModelDeployment capture their labelled rows: onto the
 * dataset claim, or with spec.dataset.uri into an emptyDir whose finished files the server
 * container uploads with spec.dataset's Secret, mounted into it and into nothing else.
 */
class DatasetCaptureTest {

  private final ModelDeployment md = TestModels.model("fraud", "7", spec -> {});

  private PodSpec pod(ModelRetraining retraining) {
    return ModelServerDeployment.desired(
            md,
            ModelVersion.of(md.getSpec().getModel()),
            Arm.STABLE,
            1,
            TestModels.config(),
            DatasetCapture.of(retraining, "fraud"))
        .getSpec()
        .getTemplate()
        .getSpec();
  }

  @Test
  void withABucketTheServerCapturesLocallyAndUploadsWithTheDatasetsSecret() {
    PodSpec pod = pod(inBucket("dataset-keys"));
    Container server = pod.getContainers().get(0);

    assertThat(env(server))
        .containsEntry("MODELKEEPER_CAPTURE_DIR", "/var/lib/modelkeeper/dataset/fraud")
        .containsEntry(DatasetBucket.URI, "s3://datasets/capture/fraud/")
        .containsEntry("MODELKEEPER_CAPTURE_MAX_FILE_AGE", "300000ms")
        .containsEntry("MODELKEEPER_S3_ENDPOINT", "http://minio.storage:9000")
        .containsEntry("MODELKEEPER_S3_PATH_STYLE", "true")
        .containsEntry("MODELKEEPER_S3_FIELD", "spec.dataset")
        .containsEntry(DatasetBucket.CREDENTIALS_DIR, "/var/run/modelkeeper/dataset-credentials");
    assertThat(server.getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getName()).isEqualTo("dataset");
              assertThat(m.getReadOnly()).isFalse();
            })
        .anySatisfy(
            m -> {
              assertThat(m.getName()).isEqualTo("dataset-credentials");
              assertThat(m.getReadOnly()).isTrue();
            });
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals("dataset"))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getPersistentVolumeClaim()).isNull();
              assertThat(v.getEmptyDir().getSizeLimit().toString()).isEqualTo("1Gi");
            });
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals("dataset-credentials"))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getSecret().getSecretName()).isEqualTo("dataset-keys");
              assertThat(v.getSecret().getDefaultMode()).isEqualTo(0440);
            });
    assertThat(pod.getInitContainers())
        .as("the model's fetch never sees spec.dataset's Secret")
        .allSatisfy(
            c ->
                assertThat(c.getVolumeMounts())
                    .noneMatch(m -> m.getName().equals("dataset-credentials")));
  }

  @Test
  void withoutASecretThePodsIdentityUploads() {
    PodSpec pod = pod(inBucket(null));

    assertThat(env(pod.getContainers().get(0)))
        .containsEntry(DatasetBucket.URI, "s3://datasets/capture/fraud/")
        .doesNotContainKey(DatasetBucket.CREDENTIALS_DIR);
    assertThat(pod.getVolumes()).noneMatch(v -> v.getName().equals("dataset-credentials"));
  }

  @Test
  void withAClaimTheServerWritesOntoItAndTalksToNoStore() {
    PodSpec pod = pod(TestRetrainings.retraining("fraud", "fraud", spec -> {}));

    assertThat(env(pod.getContainers().get(0)))
        .containsEntry("MODELKEEPER_CAPTURE_DIR", "/var/lib/modelkeeper/dataset/fraud")
        .doesNotContainKey(DatasetBucket.URI)
        .doesNotContainKey("MODELKEEPER_CAPTURE_MAX_FILE_AGE")
        .doesNotContainKey("MODELKEEPER_S3_FIELD");
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals("dataset"))
        .singleElement()
        .satisfies(
            v ->
                assertThat(v.getPersistentVolumeClaim().getClaimName())
                    .isEqualTo(TestRetrainings.DATASET_CLAIM));
  }

  private static ModelRetraining inBucket(String secret) {
    return TestRetrainings.retraining(
        "fraud",
        "fraud",
        spec -> {
          spec.getDataset().setClaimName(null);
          spec.getDataset().setUri("s3://datasets/capture/");
          spec.getDataset().setCredentialsSecret(secret);
          S3Spec s3 = new S3Spec();
          s3.setEndpoint("http://minio.storage:9000");
          s3.setPathStyle(true);
          spec.getDataset().setS3(s3);
        });
  }

  private static Map<String, String> env(Container container) {
    return container.getEnv().stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }
}

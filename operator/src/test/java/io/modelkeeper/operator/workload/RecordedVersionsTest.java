package io.modelkeeper.operator.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.modelkeeper.api.v1alpha1.ArmStatus;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelSpec;
import io.modelkeeper.api.v1alpha1.S3Spec;
import io.modelkeeper.operator.testing.TestModels;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordedVersionsTest {

  private static final String SECRET_URI =
      "https://alice:s3cr3t@models.example.com/fraud/7/model.onnx?X-Amz-Signature=abc";

  private final ModelDeployment md =
      TestModels.model(
          "fraud",
          "7",
          spec -> {
            spec.getModel().setUri(SECRET_URI);
            spec.getModel().setCredentialsSecret("store-creds");
          });
  private final ModelVersion file = ModelVersion.of(md.getSpec().getModel());
  private final ModelVersion recorded = ModelVersion.of(file.stamp(new ArmStatus()));

  @Test
  void statusHoldsTheUriRedactedAndTheSameRevision() {
    assertThat(recorded.uri()).isEqualTo("https://***@models.example.com/fraud/7/model.onnx?***");
    assertThat(recorded).isEqualTo(file);
    assertThat(recorded.knowsUri()).isFalse();
    assertThat(file.knowsUri()).isTrue();
    assertThat(recorded.toString()).doesNotContain("s3cr3t").doesNotContain("abc");
  }

  @Test
  void theFullUriComesFromTheSpecWhenItNamesTheSameRevision() {
    ModelVersion found = RecordedVersions.recover(recorded, md.getSpec().getModel(), List.of());
    assertThat(found.uri()).isEqualTo(SECRET_URI);
    assertThat(found.credentialsSecret()).isEqualTo("store-creds");
  }

  @Test
  void elseFromTheRevisionsDeployment() {
    Deployment deployment =
        ModelServerDeployment.desired(md, file, Arm.STABLE, 2, TestModels.config());
    ModelSpec other = new ModelSpec();
    other.setVersion("8");
    other.setUri("https://models.example.com/fraud/8/model.onnx");
    ModelVersion found = RecordedVersions.recover(recorded, other, List.of(deployment));
    assertThat(found.uri()).isEqualTo(SECRET_URI);
    assertThat(found.credentialsSecret()).isEqualTo("store-creds");
    assertThat(found.knowsUri()).isTrue();
  }

  @Test
  void anS3FilesStoreSettingsComeBackFromItsDeployment() {
    ModelDeployment s3 =
        TestModels.model(
            "fraud",
            "7",
            spec -> {
              spec.getModel().setUri("s3://models/fraud/7/model.onnx");
              spec.getModel().setCredentialsSecret("bucket-keys");
              S3Spec settings = new S3Spec();
              settings.setEndpoint("http://minio.storage.svc:9000");
              settings.setRegion("eu-central-1");
              settings.setPathStyle(true);
              spec.getModel().setS3(settings);
            });
    ModelVersion s3File = ModelVersion.of(s3.getSpec().getModel());
    Deployment deployment =
        ModelServerDeployment.desired(s3, s3File, Arm.STABLE, 2, TestModels.config());
    ModelSpec moved = new ModelSpec();
    moved.setVersion("8");
    moved.setUri("s3://other-bucket/fraud/8/model.onnx");

    ModelVersion found =
        RecordedVersions.recover(
            ModelVersion.of(s3File.stamp(new ArmStatus())), moved, List.of(deployment));

    assertThat(found.storage())
        .isEqualTo(
            new ModelStorage("bucket-keys", "http://minio.storage.svc:9000", "eu-central-1", true));
  }

  @Test
  void aUriThatDoesNotHashToTheRevisionIsNotTaken() {
    ModelDeployment forged =
        TestModels.model(
            "fraud",
            "7",
            spec -> spec.getModel().setUri("https://evil.example.com/fraud/7/model.onnx"));
    Deployment deployment =
        ModelServerDeployment.desired(
            forged,
            ModelVersion.of(forged.getSpec().getModel()),
            Arm.STABLE,
            2,
            TestModels.config());
    deployment.getMetadata().getLabels().put(WorkloadLabels.REVISION, recorded.revision());
    ModelVersion found = RecordedVersions.recover(recorded, null, List.of(deployment));
    assertThat(found.uri()).isEqualTo(recorded.uri());
    assertThat(found.knowsUri()).isFalse();
  }
}

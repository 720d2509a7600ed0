package io.modelkeeper.operator.retraining;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.modelkeeper.api.v1alpha1.ArmStatus;
import io.modelkeeper.api.v1alpha1.ModelDeploymentStatus;
import io.modelkeeper.api.v1alpha1.ModelRef;
import io.modelkeeper.api.v1alpha1.ModelRetraining;
import io.modelkeeper.api.v1alpha1.ModelRetrainingSpec;
import io.modelkeeper.api.v1alpha1.ModelRetrainingStatus;
import io.modelkeeper.api.v1alpha1.ObjectName;
import io.modelkeeper.api.v1alpha1.RetrainingCandidate;
import io.modelkeeper.operator.testing.TestModels;
import io.modelkeeper.operator.workload.ModelVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetrainedModelTest {

  private static final ModelVersion SPEC = TestModels.file("fraud", "2.1.0");
  private static final String CANDIDATE_URI = "pvc://fraud-models/fraud-r3/model.onnx";

  @Test
  void anApprovedCandidateOfTheSpecModelIsServedAsItsRun() {
    ModelVersion chosen = RetrainedModel.choose(SPEC, retraining(candidate(true)), null);

    assertThat(chosen.version()).isEqualTo("2.1.0-r3");
    assertThat(chosen.uri()).isEqualTo(CANDIDATE_URI);
    assertThat(chosen.sha256()).isEqualTo("ab".repeat(32));
    assertThat(chosen.run()).isEqualTo("fraud-r3");
    assertThat(chosen.retrainedFrom(SPEC)).isTrue();
  }

  @Test
  void aCandidateInABucketIsReadWithTheOutputsStoreAndSecret() {
    RetrainingCandidate candidate = candidate(true);
    candidate.setUri("s3://models/fraud/retrained/fraud-r3/model.onnx");
    ModelRetraining retraining = retraining(candidate);
    io.modelkeeper.api.v1alpha1.OutputSpec output = new io.modelkeeper.api.v1alpha1.OutputSpec();
    output.setUri("s3://models/fraud/retrained/");
    output.setCredentialsSecret("output-keys");
    io.modelkeeper.api.v1alpha1.S3Spec s3 = new io.modelkeeper.api.v1alpha1.S3Spec();
    s3.setEndpoint("http://minio.storage:9000");
    s3.setRegion("garage");
    s3.setPathStyle(true);
    output.setS3(s3);
    retraining.getSpec().setOutput(output);

    ModelVersion chosen = RetrainedModel.choose(SPEC, retraining, null);

    assertThat(chosen.uri()).isEqualTo("s3://models/fraud/retrained/fraud-r3/model.onnx");
    assertThat(chosen.storage())
        .isEqualTo(
            new io.modelkeeper.operator.workload.ModelStorage(
                "output-keys", "http://minio.storage:9000", "garage", true));
    assertThat(chosen.revision())
        .as("the store settings are not part of the file's revision")
        .isEqualTo(RetrainedModel.choose(SPEC, retraining(candidate), null).revision());
  }

  @Test
  void withoutRetrainingOrCandidateTheSpecModelIsServed() {
    assertThat(RetrainedModel.choose(SPEC, null, null)).isEqualTo(SPEC);
    assertThat(RetrainedModel.choose(SPEC, retraining(null), null)).isEqualTo(SPEC);
  }

  @Test
  void aCandidateWaitingForApprovalIsNotServed() {
    assertThat(RetrainedModel.choose(SPEC, retraining(candidate(false)), null)).isEqualTo(SPEC);
  }

  @Test
  void aNewSpecModelFromGitWinsOverACandidateOfTheOldOne() {
    ModelVersion fromGit = TestModels.file("fraud", "3.0.0");
    ModelDeploymentStatus status = serving(retrainedOf(SPEC, "2.1.0-r3", "fraud-r3"));

    assertThat(RetrainedModel.choose(fromGit, retraining(candidate(true)), status))
        .as("neither the candidate nor the retrained file serving descend from 3.0.0")
        .isEqualTo(fromGit);
  }

  @Test
  void sameVersionStringButAnotherFileIsAnotherLineage() {
    ModelVersion newFile =
        new ModelVersion(SPEC.version(), "https://models.example.com/other/model.onnx", null);
    ModelDeploymentStatus status = serving(retrainedOf(SPEC, "2.1.0-r3", "fraud-r3"));

    assertThat(RetrainedModel.choose(newFile, retraining(candidate(true)), status))
        .isEqualTo(newFile);
  }

  @Test
  void aRejectedCandidateIsNeverRetriedAndTheRetrainedFileServingKeepsServing() {
    ModelVersion earlier = retrainedOf(SPEC, "2.1.0-r2", "fraud-r2");
    ModelRetraining retraining = retraining(candidate(true));
    retraining.getStatus().setRejectedVersions(List.of("2.1.0-r3"));

    assertThat(RetrainedModel.choose(SPEC, retraining, serving(earlier))).isEqualTo(earlier);
  }

  @Test
  void aCandidateJustRolledBackIsNotTriedAgainBeforeTheRetrainingRecordsIt() {
    ModelVersion candidate = RetrainedModel.choose(SPEC, retraining(candidate(true)), null);
    ModelDeploymentStatus status = new ModelDeploymentStatus();
    status.setStable(SPEC.stamp(new ArmStatus()));
    status.setRejected(candidate.stamp(new ArmStatus()));

    assertThat(RetrainedModel.choose(SPEC, retraining(candidate(true)), status)).isEqualTo(SPEC);
  }

  @Test
  void whileTheNextCandidateAwaitsApprovalTheRetrainedFileServingStays() {
    ModelVersion earlier = retrainedOf(SPEC, "2.1.0-r2", "fraud-r2");

    assertThat(RetrainedModel.choose(SPEC, retraining(candidate(false)), serving(earlier)))
        .isEqualTo(earlier);
  }

  @Test
  void theOldestRetrainingOfTheModelDeploymentInItsNamespaceIsTheOne() {
    ModelRetraining newer = named("b", "fraud", "2026-12-02T10:00:00Z");
    ModelRetraining older = named("a", "fraud", "2026-12-01T10:00:00Z");
    ModelRetraining other = named("c", "churn", "2026-11-01T10:00:00Z");
    ModelRetraining elsewhere = named("d", "fraud", "2026-11-01T10:00:00Z");
    elsewhere.getMetadata().setNamespace("other");

    assertThat(
            RetrainedModel.of(
                TestModels.model("fraud", "2.1.0"), List.of(newer, other, elsewhere, older)))
        .isSameAs(older);
    assertThat(RetrainedModel.of(TestModels.model("fraud", "2.1.0"), List.of(other))).isNull();
  }

  private static ModelVersion retrainedOf(ModelVersion base, String version, String run) {
    return ModelVersion.retrained(
        version, "pvc://fraud-models/" + run + "/model.onnx", null, run, base);
  }

  private static ModelDeploymentStatus serving(ModelVersion stable) {
    ModelDeploymentStatus status = new ModelDeploymentStatus();
    status.setStable(stable.stamp(new ArmStatus()));
    return status;
  }

  private static RetrainingCandidate candidate(boolean approved) {
    RetrainingCandidate candidate = new RetrainingCandidate();
    candidate.setRun("fraud-r3");
    candidate.setVersion("2.1.0-r3");
    candidate.setUri(CANDIDATE_URI);
    candidate.setSha256("ab".repeat(32));
    ModelRef base = new ModelRef();
    base.setUri(SPEC.uri());
    base.setVersion(SPEC.version());
    candidate.setBase(base);
    candidate.setApproved(approved);
    return candidate;
  }

  private static ModelRetraining retraining(RetrainingCandidate candidate) {
    ModelRetraining retraining = named("fraud", "fraud", "2026-12-01T00:00:00Z");
    ModelRetrainingStatus status = new ModelRetrainingStatus();
    status.setCandidate(candidate);
    retraining.setStatus(status);
    return retraining;
  }

  private static ModelRetraining named(String name, String target, String created) {
    ModelRetraining retraining = new ModelRetraining();
    retraining.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(TestModels.NAMESPACE)
            .withCreationTimestamp(created)
            .build());
    ModelRetrainingSpec spec = new ModelRetrainingSpec();
    ObjectName ref = new ObjectName();
    ref.setName(target);
    spec.setModelDeploymentRef(ref);
    retraining.setSpec(spec);
    return retraining;
  }
}

package io.modelkeeper.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.modelkeeper.api.v1alpha1.Conditions;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.operator.testing.TestModels;
import io.modelkeeper.operator.testing.TestWorkloads;
import io.modelkeeper.operator.workload.ModelVersion;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PodDiagnosisTest {

  private final ModelDeployment md =
      TestModels.model(
          "fraud",
          "7",
          spec -> {
            spec.getModel().setSha256("b".repeat(64));
            spec.getServing().setGpus(1);
          });
  private final ModelVersion version = ModelVersion.of(md.getSpec().getModel());

  private Optional<WorkloadProblem> diagnose(PodStatus status) {
    var observed = TestWorkloads.of(md).pod(version, status).observed();
    return PodDiagnosis.diagnose(md, version, observed.podsOf(version), "nvidia.com/gpu");
  }

  @Test
  void fetchFailureQuotesTheTerminationMessageAndNamesUriAndChecksum() {
    var problem =
        diagnose(
            new PodStatusBuilder()
                .addNewInitContainerStatus()
                .withName("fetch-model")
                .withNewState()
                .withNewTerminated()
                .withExitCode(1)
                .withMessage(
                    "fetch failed: sha256 of downloaded file is 00ff..., expected bbbb...\n")
                .endTerminated()
                .endState()
                .endInitContainerStatus()
                .build());
    assertThat(problem)
        .get()
        .satisfies(
            p -> {
              assertThat(p.reason()).isEqualTo(Conditions.REASON_MODEL_FETCH_FAILED);
              assertThat(p.message())
                  .contains("fetch failed: sha256 of downloaded file is 00ff...")
                  .contains("spec.model.uri")
                  .contains("spec.model.sha256");
            });
  }

  @Test
  void fetchFailureIsFoundInTheLastStateWhileTheInitContainerWaitsToRestart() {
    var problem =
        diagnose(
            new PodStatusBuilder()
                .addNewInitContainerStatus()
                .withName("fetch-model")
                .withNewState()
                .withNewWaiting()
                .withReason("CrashLoopBackOff")
                .endWaiting()
                .endState()
                .withNewLastState()
                .withNewTerminated()
                .withExitCode(2)
                .withReason("Error")
                .endTerminated()
                .endLastState()
                .endInitContainerStatus()
                .build());
    assertThat(problem)
        .get()
        .satisfies(
            p -> {
              assertThat(p.reason()).isEqualTo(Conditions.REASON_MODEL_FETCH_FAILED);
              assertThat(p.message()).contains("exited with code 2");
            });
  }

  @Test
  void successfulFetchIsNoProblem() {
    assertThat(
            diagnose(
                new PodStatusBuilder()
                    .addNewInitContainerStatus()
                    .withName("fetch-model")
                    .withNewState()
                    .withNewTerminated()
                    .withExitCode(0)
                    .endTerminated()
                    .endState()
                    .endInitContainerStatus()
                    .build()))
        .isEmpty();
  }

  @Test
  void imagePullFailureNamesTheImageField() {
    var problem =
        diagnose(
            new PodStatusBuilder()
                .addNewContainerStatus()
                .withName("model-server")
                .withImage("ghcr.io/modelkeeper/model-server:nope")
                .withNewState()
                .withNewWaiting()
                .withReason("ImagePullBackOff")
                .withMessage("Back-off pulling image")
                .endWaiting()
                .endState()
                .endContainerStatus()
                .build());
    assertThat(problem)
        .get()
        .satisfies(
            p -> {
              assertThat(p.reason()).isEqualTo(Conditions.REASON_IMAGE_PULL_FAILED);
              assertThat(p.message())
                  .contains("ghcr.io/modelkeeper/model-server:nope")
                  .contains("spec.serving.image");
            });
  }

  @Test
  void crashLoopOfTheServerIsReportedWithItsRestarts() {
    var problem =
        diagnose(
            new PodStatusBuilder()
                .addNewContainerStatus()
                .withName("model-server")
                .withRestartCount(4)
                .withNewState()
                .withNewWaiting()
                .withReason("CrashLoopBackOff")
                .endWaiting()
                .endState()
                .withNewLastState()
                .withNewTerminated()
                .withExitCode(137)
                .withReason("OOMKilled")
                .endTerminated()
                .endLastState()
                .endContainerStatus()
                .build());
    assertThat(problem)
        .get()
        .satisfies(
            p -> {
              assertThat(p.reason()).isEqualTo(Conditions.REASON_CRASH_LOOPING);
              assertThat(p.message())
                  .contains("4 restarts")
                  .contains("137")
                  .contains("OOMKilled")
                  .contains("spec.serving.resources");
            });
  }

  @Test
  void missingGpusNameTheGpusField() {
    var problem =
        diagnose(
            new PodStatusBuilder()
                .withPhase("Pending")
                .addNewCondition()
                .withType("PodScheduled")
                .withStatus("False")
                .withReason("Unschedulable")
                .withMessage("0/3 nodes are available: 3 Insufficient nvidia.com/gpu.")
                .endCondition()
                .build());
    assertThat(problem)
        .get()
        .satisfies(
            p -> {
              assertThat(p.reason()).isEqualTo(Conditions.REASON_GPU_UNSCHEDULABLE);
              assertThat(p.message())
                  .contains("spec.serving.gpus")
                  .contains("3 Insufficient nvidia.com/gpu");
            });
  }

  @Test
  void aMissingClaimNamesTheClaimNotTheNodeSelector() {
    var problem =
        diagnose(
            new PodStatusBuilder()
                .withPhase("Pending")
                .addNewCondition()
                .withType("PodScheduled")
                .withStatus("False")
                .withReason("Unschedulable")
                .withMessage(
                    "0/1 nodes are available: persistentvolumeclaim \"fraud-data\" not found.")
                .endCondition()
                .build());
    assertThat(problem)
        .get()
        .satisfies(
            p ->
                assertThat(p.message())
                    .contains("fraud-data")
                    .contains("dataset.claimName")
                    .doesNotContain("nodeSelector"));
  }

  @Test
  void otherSchedulingTroubleIsNotBlamedOnGpus() {
    assertThat(
            diagnose(
                new PodStatusBuilder()
                    .addNewCondition()
                    .withType("PodScheduled")
                    .withStatus("False")
                    .withMessage("0/3 nodes are available: 3 Insufficient memory.")
                    .endCondition()
                    .build()))
        .isEmpty();
  }

  @Test
  void healthyRunningPodIsNoProblem() {
    assertThat(
            diagnose(
                new PodStatusBuilder()
                    .withPhase("Running")
                    .addNewContainerStatus()
                    .withName("model-server")
                    .withReady(true)
                    .withNewState()
                    .withNewRunning()
                    .endRunning()
                    .endState()
                    .endContainerStatus()
                    .build()))
        .isEmpty();
  }
}

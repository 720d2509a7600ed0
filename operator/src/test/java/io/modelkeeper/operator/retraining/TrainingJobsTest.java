package io.modelkeeper.operator.retraining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpecBuilder;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelRetraining;
import io.modelkeeper.api.v1alpha1.RetrainingRun;
import io.modelkeeper.api.v1alpha1.TrainingMode;
import io.modelkeeper.contract.TrainingContract;
import io.modelkeeper.operator.testing.TestModels;
import io.modelkeeper.operator.testing.TestRetrainings;
import io.modelkeeper.operator.workload.ModelVersion;
import org.junit.jupiter.api.Test;

class TrainingJobsTest {

  private final ModelDeployment md = TestModels.model("fraud", "2.1.0");

  @Test
  void withoutATemplateTheReferenceTrainerTrainsRestricted() {
    Job job =
        TrainingJobs.training(
            run(retraining(), servedFrom("pvc://fraud-models/fraud-r2/model.onnx")),
            TestModels.config());
    Container trainer = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(trainer.getImage()).isEqualTo(TestModels.TRAINER_IMAGE);
    assertThat(trainer.getArgs()).containsExactly("train");
    assertThat(trainer.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(trainer.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
    assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(3600L);
    assertThat(job.getSpec().getCompletionMode()).isNull();
  }

  @Test
  void aServingModelOnAClaimIsMountedNotFetched() {
    Job job =
        TrainingJobs.training(
            run(retraining(), servedFrom("pvc://fraud-models/fraud-r2/model.onnx")),
            TestModels.config());
    var pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getInitContainers()).isNullOrEmpty();
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals("modelkeeper-base-model"))
        .singleElement()
        .satisfies(
            v -> assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("fraud-models"));
    assertThat(env(pod.getContainers().get(0), TrainingContract.BASE_MODEL))
        .isEqualTo("/var/lib/modelkeeper/base/fraud-r2/model.onnx");
  }

  @Test
  void theContractsVariablesWinOverTheUsersAndTheUsersOthersStay() {
    ModelRetraining retraining = retraining();
    retraining.getSpec().getTraining().setMode(TrainingMode.FULL);
    retraining.getSpec().getTraining().setActiveDeadline("2h");
    retraining
        .getSpec()
        .getTraining()
        .setTemplate(
            new JobTemplateSpecBuilder()
                .withNewSpec()
                .withActiveDeadlineSeconds(600L)
                .withNewTemplate()
                .withNewSpec()
                .withContainers(
                    new ContainerBuilder()
                        .withName("launcher")
                        .withImage("horovod:1")
                        .addNewEnv()
                        .withName(TrainingContract.TRAINING_MODE)
                        .withValue("incremental")
                        .endEnv()
                        .addNewEnv()
                        .withName("NCCL_DEBUG")
                        .withValue("INFO")
                        .endEnv()
                        .build())
                .endSpec()
                .endTemplate()
                .endSpec()
                .build());
    Job job =
        TrainingJobs.training(
            run(retraining, servedFrom(TestModels.file("fraud", "2.1.0").uri())),
            TestModels.config());
    Container launcher = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(env(launcher, TrainingContract.TRAINING_MODE)).isEqualTo("full");
    assertThat(env(launcher, "NCCL_DEBUG")).isEqualTo("INFO");
    assertThat(
            launcher.getEnv().stream()
                .filter(e -> e.getName().equals(TrainingContract.TRAINING_MODE)))
        .hasSize(1);
    assertThat(job.getSpec().getActiveDeadlineSeconds())
        .as("the shorter deadline of template and spec")
        .isEqualTo(600L);
    assertThat(
            retraining
                .getSpec()
                .getTraining()
                .getTemplate()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getVolumes())
        .as("the spec itself is never changed")
        .isNullOrEmpty();
    assertThat(
            retraining
                .getSpec()
                .getTraining()
                .getTemplate()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getEnv())
        .hasSize(2);
  }

  @Test
  void aTemplateWithoutContainersIsRefusedNamingTheField() {
    ModelRetraining retraining = retraining();
    retraining
        .getSpec()
        .getTraining()
        .setTemplate(new JobTemplateSpecBuilder().withNewSpec().endSpec().build());
    assertThatThrownBy(
            () ->
                TrainingJobs.training(
                    run(retraining, servedFrom(TestModels.file("fraud", "2.1.0").uri())),
                    TestModels.config()))
        .hasMessageContaining("spec.training.template.spec.template.spec.containers");
  }

  private RunContext run(ModelRetraining retraining, ModelVersion serving) {
    RetrainingRun run = TestRetrainings.run("fraud-r3", "fraud");
    run.getMetadata().setUid("uid-run");
    return new RunContext(retraining, run, 3, md, serving);
  }

  private static ModelVersion servedFrom(String uri) {
    return new ModelVersion("2.1.0-r2", uri, null);
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

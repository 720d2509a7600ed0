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

  @Test
  void anOutputInABucketIsUploadedByTheTrainerContainerAloneWithTheOutputsSecret() {
    ModelRetraining retraining = inBucket(retraining());
    retraining
        .getSpec()
        .getTraining()
        .setTemplate(
            new JobTemplateSpecBuilder()
                .withNewSpec()
                .withNewTemplate()
                .withNewSpec()
                .withContainers(
                    new ContainerBuilder().withName("sidecar").withImage("log-shipper:1").build(),
                    new ContainerBuilder().withName("trainer").withImage("my-trainer:1").build())
                .endSpec()
                .endTemplate()
                .endSpec()
                .build());
    Job job =
        TrainingJobs.training(
            run(retraining, servedFrom("s3://models/fraud/2.1.0/model.onnx")), TestModels.config());
    var pod = job.getSpec().getTemplate().getSpec();
    Container sidecar = pod.getContainers().get(0);
    Container trainer = pod.getContainers().get(1);

    assertThat(env(trainer, TrainingContract.OUTPUT_URI))
        .isEqualTo("s3://models/fraud/retrained/fraud-r3/");
    assertThat(env(trainer, "MODELKEEPER_S3_ENDPOINT")).isEqualTo("http://minio.storage:9000");
    assertThat(env(trainer, "MODELKEEPER_S3_PATH_STYLE")).isEqualTo("true");
    assertThat(env(trainer, TrainingContract.OUTPUT_CREDENTIALS_DIR))
        .isEqualTo("/var/run/modelkeeper/modelkeeper-output-credentials");
    assertThat(trainer.getVolumeMounts())
        .filteredOn(m -> m.getName().equals("modelkeeper-output-credentials"))
        .singleElement()
        .satisfies(m -> assertThat(m.getReadOnly()).isTrue());
    assertThat(env(trainer, TrainingContract.OUTPUT_DIR)).isEqualTo("/var/lib/modelkeeper/output");

    assertThat(env(sidecar, TrainingContract.OUTPUT_URI)).isNull();
    assertThat(env(sidecar, TrainingContract.OUTPUT_CREDENTIALS_DIR)).isNull();
    assertThat(sidecar.getVolumeMounts())
        .noneMatch(m -> m.getName().equals("modelkeeper-output-credentials"));
    assertThat(pod.getInitContainers())
        .as("the base model's fetch reads spec.model's store, never the output's Secret")
        .singleElement()
        .satisfies(
            fetch ->
                assertThat(fetch.getVolumeMounts())
                    .noneMatch(m -> m.getName().equals("modelkeeper-output-credentials")));
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals("modelkeeper-output-credentials"))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getSecret().getSecretName()).isEqualTo("output-keys");
              assertThat(v.getSecret().getDefaultMode()).isEqualTo(0440);
            });
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals("modelkeeper-output"))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getPersistentVolumeClaim()).isNull();
              assertThat(v.getEmptyDir()).isNotNull();
            });
  }

  @Test
  void aTrialInABucketUploadsUnderItsOwnPrefix() {
    RunContext run =
        run(inBucket(retraining()), servedFrom("pvc://fraud-models/fraud-r2/model.onnx"));
    Job job =
        TrainingJobs.training(
            run,
            TestModels.config(),
            "fraud-r3-trial-2",
            "fraud-r3/trial-2",
            2,
            java.util.Map.of());
    Container trainer = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(env(trainer, TrainingContract.OUTPUT_URI))
        .isEqualTo("s3://models/fraud/retrained/fraud-r3/trial-2/");
    assertThat(run.withTrial(2).candidateUri())
        .isEqualTo("s3://models/fraud/retrained/fraud-r3/trial-2/model.onnx");
  }

  @Test
  void theEvaluatorReadsTheCandidateFetchedFromTheBucketWithItsChecksum() {
    RunContext run =
        run(inBucket(retraining()), servedFrom("pvc://fraud-models/fraud-r2/model.onnx"));
    Job job = TrainingJobs.evaluation(run, "9f".repeat(32), TestModels.config());
    var pod = job.getSpec().getTemplate().getSpec();
    Container evaluator = pod.getContainers().get(0);
    Container fetch =
        pod.getInitContainers().stream()
            .filter(c -> c.getName().equals(TrainingJobs.FETCH_CANDIDATE_CONTAINER))
            .findFirst()
            .orElseThrow();

    assertThat(env(fetch, "MODELKEEPER_MODEL_URI"))
        .isEqualTo("s3://models/fraud/retrained/fraud-r3/model.onnx");
    assertThat(env(fetch, "MODELKEEPER_MODEL_SHA256")).isEqualTo("9f".repeat(32));
    assertThat(env(fetch, "MODELKEEPER_S3_ENDPOINT")).isEqualTo("http://minio.storage:9000");
    assertThat(env(fetch, "MODELKEEPER_S3_FIELD")).isEqualTo("spec.output");
    assertThat(env(fetch, "MODELKEEPER_MODEL_CREDENTIALS_DIR"))
        .isEqualTo("/var/run/modelkeeper/modelkeeper-output-credentials");
    assertThat(fetch.getVolumeMounts())
        .anyMatch(m -> m.getName().equals("modelkeeper-output-credentials"));
    assertThat(env(evaluator, TrainingContract.CANDIDATE_MODEL))
        .isEqualTo("/var/lib/modelkeeper/candidate/model.onnx");
    assertThat(evaluator.getVolumeMounts())
        .noneMatch(m -> m.getName().equals("modelkeeper-output-credentials"));
    assertThat(env(evaluator, TrainingContract.OUTPUT_URI)).isNull();
  }

  @Test
  void theOutputIsExactlyOneOfAClaimAndAnS3Prefix() {
    io.modelkeeper.api.v1alpha1.OutputSpec both = new io.modelkeeper.api.v1alpha1.OutputSpec();
    both.setClaimName("fraud-models");
    both.setUri("s3://models/fraud/");
    assertThat(RetrainingValidation.outputProblems(both))
        .singleElement()
        .asString()
        .contains("spec.output: set exactly one of claimName and uri");

    io.modelkeeper.api.v1alpha1.OutputSpec https = new io.modelkeeper.api.v1alpha1.OutputSpec();
    https.setUri("https://models.example.com/fraud/");
    assertThat(RetrainingValidation.outputProblems(https))
        .singleElement()
        .asString()
        .contains("spec.output.uri 'https://models.example.com/fraud/' must be an s3:// prefix");

    io.modelkeeper.api.v1alpha1.OutputSpec secretOnClaim =
        new io.modelkeeper.api.v1alpha1.OutputSpec();
    secretOnClaim.setClaimName("fraud-models");
    secretOnClaim.setCredentialsSecret("output-keys");
    assertThat(RetrainingValidation.outputProblems(secretOnClaim))
        .singleElement()
        .asString()
        .contains("spec.output.credentialsSecret are for an s3:// spec.output.uri only");

    assertThat(RetrainingValidation.outputProblems(inBucket(retraining()).getSpec().getOutput()))
        .isEmpty();
  }

  private static ModelRetraining inBucket(ModelRetraining retraining) {
    io.modelkeeper.api.v1alpha1.OutputSpec output = new io.modelkeeper.api.v1alpha1.OutputSpec();
    output.setUri("s3://models/fraud/retrained/");
    output.setCredentialsSecret("output-keys");
    io.modelkeeper.api.v1alpha1.S3Spec s3 = new io.modelkeeper.api.v1alpha1.S3Spec();
    s3.setEndpoint("http://minio.storage:9000");
    s3.setPathStyle(true);
    output.setS3(s3);
    retraining.getSpec().setOutput(output);
    return retraining;
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

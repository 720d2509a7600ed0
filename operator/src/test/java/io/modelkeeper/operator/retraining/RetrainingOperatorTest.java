package io.modelkeeper.operator.retraining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpecBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelkeeper.api.v1alpha1.RetrainingCandidate;
import io.modelkeeper.api.v1alpha1.RetrainingRollout;
import io.modelkeeper.api.v1alpha1.RetrainingRun;
import io.modelkeeper.api.v1alpha1.RunPhase;
import io.modelkeeper.contract.TrainingContract;
import io.modelkeeper.operator.testing.CrdInMockServer;
import io.modelkeeper.operator.testing.TestCluster;
import io.modelkeeper.operator.testing.TestModels;
import io.modelkeeper.operator.testing.TestRetrainings;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Retraining runs through the real operator loop on the mock API server, the test playing the Job
 * controller and the kubelet: a run made by hand trains with the user's template merged, is
 * evaluated and blessed into status.candidate; not blessed rolls nothing out; failed and timed-out
 * Jobs fail the run; a run resumed after a lost status write makes no second Job; parallelism 2
 * makes an Indexed Job with its headless Service.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = CrdInMockServer.class)
class RetrainingOperatorTest {

  static final Duration WAIT = Duration.ofSeconds(30);

  static final String BLESSED =
      "{\"metric\":\"accuracy\",\"candidate\":0.91,\"serving\":0.84,\"delta\":0.07,"
          + "\"passed\":true,\"reason\":\"beats serving by 0.07\"}";
  static final String NOT_BLESSED =
      "{\"metric\":\"accuracy\",\"candidate\":0.80,\"serving\":0.84,\"delta\":-0.04,"
          + "\"passed\":false,\"reason\":\"worse than serving\"}";

  @Inject KubernetesClient client;

  @Test
  void aRunMadeByHandTrainsWithTheUsersTemplateAndIsBlessed() {
    setUp(
        "fraud",
        spec -> {
          spec.getTraining().setTemplate(userTemplate());
          spec.getTraining().setHyperparameters(Map.of("learning_rate", "0.05"));
          spec.getTraining().setActiveDeadline("30m");
        });
    create(TestRetrainings.run("fraud-now", "fraud"));

    Job training = awaitJob("fraud-now-train");
    assertThat(training.getMetadata().getLabels())
        .containsEntry("team", "ml")
        .containsEntry(RunNames.RUN, "fraud-now");
    assertThat(training.getMetadata().getAnnotations()).containsEntry("owner", "data-science");
    assertThat(training.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getName()).isEqualTo("fraud-now"));
    assertThat(training.getSpec().getActiveDeadlineSeconds()).isEqualTo(1800L);
    assertThat(training.getSpec().getBackoffLimit()).isZero();
    PodSpec pod = training.getSpec().getTemplate().getSpec();
    assertThat(training.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("team", "ml")
        .containsEntry(RunNames.JOB, "fraud-now-train");
    assertThat(pod.getNodeSelector()).containsEntry("pool", "training");
    assertThat(pod.getVolumes())
        .extracting(Volume::getName)
        .contains("cache", "modelkeeper-dataset", "modelkeeper-output", "modelkeeper-base-model");
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals("modelkeeper-dataset"))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getPersistentVolumeClaim().getClaimName())
                  .isEqualTo(TestRetrainings.DATASET_CLAIM);
              assertThat(v.getPersistentVolumeClaim().getReadOnly()).isTrue();
            });
    assertThat(pod.getInitContainers())
        .as("the serving model is fetched over https into an emptyDir")
        .extracting(Container::getName)
        .containsExactly("modelkeeper-fetch-base-model");
    Container trainer = pod.getContainers().get(0);
    assertThat(trainer.getImage()).isEqualTo("registry.example.com/my-trainer:1");
    assertThat(trainer.getArgs()).containsExactly("--epochs", "3");
    assertThat(env(trainer))
        .containsEntry("USER_SETTING", "kept")
        .containsEntry(TrainingContract.RUN, "fraud-now")
        .containsEntry(TrainingContract.DATASET_DIR, "/var/lib/modelkeeper/dataset/fraud")
        .containsEntry(TrainingContract.OUTPUT_DIR, "/var/lib/modelkeeper/output")
        .containsEntry(TrainingContract.BASE_MODEL, "/var/lib/modelkeeper/base/model.onnx")
        .containsEntry(TrainingContract.TRAINING_MODE, "incremental")
        .containsEntry(TrainingContract.PARAM_PREFIX + "LEARNING_RATE", "0.05")
        .containsEntry(TrainingContract.HYPERPARAMETERS, "{\"learning_rate\":\"0.05\"}")
        .containsEntry(TrainingContract.MAX_ROW_AGE, "PT720H");
    assertThat(trainer.getVolumeMounts())
        .anySatisfy(m -> assertThat(m.getName()).isEqualTo("cache"))
        .anySatisfy(
            m -> {
              assertThat(m.getName()).isEqualTo("modelkeeper-output");
              assertThat(m.getSubPath()).isEqualTo("fraud-now");
            });
    awaitPhase("fraud-now", RunPhase.Training);

    jobs().succeed("fraud-now-train", TestRetrainings.TRAINED);
    Job evaluation = awaitJob("fraud-now-eval");
    Container evaluator = evaluation.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(evaluator.getImage()).isEqualTo(TestModels.TRAINER_IMAGE);
    assertThat(evaluator.getArgs()).containsExactly("evaluate");
    assertThat(env(evaluator))
        .containsEntry(TrainingContract.CANDIDATE_MODEL, "/var/lib/modelkeeper/output/model.onnx")
        .containsEntry(TrainingContract.VALIDATION_METRIC, "accuracy")
        .containsEntry(TrainingContract.BASE_MODEL, "/var/lib/modelkeeper/base/model.onnx");
    awaitPhase("fraud-now", RunPhase.Evaluating);
    assertThat(jobs().runNamed("fraud-now").getStatus().getRows().getTraining()).isEqualTo(1600L);

    jobs().succeed("fraud-now-eval", BLESSED);
    awaitPhase("fraud-now", RunPhase.RollingOut);
    RetrainingRun run = jobs().runNamed("fraud-now");
    assertThat(run.getStatus().getVersion()).isEqualTo("1-r1");
    assertThat(run.getStatus().getBlessing().getCandidate()).isEqualTo(0.91);
    assertThat(run.getStatus().getBlessing().getServing()).isEqualTo(0.84);
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              RetrainingCandidate candidate =
                  jobs().retrainingNamed("fraud").getStatus().getCandidate();
              assertThat(candidate.getRun()).isEqualTo("fraud-now");
              assertThat(candidate.getVersion()).isEqualTo("1-r1");
              assertThat(candidate.getUri()).isEqualTo("pvc://fraud-models/fraud-now/model.onnx");
              assertThat(candidate.getSha256()).isEqualTo("ab".repeat(32));
              assertThat(candidate.getBase().getVersion()).isEqualTo("1");
              assertThat(candidate.getBase().getUri())
                  .isEqualTo(TestModels.file("fraud", "1").uri());
              assertThat(candidate.getApproved()).isTrue();
            });
    assertThat(new TestCluster(client).events("fraud")).contains("RunStarted", "Blessed");
  }

  @Test
  void aManualRolloutOffersTheCandidateOnlyOnceTheRunIsApproved() {
    setUp("careful", spec -> spec.setRollout(RetrainingRollout.MANUAL));
    create(TestRetrainings.run("careful-now", "careful"));
    awaitJob("careful-now-train");
    jobs().succeed("careful-now-train", TestRetrainings.TRAINED);
    awaitJob("careful-now-eval");
    jobs().succeed("careful-now-eval", BLESSED);
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(
                        jobs().retrainingNamed("careful").getStatus().getCandidate().getApproved())
                    .isFalse());

    client
        .resources(io.modelkeeper.api.v1alpha1.ModelRetraining.class)
        .inNamespace(TestModels.NAMESPACE)
        .withName("careful")
        .edit(
            r -> {
              r.getMetadata().setAnnotations(Map.of(RunNames.APPROVE, "careful-now"));
              return r;
            });
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(
                        jobs().retrainingNamed("careful").getStatus().getCandidate().getApproved())
                    .isTrue());
    assertThat(new TestCluster(client).events("careful")).contains("CandidateApproved");
  }

  @Test
  void aCandidateThatIsNotBlessedIsNotOffered() {
    setUp("worse", spec -> {});
    create(TestRetrainings.run("worse-now", "worse"));
    awaitJob("worse-now-train");
    jobs().succeed("worse-now-train", TestRetrainings.TRAINED);
    awaitJob("worse-now-eval");
    jobs().succeed("worse-now-eval", NOT_BLESSED);

    awaitPhase("worse-now", RunPhase.NotBlessed);
    RetrainingRun run = jobs().runNamed("worse-now");
    assertThat(run.getStatus().getBlessing().getPassed()).isFalse();
    assertThat(run.getStatus().getMessage())
        .contains("not blessed")
        .contains("nothing is rolled out");
    assertThat(run.getStatus().getVersion()).isNull();
    assertThat(jobs().retrainingNamed("worse").getStatus().getCandidate()).isNull();
    assertThat(new TestCluster(client).events("worse")).contains("NotBlessed");
  }

  @Test
  void aFailedJobAndAMissedDeadlineFailTheRunWithTheReason() {
    setUp("broken", spec -> spec.getGuards().setMaxConsecutiveFailures(5));
    create(TestRetrainings.run("broken-a", "broken"));
    create(TestRetrainings.run("broken-b", "broken"));
    awaitJob("broken-a-train");
    assertThat(jobs().job("broken-b-train")).as("one run at a time").isNull();
    jobs().fail("broken-a-train", "BackoffLimitExceeded", "loss is NaN at step 40");

    awaitPhase("broken-a", RunPhase.Failed);
    assertThat(jobs().runNamed("broken-a").getStatus().getMessage())
        .startsWith("TrainingFailed")
        .contains("loss is NaN at step 40")
        .contains("serving is untouched");
    assertThat(jobs().job("broken-a-eval")).isNull();

    awaitJob("broken-b-train");
    jobs().fail("broken-b-train", "DeadlineExceeded", "");
    awaitPhase("broken-b", RunPhase.Failed);
    RetrainingRun timedOut = jobs().runNamed("broken-b");
    assertThat(timedOut.getStatus().getMessage()).startsWith("DeadlineExceeded");
    assertThat(timedOut.getStatus().getConditions())
        .singleElement()
        .satisfies(c -> assertThat(c.getReason()).isEqualTo("DeadlineExceeded"));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(jobs().retrainingNamed("broken").getStatus().getConsecutiveFailures())
                    .isEqualTo(2));
  }

  @Test
  void aRunWhoseStatusWriteWasLostResumesWithoutASecondJob() {
    setUp("resumed", spec -> {});
    create(TestRetrainings.run("resumed-now", "resumed"));
    String uid = awaitJob("resumed-now-train").getMetadata().getUid();
    awaitPhase("resumed-now", RunPhase.Training);

    // As an operator that stopped after making the Job and before writing the status finds it.
    client
        .resources(RetrainingRun.class)
        .inNamespace(TestModels.NAMESPACE)
        .withName("resumed-now")
        .editStatus(
            run -> {
              run.getStatus().setPhase(RunPhase.Pending);
              run.getStatus().setJobs(null);
              return run;
            });
    awaitPhase("resumed-now", RunPhase.Training);
    assertThat(
            client
                .batch()
                .v1()
                .jobs()
                .inNamespace(TestModels.NAMESPACE)
                .withLabel(RunNames.RUN, "resumed-now")
                .list()
                .getItems())
        .singleElement()
        .satisfies(job -> assertThat(job.getMetadata().getUid()).isEqualTo(uid));
  }

  @Test
  void twoWorkersTrainInAnIndexedJobAndWorkerZeroSpeaks() {
    setUp("wide", spec -> spec.getTraining().setParallelism(2));
    create(TestRetrainings.run("wide-now", "wide"));
    Job training = awaitJob("wide-now-train");
    assertThat(training.getSpec().getCompletionMode()).isEqualTo("Indexed");
    assertThat(training.getSpec().getCompletions()).isEqualTo(2);
    assertThat(training.getSpec().getParallelism()).isEqualTo(2);
    assertThat(training.getSpec().getTemplate().getSpec().getSubdomain())
        .isEqualTo("wide-now-train");
    Service workers =
        client.services().inNamespace(TestModels.NAMESPACE).withName("wide-now-train").get();
    assertThat(workers.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(workers.getSpec().getSelector()).containsEntry(RunNames.JOB, "wide-now-train");

    jobs().pod("wide-now-train", 1, "Succeeded", 0, "{\"rows\":{\"training\":7,\"heldOut\":1}}");
    jobs().succeed("wide-now-train", TestRetrainings.TRAINED);
    awaitPhase("wide-now", RunPhase.Evaluating);
    assertThat(jobs().runNamed("wide-now").getStatus().getRows().getTraining())
        .as("worker 0's summary")
        .isEqualTo(1600L);
  }

  @Test
  void aRunWritingToABucketUploadsFromTheTrainerAndIsEvaluatedAndOfferedFromThere() {
    setUp(
        "bucket",
        spec -> {
          io.modelkeeper.api.v1alpha1.OutputSpec output =
              new io.modelkeeper.api.v1alpha1.OutputSpec();
          output.setUri("s3://models/bucket/retrained/");
          output.setCredentialsSecret("output-keys");
          io.modelkeeper.api.v1alpha1.S3Spec s3 = new io.modelkeeper.api.v1alpha1.S3Spec();
          s3.setEndpoint("http://minio.storage:9000");
          s3.setPathStyle(true);
          output.setS3(s3);
          spec.setOutput(output);
        });
    create(TestRetrainings.run("bucket-now", "bucket"));

    Job training = awaitJob("bucket-now-train");
    PodSpec pod = training.getSpec().getTemplate().getSpec();
    Container trainer = pod.getContainers().get(0);
    assertThat(env(trainer))
        .containsEntry(TrainingContract.OUTPUT_URI, "s3://models/bucket/retrained/bucket-now/")
        .containsEntry(
            TrainingContract.OUTPUT_CREDENTIALS_DIR,
            "/var/run/modelkeeper/modelkeeper-output-credentials")
        .containsEntry("MODELKEEPER_S3_ENDPOINT", "http://minio.storage:9000");
    assertThat(pod.getInitContainers())
        .allSatisfy(
            c ->
                assertThat(c.getVolumeMounts())
                    .noneMatch(m -> m.getName().equals("modelkeeper-output-credentials")));
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals("modelkeeper-output"))
        .singleElement()
        .satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());

    jobs().succeed("bucket-now-train", TestRetrainings.TRAINED);
    Job evaluation = awaitJob("bucket-now-eval");
    PodSpec evalPod = evaluation.getSpec().getTemplate().getSpec();
    Container fetch =
        evalPod.getInitContainers().stream()
            .filter(c -> c.getName().equals(TrainingJobs.FETCH_CANDIDATE_CONTAINER))
            .findFirst()
            .orElseThrow();
    assertThat(env(fetch))
        .containsEntry(
            "MODELKEEPER_MODEL_URI", "s3://models/bucket/retrained/bucket-now/model.onnx")
        .containsEntry("MODELKEEPER_MODEL_SHA256", "ab".repeat(32));
    assertThat(env(evalPod.getContainers().get(0)))
        .containsEntry(
            TrainingContract.CANDIDATE_MODEL, "/var/lib/modelkeeper/candidate/model.onnx")
        .doesNotContainKey(TrainingContract.OUTPUT_CREDENTIALS_DIR);

    jobs().succeed("bucket-now-eval", BLESSED);
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(jobs().retrainingNamed("bucket").getStatus().getCandidate().getUri())
                    .isEqualTo("s3://models/bucket/retrained/bucket-now/model.onnx"));
  }

  @Test
  void aRunReadingItsDatasetFromABucketFetchesItFirstAndAFailedFetchNamesSpecDataset() {
    setUp(
        "data",
        spec -> {
          spec.getDataset().setClaimName(null);
          spec.getDataset().setUri("s3://datasets/capture/");
          spec.getDataset().setCredentialsSecret("dataset-keys");
          io.modelkeeper.api.v1alpha1.S3Spec s3 = new io.modelkeeper.api.v1alpha1.S3Spec();
          s3.setEndpoint("http://minio.storage:9000");
          s3.setPathStyle(true);
          spec.getDataset().setS3(s3);
        });
    create(TestRetrainings.run("data-now", "data"));

    PodSpec pod = awaitJob("data-now-train").getSpec().getTemplate().getSpec();
    Container fetch = pod.getInitContainers().get(0);
    assertThat(fetch.getName()).isEqualTo(DatasetFetch.CONTAINER);
    assertThat(env(fetch))
        .containsEntry("MODELKEEPER_DATASET_URI", "s3://datasets/capture/data/")
        .containsEntry(TrainingContract.DATASET_DIR, "/var/lib/modelkeeper/dataset/data")
        .containsEntry(
            "MODELKEEPER_DATASET_CREDENTIALS_DIR",
            "/var/run/modelkeeper/modelkeeper-dataset-credentials");
    assertThat(env(pod.getContainers().get(0)))
        .containsEntry(TrainingContract.DATASET_DIR, "/var/lib/modelkeeper/dataset/data")
        .doesNotContainKey("MODELKEEPER_DATASET_CREDENTIALS_DIR");
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals("modelkeeper-dataset"))
        .singleElement()
        .satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());

    jobs()
        .failInit(
            "data-now-train",
            DatasetFetch.CONTAINER,
            "fetch failed: bucket 'datasets' does not exist at http://minio.storage:9000"
                + " (NoSuchBucket): check spec.dataset.uri and spec.dataset.s3");

    awaitPhase("data-now", RunPhase.Failed);
    assertThat(jobs().runNamed("data-now").getStatus().getMessage())
        .startsWith("TrainingFailed")
        .contains("the pod said: fetch failed: bucket 'datasets' does not exist")
        .contains("check spec.dataset.uri and spec.dataset.s3");
  }

  @Test
  void anOutputWithBothAClaimAndAUriIsRefusedNamingTheField() {
    setUp("both", spec -> spec.getOutput().setUri("s3://models/both/"));
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              var ready =
                  jobs().retrainingNamed("both").getStatus().getConditions().stream()
                      .filter(c -> c.getType().equals(io.modelkeeper.api.v1alpha1.Conditions.READY))
                      .findFirst()
                      .orElseThrow();
              assertThat(ready.getReason())
                  .isEqualTo(io.modelkeeper.api.v1alpha1.Conditions.REASON_INVALID_SPEC);
              assertThat(ready.getMessage())
                  .contains("spec.output: set exactly one of claimName and uri");
            });
  }

  private void setUp(
      String name, Consumer<io.modelkeeper.api.v1alpha1.ModelRetrainingSpec> change) {
    create(TestModels.model(name, "1"));
    create(TestRetrainings.retraining(name, name, change));
  }

  private static JobTemplateSpec userTemplate() {
    return new JobTemplateSpecBuilder()
        .withNewMetadata()
        .addToAnnotations("owner", "data-science")
        .addToLabels("team", "ml")
        .endMetadata()
        .withNewSpec()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("team", "ml")
        .endMetadata()
        .withNewSpec()
        .addToNodeSelector("pool", "training")
        .withContainers(
            new ContainerBuilder()
                .withName("trainer")
                .withImage("registry.example.com/my-trainer:1")
                .withArgs("--epochs", "3")
                .addNewEnv()
                .withName("USER_SETTING")
                .withValue("kept")
                .endEnv()
                .addNewVolumeMount()
                .withName("cache")
                .withMountPath("/cache")
                .endVolumeMount()
                .build())
        .withVolumes(new VolumeBuilder().withName("cache").withNewEmptyDir().endEmptyDir().build())
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private Job awaitJob(String name) {
    return await().atMost(WAIT).until(() -> jobs().job(name), j -> j != null);
  }

  private void awaitPhase(String run, RunPhase phase) {
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> assertThat(jobs().runNamed(run).getStatus().getPhase()).isEqualTo(phase));
  }

  private static Map<String, String> env(Container container) {
    return container.getEnv().stream()
        .collect(
            java.util.stream.Collectors.toMap(
                EnvVar::getName, e -> e.getValue() == null ? "" : e.getValue(), (a, b) -> b));
  }

  private void create(io.fabric8.kubernetes.api.model.HasMetadata object) {
    client.resource(object).create();
  }

  private TestRetrainings jobs() {
    return new TestRetrainings(client);
  }
}

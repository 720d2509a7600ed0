package io.modelkeeper.operator.testing;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.modelkeeper.api.v1alpha1.DatasetSpec;
import io.modelkeeper.api.v1alpha1.ModelRetraining;
import io.modelkeeper.api.v1alpha1.ModelRetrainingSpec;
import io.modelkeeper.api.v1alpha1.ObjectName;
import io.modelkeeper.api.v1alpha1.OutputSpec;
import io.modelkeeper.api.v1alpha1.RetrainingRun;
import io.modelkeeper.api.v1alpha1.RetrainingRunSpec;
import io.modelkeeper.operator.retraining.RunNames;
import java.util.Map;
import java.util.function.Consumer;

/**
 * ModelRetrainings and RetrainingRuns for tests, and the test's hands as Job controller and kubelet
 * of training pods: a Job completed or failed, its pod with the termination message it left.
 */
public final class TestRetrainings {

  public static final String DATASET_CLAIM = "fraud-data";
  public static final String OUTPUT_CLAIM = "fraud-models";

  /** A training summary as the reference trainer leaves it. */
  public static final String TRAINED =
      "{\"sha256\":\"" + "ab".repeat(32) + "\",\"rows\":{\"training\":1600,\"heldOut\":400}}";

  private final KubernetesClient client;

  public TestRetrainings(KubernetesClient client) {
    this.client = client;
  }

  /** A ModelRetraining of ModelDeployment {@code model}, its spec changed by {@code change}. */
  public static ModelRetraining retraining(
      String name, String model, Consumer<ModelRetrainingSpec> change) {
    ModelRetraining retraining = new ModelRetraining();
    retraining.setMetadata(
        new ObjectMetaBuilder().withName(name).withNamespace(TestModels.NAMESPACE).build());
    ModelRetrainingSpec spec = new ModelRetrainingSpec();
    ObjectName ref = new ObjectName();
    ref.setName(model);
    spec.setModelDeploymentRef(ref);
    DatasetSpec dataset = new DatasetSpec();
    dataset.setClaimName(DATASET_CLAIM);
    spec.setDataset(dataset);
    OutputSpec output = new OutputSpec();
    output.setClaimName(OUTPUT_CLAIM);
    spec.setOutput(output);
    change.accept(spec);
    retraining.setSpec(spec);
    return retraining;
  }

  /** A run created by hand. */
  public static RetrainingRun run(String name, String retraining) {
    RetrainingRun run = new RetrainingRun();
    run.setMetadata(
        new ObjectMetaBuilder().withName(name).withNamespace(TestModels.NAMESPACE).build());
    RetrainingRunSpec spec = new RetrainingRunSpec();
    ObjectName ref = new ObjectName();
    ref.setName(retraining);
    spec.setRetrainingRef(ref);
    run.setSpec(spec);
    return run;
  }

  public Job job(String name) {
    return client.batch().v1().jobs().inNamespace(TestModels.NAMESPACE).withName(name).get();
  }

  public RetrainingRun runNamed(String name) {
    return client
        .resources(RetrainingRun.class)
        .inNamespace(TestModels.NAMESPACE)
        .withName(name)
        .get();
  }

  public ModelRetraining retrainingNamed(String name) {
    return client
        .resources(ModelRetraining.class)
        .inNamespace(TestModels.NAMESPACE)
        .withName(name)
        .get();
  }

  /** The Job succeeded; its pod (worker {@code index}) left {@code message}. */
  public void succeed(String jobName, String message) {
    pod(jobName, 0, "Succeeded", 0, message);
    condition(jobName, "Complete", "Complete", "");
  }

  /** The Job failed with the Job controller's {@code reason}; its pod left {@code message}. */
  public void fail(String jobName, String reason, String message) {
    pod(jobName, 0, "Failed", 1, message);
    condition(jobName, "Failed", reason, "Job has reached the specified backoff limit");
  }

  /**
   * The Job failed because an init container of its pod failed with {@code message}, its trainer
   * never started.
   */
  public void failInit(String jobName, String initContainer, String message) {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(jobName + "-init-x" + System.nanoTime() % 100000)
            .withNamespace(TestModels.NAMESPACE)
            .withLabels(Map.of(RunNames.JOB, jobName))
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("trainer")
            .withImage("trainer")
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPhase("Failed")
            .withInitContainerStatuses(
                new ContainerStatusBuilder()
                    .withName(initContainer)
                    .withNewState()
                    .withNewTerminated()
                    .withExitCode(1)
                    .withMessage(message)
                    .endTerminated()
                    .endState()
                    .build())
            .withContainerStatuses(
                new ContainerStatusBuilder()
                    .withName("trainer")
                    .withNewState()
                    .withNewWaiting()
                    .withReason("PodInitializing")
                    .endWaiting()
                    .endState()
                    .build())
            .endStatus()
            .build();
    client.resource(pod).create();
    condition(
        jobName, "Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit");
  }

  /** A running pod of the Job named {@code podName}, whose log the test serves. */
  public void running(String jobName, String podName) {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(podName)
            .withNamespace(TestModels.NAMESPACE)
            .withLabels(Map.of(RunNames.JOB, jobName))
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("trainer")
            .withImage("trainer")
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .withContainerStatuses(
                new ContainerStatusBuilder()
                    .withName("trainer")
                    .withNewState()
                    .withNewRunning()
                    .endRunning()
                    .endState()
                    .build())
            .endStatus()
            .build();
    client.resource(pod).create();
  }

  /** A pod of the Job, as the Job controller labels it and the kubelet reports it once it ended. */
  public void pod(String jobName, int index, String phase, int exitCode, String message) {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(jobName + "-" + index + "-x" + System.nanoTime() % 100000)
            .withNamespace(TestModels.NAMESPACE)
            .withLabels(
                Map.of(
                    RunNames.JOB,
                    jobName,
                    "batch.kubernetes.io/job-completion-index",
                    String.valueOf(index)))
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("trainer")
            .withImage("trainer")
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPhase(phase)
            .withContainerStatuses(
                new ContainerStatusBuilder()
                    .withName("trainer")
                    .withNewState()
                    .withNewTerminated()
                    .withExitCode(exitCode)
                    .withMessage(message)
                    .endTerminated()
                    .endState()
                    .build())
            .endStatus()
            .build();
    client.resource(pod).create();
  }

  private void condition(String jobName, String type, String reason, String message) {
    for (int attempt = 0; ; attempt++) {
      try {
        Job job = job(jobName);
        job.setStatus(
            new JobStatusBuilder()
                .withConditions(
                    new JobConditionBuilder()
                        .withType(type)
                        .withStatus("True")
                        .withReason(reason)
                        .withMessage(message)
                        .build())
                .build());
        client.resource(job).updateStatus();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 10) {
          throw e;
        }
      }
    }
  }
}

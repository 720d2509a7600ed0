package io.modelkeeper.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelkeeper.e2e.api.LocalApiServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The local Job controller against the local API server, without processes: the test plays the
 * kubelet by writing pod phases, and moves a clock of its own.
 */
class JobControllerTest {

  private LocalApiServer api;
  private KubernetesClient client;
  private final MovableClock clock = new MovableClock();
  private JobController controller;

  /** A clock the test moves. */
  private static final class MovableClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  @BeforeEach
  void start() {
    api = LocalApiServer.start(null);
    client = api.client();
    controller = new JobController(client, Duration.ofSeconds(10), clock);
  }

  @AfterEach
  void stop() {
    client.close();
    api.close();
  }

  private Job job(UnaryOperator<JobBuilder> shape) {
    JobBuilder builder =
        new JobBuilder()
            .withNewMetadata()
            .withName("train")
            .withNamespace("default")
            .endMetadata()
            .withNewSpec()
            .withNewTemplate()
            .withNewSpec()
            .withRestartPolicy("Never")
            .withSubdomain("workers")
            .addNewContainer()
            .withName("trainer")
            .withImage("localhost/modelkeeper-local/exec")
            .withCommand("sh", "-c", "exit 0")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec();
    return client.batch().v1().jobs().resource(shape.apply(builder).build()).create();
  }

  private Job current() {
    return client.batch().v1().jobs().withName("train").get();
  }

  private List<Pod> pods() {
    String uid = current().getMetadata().getUid();
    return client.pods().list().getItems().stream()
        .filter(p -> p.getMetadata().getOwnerReferences().get(0).getUid().equals(uid))
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .toList();
  }

  private void sync() {
    controller.sync(current(), pods());
  }

  /** What the kubelet writes when the pod's container exits. */
  private void exit(Pod pod, int code) {
    pod.setStatus(
        new PodStatusBuilder()
            .withPhase(code == 0 ? "Succeeded" : "Failed")
            .withContainerStatuses(
                new ContainerStatusBuilder()
                    .withName("trainer")
                    .withState(
                        new ContainerStateBuilder()
                            .withNewTerminated()
                            .withExitCode(code)
                            .withFinishedAt(clock.instant().toString())
                            .endTerminated()
                            .build())
                    .build())
            .build());
    client.pods().resource(pod).updateStatus();
  }

  private List<String> conditions() {
    List<JobCondition> conditions = current().getStatus().getConditions();
    return conditions == null
        ? List.of()
        : conditions.stream().map(c -> c.getType() + "/" + c.getReason()).toList();
  }

  private List<String> events() {
    return client.v1().events().withField("involvedObject.name", "train").list().getItems().stream()
        .map(e -> e.getReason())
        .toList();
  }

  @Test
  void podsAreOwnedAndLabelledLikeKubernetesAndTheJobCompletes() {
    job(b -> b.editSpec().withCompletions(2).withParallelism(1).endSpec());
    sync();
    List<Pod> pods = pods();
    assertThat(pods).hasSize(1);
    Pod pod = pods.get(0);
    String uid = current().getMetadata().getUid();
    assertThat(pod.getMetadata().getName()).matches("train-[a-z0-9]{5}");
    assertThat(pod.getMetadata().getLabels())
        .containsEntry("batch.kubernetes.io/controller-uid", uid)
        .containsEntry("controller-uid", uid)
        .containsEntry("batch.kubernetes.io/job-name", "train")
        .containsEntry("job-name", "train");
    assertThat(pod.getMetadata().getOwnerReferences().get(0).getKind()).isEqualTo("Job");
    assertThat(pod.getMetadata().getOwnerReferences().get(0).getController()).isTrue();
    assertThat(current().getStatus().getActive()).isEqualTo(1);
    assertThat(current().getStatus().getStartTime()).isEqualTo(clock.instant().toString());

    exit(pod, 0);
    sync();
    assertThat(pods()).hasSize(2);
    assertThat(current().getStatus().getSucceeded()).isEqualTo(1);
    assertThat(conditions()).isEmpty();

    exit(
        pods().stream().filter(p -> p.getStatus().getPhase().equals("Pending")).findFirst().get(),
        0);
    clock.advance(Duration.ofSeconds(5));
    sync();
    assertThat(current().getStatus().getSucceeded()).isEqualTo(2);
    assertThat(current().getStatus().getActive()).isNull();
    assertThat(current().getStatus().getCompletionTime()).isEqualTo(clock.instant().toString());
    assertThat(conditions())
        .containsExactly("SuccessCriteriaMet/CompletionsReached", "Complete/CompletionsReached");
    assertThat(events()).contains("SuccessfulCreate", "Completed");
    sync();
    assertThat(pods()).hasSize(2);
  }

  @Test
  void indexedPodsCarryTheirIndexInNameHostnameAnnotationAndEnv() {
    job(
        b ->
            b.editSpec()
                .withCompletions(3)
                .withParallelism(2)
                .withCompletionMode("Indexed")
                .endSpec());
    sync();
    List<Pod> pods = pods();
    assertThat(pods).hasSize(2);
    for (int index = 0; index < 2; index++) {
      Pod pod = pods.get(index);
      assertThat(pod.getMetadata().getName()).matches("train-" + index + "-[a-z0-9]{5}");
      assertThat(pod.getSpec().getHostname()).isEqualTo("train-" + index);
      assertThat(pod.getSpec().getSubdomain()).isEqualTo("workers");
      assertThat(pod.getMetadata().getAnnotations())
          .containsEntry("batch.kubernetes.io/job-completion-index", "" + index);
      assertThat(pod.getMetadata().getLabels())
          .containsEntry("batch.kubernetes.io/job-completion-index", "" + index);
      var env = pod.getSpec().getContainers().get(0).getEnv().get(0);
      assertThat(env.getName()).isEqualTo("JOB_COMPLETION_INDEX");
      assertThat(env.getValueFrom().getFieldRef().getFieldPath())
          .isEqualTo("metadata.annotations['batch.kubernetes.io/job-completion-index']");
    }
    exit(pods.get(1), 0);
    sync();
    // Index 1 is done: index 2 starts next to index 0.
    assertThat(pods())
        .extracting(p -> p.getMetadata().getAnnotations().get(JobController.COMPLETION_INDEX))
        .containsExactlyInAnyOrder("0", "1", "2");
    assertThat(current().getStatus().getCompletedIndexes()).isEqualTo("1");
    pods().stream()
        .filter(p -> p.getStatus().getPhase().equals("Pending"))
        .forEach(p -> exit(p, 0));
    sync();
    assertThat(current().getStatus().getCompletedIndexes()).isEqualTo("0-2");
    assertThat(conditions()).contains("Complete/CompletionsReached");
  }

  @Test
  void failedPodsAreReplacedAfterTheBackOffUntilTheBackoffLimit() {
    job(b -> b.editSpec().withBackoffLimit(1).endSpec());
    sync();
    exit(pods().get(0), 3);
    sync();
    // 10 s of back-off before the first replacement.
    assertThat(pods()).hasSize(1);
    assertThat(current().getStatus().getFailed()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(11));
    sync();
    assertThat(pods()).hasSize(2);
    Pod second =
        pods().stream().filter(p -> p.getStatus().getPhase().equals("Pending")).findFirst().get();
    exit(second, 3);
    sync();
    assertThat(current().getStatus().getFailed()).isEqualTo(2);
    assertThat(conditions())
        .containsExactly("FailureTarget/BackoffLimitExceeded", "Failed/BackoffLimitExceeded");
    assertThat(current().getStatus().getConditions().get(1).getMessage())
        .isEqualTo("Job has reached the specified backoff limit");
    assertThat(current().getStatus().getCompletionTime()).isNull();
    assertThat(events()).contains("BackoffLimitExceeded");
    clock.advance(Duration.ofMinutes(5));
    sync();
    assertThat(pods()).hasSize(2);
  }

  @Test
  void theActiveDeadlineDeletesTheRunningPodsAndFailsTheJob() {
    job(
        b ->
            b.editSpec()
                .withParallelism(2)
                .withCompletions(2)
                .withActiveDeadlineSeconds(30L)
                .endSpec());
    sync();
    assertThat(pods()).hasSize(2);
    clock.advance(Duration.ofSeconds(30));
    sync();
    assertThat(pods()).isEmpty();
    assertThat(conditions())
        .containsExactly("FailureTarget/DeadlineExceeded", "Failed/DeadlineExceeded");
    assertThat(current().getStatus().getFailed()).isEqualTo(2);
    assertThat(current().getStatus().getActive()).isNull();
    assertThat(events()).contains("SuccessfulDelete", "DeadlineExceeded");
  }

  @Test
  void onFailureRestartsCountTowardsTheBackoffLimit() {
    job(
        b ->
            b.editSpec()
                .withBackoffLimit(2)
                .editTemplate()
                .editSpec()
                .withRestartPolicy("OnFailure")
                .endSpec()
                .endTemplate()
                .endSpec());
    sync();
    Pod pod = pods().get(0);
    pod.setStatus(
        new PodStatusBuilder()
            .withPhase("Running")
            .withContainerStatuses(
                new ContainerStatusBuilder().withName("trainer").withRestartCount(3).build())
            .build());
    client.pods().resource(pod).updateStatus();
    sync();
    assertThat(conditions()).contains("Failed/BackoffLimitExceeded");
    assertThat(pods()).isEmpty();
  }

  @Test
  void aFinishedJobIsDeletedAfterItsTtl() {
    job(b -> b.editSpec().withTtlSecondsAfterFinished(60).endSpec());
    sync();
    exit(pods().get(0), 0);
    sync();
    assertThat(conditions()).contains("Complete/CompletionsReached");
    clock.advance(Duration.ofSeconds(59));
    sync();
    assertThat(current()).isNotNull();
    clock.advance(Duration.ofSeconds(1));
    sync();
    assertThat(current()).isNull();
  }

  @Test
  void completedIndexesAreWrittenAsRanges() {
    assertThat(JobController.ranges(new java.util.TreeSet<>(List.of(0, 1, 2, 5, 7, 8))))
        .isEqualTo("0-2,5,7-8");
    assertThat(JobController.ranges(new java.util.TreeSet<>())).isEmpty();
  }
}

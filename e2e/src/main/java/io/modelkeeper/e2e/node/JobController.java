package io.modelkeeper.e2e.node;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The Job controller of the local cluster (batch/v1), after Kubernetes': creates pods from the
 * Job's template (owned by the Job, labelled with {@code batch.kubernetes.io/controller-uid} and
 * {@code batch.kubernetes.io/job-name}), keeps {@code parallelism} of them running until {@code
 * completions} succeeded — one per index for {@code completionMode: Indexed}, named {@code
 * <job>-<index>-<suffix>} with hostname {@code <job>-<index>}, the index in the {@code
 * batch.kubernetes.io/job-completion-index} annotation and {@code JOB_COMPLETION_INDEX} — replaces
 * failed pods after an exponential back-off (10 s, 20 s, … 6 min) until {@code backoffLimit}, stops
 * at {@code activeDeadlineSeconds}, writes the Job's status and deletes a finished Job after {@code
 * ttlSecondsAfterFinished}. What it does not do, the local API server refuses at admission.
 */
final class JobController {

  static final String CONTROLLER_UID = "batch.kubernetes.io/controller-uid";
  static final String JOB_NAME = "batch.kubernetes.io/job-name";
  static final String LEGACY_CONTROLLER_UID = "controller-uid";
  static final String LEGACY_JOB_NAME = "job-name";
  static final String COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";
  static final String COMPLETION_INDEX_ENV = "JOB_COMPLETION_INDEX";

  private static final String SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
  private static final Duration MAX_BACK_OFF = Duration.ofMinutes(6);

  private final KubernetesClient client;
  private final Duration firstBackOff;
  private final Clock clock;

  /**
   * @param firstBackOff the delay before the first failed pod is replaced, doubled for each further
   *     failure (Kubernetes: 10 s)
   */
  JobController(KubernetesClient client, Duration firstBackOff, Clock clock) {
    this.client = client;
    this.firstBackOff = firstBackOff;
    this.clock = clock;
  }

  JobController(KubernetesClient client) {
    this(client, Duration.ofSeconds(10), Clock.systemUTC());
  }

  /** Pods of one Job, sorted out by phase. */
  private record Counts(List<Pod> active, List<Pod> succeeded, List<Pod> failed) {
    static Counts of(List<Pod> pods) {
      List<Pod> active = new ArrayList<>();
      List<Pod> succeeded = new ArrayList<>();
      List<Pod> failed = new ArrayList<>();
      for (Pod pod : pods) {
        switch (phase(pod)) {
          case "Succeeded" -> succeeded.add(pod);
          case "Failed" -> failed.add(pod);
          default -> active.add(pod);
        }
      }
      return new Counts(active, succeeded, failed);
    }
  }

  /** One pass over a Job and the (not terminating) pods it owns. */
  void sync(Job job, List<Pod> owned) {
    JobStatus previous = job.getStatus() == null ? new JobStatus() : job.getStatus();
    if (finished(previous)) {
      deleteAfterTtl(job, previous);
      return;
    }
    var spec = job.getSpec();
    Instant now = clock.instant();
    Instant startTime =
        previous.getStartTime() == null ? now : Instant.parse(previous.getStartTime());
    Counts pods = Counts.of(owned);
    int failures = pods.failed().size() + restartsOnFailure(job, pods.active());
    int backoffLimit = Objects.requireNonNullElse(spec.getBackoffLimit(), 6);
    boolean indexed = "Indexed".equals(spec.getCompletionMode());
    Integer completions = spec.getCompletions();
    int parallelism = Objects.requireNonNullElse(spec.getParallelism(), 1);

    String failedReason = null;
    String failedMessage = null;
    if (spec.getActiveDeadlineSeconds() != null
        && !now.isBefore(startTime.plusSeconds(spec.getActiveDeadlineSeconds()))) {
      failedReason = "DeadlineExceeded";
      failedMessage = "Job was active longer than specified deadline";
    } else if (failures > backoffLimit) {
      failedReason = "BackoffLimitExceeded";
      failedMessage = "Job has reached the specified backoff limit";
    }
    TreeSet<Integer> succeededIndexes = indexes(pods.succeeded());
    boolean complete =
        indexed
            ? succeededIndexes.size() >= completions
            : completions != null
                ? pods.succeeded().size() >= completions
                : !pods.succeeded().isEmpty() && pods.active().isEmpty();
    if (failedReason != null) {
      int killed = deleteAll(job, pods.active());
      NodeEvents.record(client, job, "job-controller", "Warning", failedReason, failedMessage);
      writeStatus(
          job,
          status(job, pods, startTime, 0, pods.failed().size() + killed, succeededIndexes)
              .withConditions(
                  conditions(previous, now, "FailureTarget", failedReason, failedMessage, "Failed"))
              .build());
      return;
    }
    if (complete) {
      deleteAll(job, pods.active());
      NodeEvents.record(client, job, "job-controller", "Normal", "Completed", "Job completed");
      writeStatus(
          job,
          status(job, pods, startTime, 0, failures, succeededIndexes)
              .withCompletionTime(now.toString())
              .withConditions(
                  conditions(
                      previous,
                      now,
                      "SuccessCriteriaMet",
                      "CompletionsReached",
                      "Reached expected number of succeeded pods",
                      "Complete"))
              .build());
      return;
    }
    List<Pod> active = new ArrayList<>(pods.active());
    if (backingOff(pods.failed(), failures, now)) {
      // Replacements wait out the back-off; the pods that run go on.
    } else if (indexed) {
      TreeSet<Integer> busy = indexes(active);
      for (int index = 0; index < completions && active.size() < parallelism; index++) {
        if (!succeededIndexes.contains(index) && !busy.contains(index)) {
          active.add(create(job, index));
        }
      }
    } else {
      int remaining =
          completions != null
              ? completions - pods.succeeded().size()
              : pods.succeeded().isEmpty() ? parallelism : 0;
      int wanted = Math.min(parallelism, remaining);
      while (active.size() < wanted) {
        active.add(create(job, null));
      }
    }
    // parallelism lowered: the newest go first.
    active.sort(
        (a, b) ->
            Objects.toString(b.getMetadata().getCreationTimestamp(), "")
                .compareTo(Objects.toString(a.getMetadata().getCreationTimestamp(), "")));
    while (active.size() > parallelism) {
      deleteAll(job, List.of(active.remove(0)));
    }
    writeStatus(
        job,
        status(
                job,
                new Counts(active, pods.succeeded(), pods.failed()),
                startTime,
                -1,
                failures,
                succeededIndexes)
            .withConditions(previous.getConditions())
            .build());
  }

  private static boolean finished(JobStatus status) {
    return status.getConditions() != null
        && status.getConditions().stream()
            .anyMatch(
                c ->
                    ("Complete".equals(c.getType()) || "Failed".equals(c.getType()))
                        && "True".equals(c.getStatus()));
  }

  /** {@code ttlSecondsAfterFinished}: the Job (and through garbage collection its pods) goes. */
  private void deleteAfterTtl(Job job, JobStatus status) {
    Integer ttl = job.getSpec().getTtlSecondsAfterFinished();
    if (ttl == null) {
      return;
    }
    Instant finishedAt =
        status.getConditions().stream()
            .filter(c -> "Complete".equals(c.getType()) || "Failed".equals(c.getType()))
            .map(c -> Instant.parse(c.getLastTransitionTime()))
            .findFirst()
            .orElse(clock.instant());
    if (!clock.instant().isBefore(finishedAt.plusSeconds(ttl))) {
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(job.getMetadata().getNamespace())
          .withName(job.getMetadata().getName())
          .delete();
    }
  }

  /** With {@code restartPolicy: OnFailure} a failure restarts the container: it counts too. */
  private static int restartsOnFailure(Job job, List<Pod> active) {
    if (!"OnFailure".equals(job.getSpec().getTemplate().getSpec().getRestartPolicy())) {
      return 0;
    }
    int restarts = 0;
    for (Pod pod : active) {
      if (pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null) {
        for (var status : pod.getStatus().getContainerStatuses()) {
          restarts += Objects.requireNonNullElse(status.getRestartCount(), 0);
        }
      }
    }
    return restarts;
  }

  /** True while the newest failure is younger than the back-off its count earns. */
  private boolean backingOff(List<Pod> failed, int failures, Instant now) {
    if (failures == 0 || failed.isEmpty()) {
      return false;
    }
    Instant last = Instant.EPOCH;
    for (Pod pod : failed) {
      last = max(last, finishedAt(pod));
    }
    Duration delay = firstBackOff;
    for (int i = 1; i < failures && delay.compareTo(MAX_BACK_OFF) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    if (delay.compareTo(MAX_BACK_OFF) > 0) {
      delay = MAX_BACK_OFF;
    }
    return now.isBefore(last.plus(delay));
  }

  private static Instant finishedAt(Pod pod) {
    Instant last = Instant.EPOCH;
    if (pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null) {
      for (var status : pod.getStatus().getContainerStatuses()) {
        if (status.getState() != null
            && status.getState().getTerminated() != null
            && status.getState().getTerminated().getFinishedAt() != null) {
          last = max(last, Instant.parse(status.getState().getTerminated().getFinishedAt()));
        }
      }
    }
    return last;
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static String phase(Pod pod) {
    return pod.getStatus() == null || pod.getStatus().getPhase() == null
        ? "Pending"
        : pod.getStatus().getPhase();
  }

  static Integer index(Pod pod) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(COMPLETION_INDEX);
    try {
      return value == null ? null : Integer.valueOf(value);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static TreeSet<Integer> indexes(List<Pod> pods) {
    TreeSet<Integer> indexes = new TreeSet<>();
    pods.stream().map(JobController::index).filter(Objects::nonNull).forEach(indexes::add);
    return indexes;
  }

  /** {@code 0-2,5}: the completed indexes as Kubernetes writes them. */
  static String ranges(TreeSet<Integer> indexes) {
    List<String> ranges = new ArrayList<>();
    Integer start = null;
    Integer previous = null;
    for (int index : indexes) {
      if (start != null && index == previous + 1) {
        previous = index;
        continue;
      }
      if (start != null) {
        ranges.add(start.equals(previous) ? "" + start : start + "-" + previous);
      }
      start = index;
      previous = index;
    }
    if (start != null) {
      ranges.add(start.equals(previous) ? "" + start : start + "-" + previous);
    }
    return String.join(",", ranges);
  }

  private JobStatusBuilder status(
      Job job,
      Counts pods,
      Instant startTime,
      int active,
      int failed,
      TreeSet<Integer> succeededIndexes) {
    int activeCount = active < 0 ? pods.active().size() : active;
    int ready =
        active == 0
            ? 0
            : (int) pods.active().stream().filter(DeploymentController::isReady).count();
    JobStatusBuilder status =
        new JobStatusBuilder()
            .withStartTime(startTime.toString())
            .withActive(activeCount == 0 ? null : activeCount)
            .withReady(ready)
            .withSucceeded(pods.succeeded().isEmpty() ? null : pods.succeeded().size())
            .withFailed(failed == 0 ? null : failed)
            .withTerminating(0);
    if ("Indexed".equals(job.getSpec().getCompletionMode())) {
      String completed = ranges(succeededIndexes);
      status.withCompletedIndexes(completed.isEmpty() ? null : completed);
    }
    return status;
  }

  /** The interim condition and the final one, both True, after the conditions already there. */
  private static List<JobCondition> conditions(
      JobStatus previous,
      Instant now,
      String interim,
      String reason,
      String message,
      String terminal) {
    List<JobCondition> conditions = new ArrayList<>();
    if (previous.getConditions() != null) {
      conditions.addAll(previous.getConditions());
    }
    for (String type : List.of(interim, terminal)) {
      conditions.add(
          new JobConditionBuilder()
              .withType(type)
              .withStatus("True")
              .withReason(reason)
              .withMessage(message)
              .withLastProbeTime(now.toString())
              .withLastTransitionTime(now.toString())
              .build());
    }
    return conditions;
  }

  private void writeStatus(Job job, JobStatus status) {
    if (Serialization.asJson(status).equals(Serialization.asJson(job.getStatus()))) {
      return;
    }
    try {
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(job.getMetadata().getNamespace())
          .withName(job.getMetadata().getName())
          .subresource("status")
          .patch(
              PatchContext.of(PatchType.JSON),
              Serialization.asJson(
                  List.of(Map.of("op", "add", "path", "/status", "value", status))));
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  private int deleteAll(Job job, List<Pod> pods) {
    for (Pod pod : pods) {
      client
          .pods()
          .inNamespace(pod.getMetadata().getNamespace())
          .withName(pod.getMetadata().getName())
          .delete();
      NodeEvents.record(
          client,
          job,
          "job-controller",
          "Normal",
          "SuccessfulDelete",
          "Deleted pod: " + pod.getMetadata().getName());
    }
    return pods.size();
  }

  /** A pod from the Job's template; {@code index} is null unless the Job is Indexed. */
  Pod create(Job job, Integer index) {
    var template = job.getSpec().getTemplate();
    String name = job.getMetadata().getName();
    String uid = job.getMetadata().getUid();
    Map<String, String> labels = new HashMap<>();
    Map<String, String> annotations = new HashMap<>();
    if (template.getMetadata() != null) {
      if (template.getMetadata().getLabels() != null) {
        labels.putAll(template.getMetadata().getLabels());
      }
      if (template.getMetadata().getAnnotations() != null) {
        annotations.putAll(template.getMetadata().getAnnotations());
      }
    }
    labels.put(CONTROLLER_UID, uid);
    labels.put(LEGACY_CONTROLLER_UID, uid);
    labels.put(JOB_NAME, name);
    labels.put(LEGACY_JOB_NAME, name);
    PodSpec spec = Serialization.clone(template.getSpec());
    if (index != null) {
      labels.put(COMPLETION_INDEX, index.toString());
      annotations.put(COMPLETION_INDEX, index.toString());
      if (spec.getHostname() == null || spec.getHostname().isEmpty()) {
        spec.setHostname(name + "-" + index);
      }
      addIndexEnv(spec.getContainers());
      addIndexEnv(spec.getInitContainers());
    }
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(name + "-" + (index == null ? "" : index + "-") + randomSuffix())
            .withNamespace(job.getMetadata().getNamespace())
            .withLabels(labels)
            .withAnnotations(annotations.isEmpty() ? null : annotations)
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion("batch/v1")
                    .withKind("Job")
                    .withName(name)
                    .withUid(uid)
                    .withController(true)
                    .withBlockOwnerDeletion(true)
                    .build())
            .endMetadata()
            .withSpec(spec)
            .build();
    Pod created =
        client.pods().inNamespace(job.getMetadata().getNamespace()).resource(pod).create();
    NodeEvents.record(
        client,
        job,
        "job-controller",
        "Normal",
        "SuccessfulCreate",
        "Created pod: " + created.getMetadata().getName());
    return created;
  }

  /** As Kubernetes does: {@code JOB_COMPLETION_INDEX} from the pod's annotation. */
  private static void addIndexEnv(List<Container> containers) {
    if (containers == null) {
      return;
    }
    for (Container container : containers) {
      List<EnvVar> env = new ArrayList<>();
      if (container.getEnv() != null) {
        env.addAll(container.getEnv());
      }
      if (env.stream().noneMatch(e -> COMPLETION_INDEX_ENV.equals(e.getName()))) {
        env.add(
            new EnvVarBuilder()
                .withName(COMPLETION_INDEX_ENV)
                .withNewValueFrom()
                .withNewFieldRef()
                .withApiVersion("v1")
                .withFieldPath("metadata.annotations['" + COMPLETION_INDEX + "']")
                .endFieldRef()
                .endValueFrom()
                .build());
      }
      container.setEnv(env);
    }
  }

  private static String randomSuffix() {
    StringBuilder suffix = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      suffix.append(
          SAFE_ALPHABET.charAt(ThreadLocalRandom.current().nextInt(SAFE_ALPHABET.length())));
    }
    return suffix.toString();
  }
}

package io.modelkeeper.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.modelkeeper.e2e.traffic.LabelledTraffic;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The training Job as the operator runs it, on the local cluster:
 *
 * <ul>
 *   <li>an operator killed in the middle of a run (SIGKILL: no shutdown hook, nothing handed over)
 *       and started again resumes the run from what the API server holds: it finds the training Job
 *       it made, makes no second one, and takes the run through its evaluation to its verdict; no
 *       run is lost or doubled. Training is made long enough to outlive the restart by an init
 *       container of the local node's exec image that sleeps 30 s before the reference trainer's
 *       container starts;
 *   <li>with {@code spec.training.parallelism: 2} the training Job is Indexed, with a headless
 *       Service through which worker 1 finds worker 0 by its name ({@code <job>-0.<job>}), as
 *       PyTorch DDP and Horovod launchers do; worker 0 runs the reference trainer once worker 1 has
 *       reported, and the run's result is worker 0's.
 * </ul>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RetrainingJobsE2E {

  private static final String MD = "resume";
  private static final String RUN = "resume-now";
  private static final Duration PATIENCE = Duration.ofMinutes(3);

  static ClusterUnderTest cluster;
  static RetrainingScenario resume;
  static LabelledTraffic traffic;

  @RegisterExtension
  static final ScenarioCluster scenario =
      ScenarioCluster.local("e2e-retraining-jobs-state")
          .describeOnFailure(() -> RetrainingScenario.describe(cluster, MD));

  @BeforeAll
  static void deployAModelThatCapturesLabelledRows() throws Exception {
    cluster = scenario.cluster();
    resume = new RetrainingScenario(cluster, MD);
  }

  @AfterAll
  static void stopTraffic() throws Exception {
    if (traffic != null) {
      traffic.close();
    }
    resume.close();
  }

  @Test
  @Order(1)
  void anOperatorKilledWhileARunTrainsResumesItWithTheSameJob() throws Exception {
    LocalClusterUnderTest local = scenario.local();
    resume.applyAndAwaitReady(
        RetrainingScenario.claims(MD)
            + """
            apiVersion: modelkeeper.io/v1alpha1
            kind: ModelDeployment
            metadata:
              name: %1$s
            spec:
              model:
                version: "1"
                uri: %2$s/logistic-regression/model.onnx
              serving:
                replicas: 1
                gpus: 0
                executionProvider: cpu
              monitoring:
                task: binary-classification
            ---
            apiVersion: modelkeeper.io/v1alpha1
            kind: ModelRetraining
            metadata:
              name: %1$s
            spec:
              modelDeploymentRef: {name: %1$s}
              dataset:
                claimName: %1$s-data
                maxAge: 1h
                minRows: 200
                holdoutFraction: 0.25
              output: {claimName: %1$s-models}
              training:
                mode: incremental
                activeDeadline: 3m
                template:
                  spec:
                    template:
                      spec:
                        initContainers:
                          - name: slow-start
                            image: localhost/modelkeeper-local/exec:1
                            command: [sleep, "30"]
                        containers:
                          - name: trainer
                            image: ghcr.io/modelkeeper/trainer:0.1.0
                            args: [train]
              validation: {metric: accuracy, minImprovement: 0.0}
            """
                .formatted(MD, cluster.modelBaseUrl()));
    traffic = resume.startTraffic(23);
    resume.awaitCapturingPods(1);
    await().atMost(PATIENCE).until(() -> traffic.labelledRows() >= 600);

    resume.createRun(RUN, "retrain now");
    Set<String> phases = new LinkedHashSet<>();
    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              phases.add(phase());
              return "Training".equals(phase()) && trainingJob() != null;
            });
    Job job = trainingJob();
    String uid = job.getMetadata().getUid();

    long killed = local.cluster().operator().pid();
    long restarted = local.cluster().killAndRestartOperator().pid();
    assertThat(restarted).isNotEqualTo(killed);
    assertThat(phase()).as("still training when the new operator is ready").isEqualTo("Training");
    assertThat(trainingJob().getStatus().getSucceeded())
        .as("the training Job still runs when the new operator is ready")
        .isNull();

    GenericKubernetesResource run =
        await()
            .atMost(PATIENCE)
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> {
                  phases.add(phase());
                  return resume.run(RUN);
                },
                r ->
                    List.of("NotBlessed", "RollingOut", "Promoted", "Failed")
                        .contains(String.valueOf(RetrainingScenario.field(r, "status", "phase"))));

    assertThat(phases).as("phases seen").contains("Training", "Evaluating");
    assertThat(RetrainingScenario.field(run, "status", "phase"))
        .as("the run's verdict: %s", RetrainingScenario.field(run, "status", "message"))
        .isIn("NotBlessed", "RollingOut", "Promoted");
    assertThat(RetrainingScenario.field(run, "status", "blessing", "passed")).isNotNull();
    assertThat(trainingJob().getMetadata().getUid()).as("the same training Job").isEqualTo(uid);
    assertThat(jobs("train")).as("training Jobs of the run").hasSize(1);
    assertThat(jobs("evaluate")).as("evaluation Jobs of the run").hasSize(1);
    assertThat(trainingJob().getStatus().getSucceeded()).isEqualTo(1);
    assertThat(trainingJob().getStatus().getFailed()).as("no pod failed or was replaced").isNull();
    assertThat(
            cluster
                .client()
                .pods()
                .inNamespace(resume.namespace())
                .withLabel("job-name", RUN + "-train")
                .list()
                .getItems())
        .as("training pods")
        .hasSize(1);
    assertThat(resume.runs())
        .as("no run lost, none doubled")
        .extracting(r -> r.getMetadata().getName())
        .containsExactly(RUN);
    assertThat(traffic.failed())
        .as("failed client requests out of %d (last: %s)", traffic.sent(), traffic.lastFailure())
        .isZero();
  }

  @Test
  @Order(2)
  void twoWorkersOfAnIndexedJobFindEachOtherAndWorkerZerosResultIsTheRuns() throws Exception {
    LocalClusterUnderTest local = scenario.local();
    String run = MD + "-workers";
    String job = run + "-train";
    // Worker 1 finds worker 0 by name in the pod's hosts file (the local cluster's stand-in for
    // the cluster DNS) and leaves its address on the output claim; worker 0 waits for it, then
    // trains.
    String script =
        """
        if [ "$JOB_COMPLETION_INDEX" = 0 ]; then
          for i in $(seq 60); do
            if [ -s "$MODELKEEPER_OUTPUT_DIR/worker-1" ]; then
              echo "worker 0: worker 1 reported: $(cat "$MODELKEEPER_OUTPUT_DIR/worker-1")"
              exec "$JAVA" -jar "$TRAINER_JAR" train
            fi
            sleep 1
          done
          echo "worker 0: no word from worker 1" >&2; exit 1
        fi
        for i in $(seq 60); do
          address=$(awk '$NF == "%1$s-0.%1$s" {print $1}' "$MODELKEEPER_LOCAL_HOSTS")
          if [ -n "$address" ]; then
            echo "worker $JOB_COMPLETION_INDEX found worker 0 at $address"
            echo "$address" > "$MODELKEEPER_OUTPUT_DIR/worker-1"
            exit 0
          fi
          sleep 1
        done
        echo "worker $JOB_COMPLETION_INDEX: %1$s-0.%1$s never resolved" >&2; exit 1
        """
            .formatted(job);
    String javaBinary = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String jar = local.cluster().layout().trainerJar().toString();
    resume.patchRetraining(
        cluster
            .client()
            .getKubernetesSerialization()
            .asJson(
                Map.of(
                    "spec",
                    Map.of(
                        "training",
                        Map.of(
                            "parallelism",
                            2,
                            "template",
                            Map.of(
                                "spec",
                                Map.of(
                                    "template",
                                    Map.of(
                                        "spec",
                                        Map.of(
                                            "initContainers",
                                            List.of(),
                                            "containers",
                                            List.of(
                                                Map.of(
                                                    "name",
                                                    "trainer",
                                                    "image",
                                                    "localhost/modelkeeper-local/exec:1",
                                                    "command",
                                                    List.of("sh", "-c", script),
                                                    "env",
                                                    List.of(
                                                        Map.of("name", "JAVA", "value", javaBinary),
                                                        Map.of(
                                                            "name",
                                                            "TRAINER_JAR",
                                                            "value",
                                                            jar)))))))))))));
    resume.createRun(run, "two workers");
    GenericKubernetesResource finished = resume.awaitFinished(run, PATIENCE);

    assertThat(RetrainingScenario.field(finished, "status", "phase"))
        .as("the run's verdict: %s", RetrainingScenario.field(finished, "status", "message"))
        .isIn("NotBlessed", "RollingOut", "Promoted");
    assertThat(RetrainingScenario.field(finished, "status", "rows", "training"))
        .as("rows from worker 0's summary")
        .isNotNull();
    Job training =
        cluster.client().batch().v1().jobs().inNamespace(resume.namespace()).withName(job).get();
    assertThat(training.getSpec().getCompletionMode()).isEqualTo("Indexed");
    assertThat(training.getSpec().getCompletions()).isEqualTo(2);
    assertThat(training.getSpec().getParallelism()).isEqualTo(2);
    assertThat(training.getStatus().getSucceeded()).isEqualTo(2);
    assertThat(training.getStatus().getCompletedIndexes()).isEqualTo("0-1");
    var service = cluster.client().services().inNamespace(resume.namespace()).withName(job).get();
    assertThat(service.getSpec().getClusterIP()).isEqualTo("None");
    List<Pod> pods =
        cluster
            .client()
            .pods()
            .inNamespace(resume.namespace())
            .withLabel("job-name", job)
            .list()
            .getItems();
    assertThat(pods).hasSize(2);
    Pod worker0 =
        pods.stream()
            .filter(p -> (job + "-0").equals(p.getSpec().getHostname()))
            .findFirst()
            .orElseThrow();
    Pod worker1 =
        pods.stream()
            .filter(p -> (job + "-1").equals(p.getSpec().getHostname()))
            .findFirst()
            .orElseThrow();
    assertThat(worker1.getSpec().getSubdomain()).isEqualTo(job);
    String said = cluster.kubectl().run("logs", worker1.getMetadata().getName()).orThrow();
    assertThat(said).contains("worker 1 found worker 0 at ");
    String worker0Said = cluster.kubectl().run("logs", worker0.getMetadata().getName()).orThrow();
    assertThat(worker0Said).contains("worker 0: worker 1 reported: ");
  }

  private static String phase() {
    return String.valueOf(RetrainingScenario.field(resume.run(RUN), "status", "phase"));
  }

  private static Job trainingJob() {
    return cluster
        .client()
        .batch()
        .v1()
        .jobs()
        .inNamespace(resume.namespace())
        .withName(RUN + "-train")
        .get();
  }

  private static List<Job> jobs(String step) {
    return cluster
        .client()
        .batch()
        .v1()
        .jobs()
        .inNamespace(resume.namespace())
        .withLabel("modelkeeper.io/run", RUN)
        .list()
        .getItems()
        .stream()
        .filter(j -> step.equals(j.getMetadata().getLabels().get("modelkeeper.io/step")))
        .toList();
  }
}

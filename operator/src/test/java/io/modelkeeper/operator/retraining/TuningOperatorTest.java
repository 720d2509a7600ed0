package io.modelkeeper.operator.retraining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelkeeper.api.v1alpha1.EarlyStoppingSpec;
import io.modelkeeper.api.v1alpha1.MedianStopSpec;
import io.modelkeeper.api.v1alpha1.ModelRetrainingSpec;
import io.modelkeeper.api.v1alpha1.ObjectiveSpec;
import io.modelkeeper.api.v1alpha1.ParameterType;
import io.modelkeeper.api.v1alpha1.RetrainingRun;
import io.modelkeeper.api.v1alpha1.RunPhase;
import io.modelkeeper.api.v1alpha1.TrialState;
import io.modelkeeper.api.v1alpha1.TrialStatus;
import io.modelkeeper.api.v1alpha1.TuningAlgorithm;
import io.modelkeeper.api.v1alpha1.TuningParameter;
import io.modelkeeper.api.v1alpha1.TuningSpec;
import io.modelkeeper.contract.TrainingContract;
import io.modelkeeper.operator.testing.CrdInMockServer;
import io.modelkeeper.operator.testing.TestCluster;
import io.modelkeeper.operator.testing.TestModels;
import io.modelkeeper.operator.testing.TestRetrainings;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Tuning runs through the real operator loop on the mock API server, the test playing the Job
 * controller, the kubelet and the pods' logs: trials start up to parallelTrials with their
 * parameters in status, on the Job and in the environment; a lost status write makes no second Job;
 * crashed trials count as failed and too many fail the run; median stopping deletes a losing
 * trial's Job; the best trial's model is the candidate; an earlier run's trials seed the search.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = CrdInMockServer.class)
class TuningOperatorTest {

  private static final Duration WAIT = RetrainingOperatorTest.WAIT;
  private static final ObjectMapper JSON = new ObjectMapper();

  @KubernetesTestServer KubernetesServer server;

  @Inject KubernetesClient client;

  @Test
  void trialsStartUpToParallelTrialsWithTheirParametersAndTheBestTrialIsTheCandidate()
      throws Exception {
    setUp("tuned", tuning(4, 2, TuningAlgorithm.RANDOM, 1));
    create(TestRetrainings.run("tuned-now", "tuned"));

    Job first = awaitJob("tuned-now-trial-1");
    awaitJob("tuned-now-trial-2");
    awaitTrials("tuned-now", 2);
    assertThat(jobs().job("tuned-now-trial-3")).as("two at a time").isNull();
    assertThat(jobs().job("tuned-now-train")).as("no single training Job").isNull();

    TrialStatus trial = trial("tuned-now", 1);
    assertThat(trial.getState()).isEqualTo(TrialState.Running);
    assertThat(trial.getJob()).isEqualTo("tuned-now-trial-1");
    assertThat(trial.getParameters()).containsOnlyKeys("learning_rate", "hidden_units");
    double rate = Double.parseDouble(trial.getParameters().get("learning_rate"));
    assertThat(rate).isBetween(0.001, 0.1);
    assertThat(trial.getParameters().get("hidden_units")).isIn("8", "16,8");
    assertThat(trial("tuned-now", 2).getParameters()).isNotEqualTo(trial.getParameters());

    Map<String, String> env = env(first.getSpec().getTemplate().getSpec().getContainers().get(0));
    assertThat(env)
        .containsEntry(TrainingContract.TRIAL, "1")
        .containsEntry(
            TrainingContract.PARAM_PREFIX + "LEARNING_RATE",
            trial.getParameters().get("learning_rate"))
        .containsEntry(
            TrainingContract.PARAM_PREFIX + "HIDDEN_UNITS",
            trial.getParameters().get("hidden_units"))
        .containsEntry(TrainingContract.PARAM_PREFIX + "EPOCHS", "5");
    assertThat(JSON.readValue(env.get(TrainingContract.HYPERPARAMETERS), Map.class))
        .containsEntry("epochs", "5")
        .containsEntry("learning_rate", trial.getParameters().get("learning_rate"));
    assertThat(first.getMetadata().getAnnotations().get(RunNames.TRIAL_PARAMETERS))
        .isEqualTo(JSON.writeValueAsString(trial.getParameters()));
    assertThat(first.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getName()).isEqualTo("modelkeeper-output");
              assertThat(m.getSubPath()).isEqualTo("tuned-now/trial-1");
            });

    jobs().succeed("tuned-now-trial-1", summary(0.40));
    awaitJob("tuned-now-trial-3");
    jobs().fail("tuned-now-trial-2", "BackoffLimitExceeded", "loss is NaN");
    awaitJob("tuned-now-trial-4");
    jobs().succeed("tuned-now-trial-3", summary(0.25));
    jobs().succeed("tuned-now-trial-4", summary(0.31));

    Job evaluation = awaitJob("tuned-now-eval");
    assertThat(env(evaluation.getSpec().getTemplate().getSpec().getContainers().get(0)))
        .containsEntry(
            TrainingContract.CANDIDATE_MODEL, "/var/lib/modelkeeper/output/trial-3/model.onnx");
    RetrainingRun run = jobs().runNamed("tuned-now");
    assertThat(run.getStatus().getPhase()).isEqualTo(RunPhase.Evaluating);
    assertThat(run.getStatus().getBest().getTrial()).isEqualTo(3);
    assertThat(run.getStatus().getBest().getObjective()).isEqualTo(0.25);
    assertThat(run.getStatus().getTrialProgress()).isEqualTo("4/4");
    assertThat(run.getStatus().getCandidate().getUri())
        .isEqualTo("pvc://fraud-models/tuned-now/trial-3/model.onnx");
    assertThat(run.getStatus().getRows().getTraining()).isEqualTo(1600L);
    assertThat(trial("tuned-now", 2).getState()).isEqualTo(TrialState.Failed);
    assertThat(trial("tuned-now", 2).getMessage()).contains("TrainingFailed", "loss is NaN");

    jobs().succeed("tuned-now-eval", RetrainingOperatorTest.BLESSED);
    awaitPhase("tuned-now", RunPhase.RollingOut);
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(jobs().retrainingNamed("tuned").getStatus().getCandidate().getUri())
                    .isEqualTo("pvc://fraud-models/tuned-now/trial-3/model.onnx"));
    assertThat(new TestCluster(client).events("tuned-now")).contains("NewBestTrial", "BestTrial");
    assertThat(new TestCluster(client).events("tuned")).contains("BestTrial");
  }

  @Test
  void aLostStatusWriteMakesNoSecondJobNorChangesTheParameters() {
    setUp("restart", tuning(3, 2, TuningAlgorithm.RANDOM, 1));
    create(TestRetrainings.run("restart-now", "restart"));
    String one = awaitJob("restart-now-trial-1").getMetadata().getUid();
    String two = awaitJob("restart-now-trial-2").getMetadata().getUid();
    awaitTrials("restart-now", 2);
    Map<String, String> parameters = trial("restart-now", 2).getParameters();

    // As an operator that made the Jobs and stopped before writing the status finds them.
    client
        .resources(RetrainingRun.class)
        .inNamespace(TestModels.NAMESPACE)
        .withName("restart-now")
        .editStatus(
            run -> {
              run.getStatus().setTrials(null);
              return run;
            });
    awaitTrials("restart-now", 2);
    assertThat(trial("restart-now", 2).getParameters()).isEqualTo(parameters);
    assertThat(trialJobs("restart-now"))
        .extracting(j -> j.getMetadata().getUid())
        .containsExactlyInAnyOrder(one, two);
  }

  @Test
  void moreFailedTrialsThanAllowedFailTheRunAndLeaveServingAlone() {
    setUp("crashy", tuning(5, 2, TuningAlgorithm.RANDOM, 1));
    create(TestRetrainings.run("crashy-now", "crashy"));
    awaitJob("crashy-now-trial-1");
    awaitJob("crashy-now-trial-2");
    jobs().fail("crashy-now-trial-1", "BackoffLimitExceeded", "segfault in the data loader");
    awaitJob("crashy-now-trial-3");
    jobs().fail("crashy-now-trial-2", "DeadlineExceeded", "");

    awaitPhase("crashy-now", RunPhase.Failed);
    RetrainingRun run = jobs().runNamed("crashy-now");
    assertThat(run.getStatus().getMessage())
        .startsWith(Trials.TRIALS_FAILED)
        .contains("2 trials failed, more than tuning.maxFailedTrials 1")
        .contains("DeadlineExceeded")
        .contains("serving is untouched");
    assertThat(trial("crashy-now", 1).getMessage()).contains("segfault in the data loader");
    assertThat(trial("crashy-now", 3).getState()).isEqualTo(TrialState.Failed);
    await().atMost(WAIT).until(() -> jobs().job("crashy-now-trial-3") == null);
    assertThat(jobs().job("crashy-now-eval")).isNull();
    assertThat(jobs().retrainingNamed("crashy").getStatus().getCandidate()).isNull();
    assertThat(new TestCluster(client).model("crashy").getSpec().getModel().getVersion())
        .isEqualTo("1");
  }

  @Test
  void medianStoppingDeletesALosingTrialsJobAndMarksItStoppedEarly() {
    setUp(
        "median",
        tuning(3, 1, TuningAlgorithm.RANDOM, 1)
            .andThen(
                spec -> {
                  MedianStopSpec rule = new MedianStopSpec();
                  rule.setMinTrials(1);
                  rule.setStartStep(2);
                  EarlyStoppingSpec early = new EarlyStoppingSpec();
                  early.setMedianStop(rule);
                  spec.getTuning().setEarlyStopping(early);
                }));
    create(TestRetrainings.run("median-now", "median"));
    awaitJob("median-now-trial-1");
    log("median-now-trial-1-a", curve(0.5, 0.4, 0.3));
    jobs().running("median-now-trial-1", "median-now-trial-1-a");
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(trial("median-now", 1).getStep()).isEqualTo(3));
    jobs().succeed("median-now-trial-1", summary(0.3));

    awaitJob("median-now-trial-2");
    log("median-now-trial-2-a", curve(0.9, 0.8, 0.7));
    jobs().running("median-now-trial-2", "median-now-trial-2-a");
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> assertThat(trial("median-now", 2).getState()).isEqualTo(TrialState.StoppedEarly));
    TrialStatus stopped = trial("median-now", 2);
    assertThat(stopped.getObjective()).as("its best so far").isEqualTo(0.7);
    assertThat(stopped.getMessage()).contains("stopped early at step 3");
    assertThat(trial("median-now", 1).getCurve()).containsOnlyKeys("1", "2", "3");
    await().atMost(WAIT).until(() -> jobs().job("median-now-trial-2") == null);
    awaitJob("median-now-trial-3");
  }

  @Test
  void anEarlierRunsTrialsSeedTheNextRunsSearch() {
    setUp(
        "seeded",
        tuning(2, 1, TuningAlgorithm.GRID, 0)
            .andThen(
                spec ->
                    spec.getTuning()
                        .setParameters(
                            List.of(categorical("hidden_units", "4", "8", "16", "32")))));
    create(TestRetrainings.run("seeded-a", "seeded"));
    awaitJob("seeded-a-trial-1");
    jobs().succeed("seeded-a-trial-1", summary(0.5));
    awaitJob("seeded-a-trial-2");
    jobs().succeed("seeded-a-trial-2", summary(0.4));
    awaitJob("seeded-a-eval");
    jobs().succeed("seeded-a-eval", RetrainingOperatorTest.NOT_BLESSED);
    awaitPhase("seeded-a", RunPhase.NotBlessed);
    List<String> first =
        jobs().runNamed("seeded-a").getStatus().getTrials().stream()
            .map(t -> t.getParameters().get("hidden_units"))
            .toList();

    create(TestRetrainings.run("seeded-b", "seeded"));
    awaitJob("seeded-b-trial-1");
    awaitTrials("seeded-b", 1);
    String next = trial("seeded-b", 1).getParameters().get("hidden_units");
    assertThat(first).hasSize(2).doesNotHaveDuplicates();
    assertThat(next).as("the grid goes on where run a left it").isNotIn(first);
  }

  @Test
  void anInvalidTuningSpecSaysWhichFieldAndStartsNothing() {
    // The mock API server applies no schema: the operator's own checks speak.
    setUp(
        "invalid",
        tuning(2, 3, TuningAlgorithm.RANDOM, 0)
            .andThen(spec -> spec.getTuning().getParameters().get(0).setMin(0.0)));
    create(TestRetrainings.run("invalid-now", "invalid"));
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> assertThat(new TestCluster(client).events("invalid")).contains("InvalidSpec"));
    var ready =
        jobs().retrainingNamed("invalid").getStatus().getConditions().stream()
            .filter(c -> c.getType().equals("Ready"))
            .findFirst()
            .orElseThrow();
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("InvalidSpec");
    assertThat(ready.getMessage())
        .contains("spec.tuning.parallelTrials")
        .contains("spec.tuning.parameters[0].min: a logUniform parameter needs min above 0");
    assertThat(trialJobs("invalid-now")).isEmpty();
  }

  private Consumer<ModelRetrainingSpec> tuning(
      int trials, int parallel, TuningAlgorithm algorithm, int maxFailed) {
    return spec -> {
      spec.getTraining().setHyperparameters(Map.of("epochs", "5"));
      TuningSpec tuning = new TuningSpec();
      tuning.setAlgorithm(algorithm);
      tuning.setTrials(trials);
      tuning.setParallelTrials(parallel);
      tuning.setMaxFailedTrials(maxFailed);
      tuning.setSeed(7L);
      ObjectiveSpec objective = new ObjectiveSpec();
      objective.setMetric("val_loss");
      tuning.setObjective(objective);
      TuningParameter rate = new TuningParameter();
      rate.setName("learning_rate");
      rate.setType(ParameterType.LOG_UNIFORM);
      rate.setMin(0.001);
      rate.setMax(0.1);
      tuning.setParameters(List.of(rate, categorical("hidden_units", "8", "16,8")));
      spec.setTuning(tuning);
    };
  }

  private static TuningParameter categorical(String name, String... values) {
    TuningParameter parameter = new TuningParameter();
    parameter.setName(name);
    parameter.setType(ParameterType.CATEGORICAL);
    parameter.setValues(List.of(values));
    return parameter;
  }

  /** A trainer's summary with its final val_loss. */
  private static String summary(double valLoss) {
    return "{\"sha256\":\""
        + "ab".repeat(32)
        + "\",\"rows\":{\"training\":1600,\"heldOut\":400},\"metrics\":{\"val_loss\":"
        + valLoss
        + "}}";
  }

  /** Metric lines of val_loss, one per step from 1, among other output. */
  private static String curve(double... values) {
    StringBuilder log = new StringBuilder("reading rows\n");
    for (int step = 1; step <= values.length; step++) {
      log.append("modelkeeper.metric {\"step\":")
          .append(step)
          .append(",\"name\":\"train_loss\",\"value\":0.1}\n")
          .append("modelkeeper.metric {\"step\":")
          .append(step)
          .append(",\"name\":\"val_loss\",\"value\":")
          .append(values[step - 1])
          .append("}\n");
    }
    return log.toString();
  }

  /** The pod log API serves {@code text} as pod {@code pod}'s trainer log tail. */
  private void log(String pod, String text) {
    server
        .expect()
        .get()
        .withPath(
            "/api/v1/namespaces/"
                + TestModels.NAMESPACE
                + "/pods/"
                + pod
                + "/log?pretty=false&container=trainer&tailLines="
                + PodLogs.TAIL_LINES
                + "&limitBytes="
                + PodLogs.TAIL_BYTES)
        .andReturn(200, text)
        .always();
  }

  private void setUp(String name, Consumer<ModelRetrainingSpec> change) {
    create(TestModels.model(name, "1"));
    create(TestRetrainings.retraining(name, name, change));
  }

  private TrialStatus trial(String run, int index) {
    return jobs().runNamed(run).getStatus().getTrials().stream()
        .filter(t -> t.getIndex() == index)
        .findFirst()
        .orElseThrow();
  }

  private List<Job> trialJobs(String run) {
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(TestModels.NAMESPACE)
        .withLabel(RunNames.RUN, run)
        .list()
        .getItems();
  }

  private void awaitTrials(String run, int count) {
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> assertThat(jobs().runNamed(run).getStatus().getTrials()).hasSize(count));
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
            Collectors.toMap(
                EnvVar::getName, e -> e.getValue() == null ? "" : e.getValue(), (a, b) -> b));
  }

  private void create(io.fabric8.kubernetes.api.model.HasMetadata object) {
    client.resource(object).create();
  }

  private TestRetrainings jobs() {
    return new TestRetrainings(client);
  }
}

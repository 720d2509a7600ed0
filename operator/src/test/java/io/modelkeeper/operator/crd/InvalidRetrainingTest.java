package io.modelkeeper.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.api.v1alpha1.ModelRetraining;
import io.modelkeeper.api.v1alpha1.RetrainingRun;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the committed ModelRetraining and RetrainingRun CRDs refuse, as an API server would, each
 * with a message naming the field.
 */
class InvalidRetrainingTest {

  private static final CrdValidator RETRAINING =
      new CrdValidator(GeneratedCrd.committed(ModelRetraining.class));
  private static final CrdValidator RUN =
      new CrdValidator(GeneratedCrd.committed(RetrainingRun.class));

  private static final String REQUIRED =
      """
      modelDeploymentRef: {name: fraud}
      dataset: {claimName: fraud-data}
      output: {claimName: fraud-models}
      """;

  @Test
  void theExampleOfTheDocsIsValid() {
    assertThat(
            RETRAINING.validate(
                retraining(
                    "fraud",
                    REQUIRED
                        + """
                        triggers:
                          schedule: "0 3 * * 0"
                          onDegraded: [AccuracyBelowSlo, DriftAboveSlo]
                          newLabelledRows: 50000
                        guards: {cooldown: 6h, maxRunsPerDay: 4, maxConsecutiveFailures: 3}
                        training:
                          mode: incremental
                          activeDeadline: 1h
                          hyperparameters: {learning_rate: "0.05"}
                          template: {spec: {template: {spec: {containers: [{name: trainer, image: t}]}}}}
                        tuning:
                          algorithm: tpe
                          trials: 12
                          parallelTrials: 3
                          maxFailedTrials: 2
                          seed: 42
                          objective: {metric: val_loss, direction: minimize}
                          parameters:
                            - {name: learning_rate, type: logUniform, min: 0.0001, max: 0.1}
                            - {name: epochs, type: integer, min: 5, max: 60}
                            - {name: l2, type: uniform, min: 0, max: 0.01}
                            - {name: hidden_units, type: categorical, values: ["16", "32,16"]}
                          earlyStopping: {medianStop: {minTrials: 3, startStep: 5}}
                        validation: {metric: accuracy, minValue: 0.8, minImprovement: 0.0}
                        rollout: manual
                        historyLimit: 10
                        """)))
        .isEmpty();
    assertThat(RUN.validate(run("fraud-r3", "retrainingRef: {name: fraud}\ntrigger: Manual")))
        .isEmpty();
  }

  @Test
  void theTuningExampleOfTheDocsIsValid() throws java.io.IOException {
    String page = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "tuning.md"));
    int start = page.indexOf("```yaml\n") + "```yaml\n".length();
    String example = page.substring(start, page.indexOf("```", start));
    assertThat(example).contains("kind: ModelRetraining", "tuning:");
    assertThat(RETRAINING.validate(example)).isEmpty();
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of(
            "no dataset",
            "modelDeploymentRef: {name: fraud}\noutput: {claimName: m}",
            "required property 'dataset'"),
        Arguments.of(
            "unknown degraded reason",
            REQUIRED + "triggers: {onDegraded: [Sad]}",
            "triggers.onDegraded"),
        Arguments.of(
            "weeks", REQUIRED + "guards: {cooldown: 1w}", "$.spec.guards.cooldown: does not match"),
        Arguments.of(
            "no runs a day",
            REQUIRED + "guards: {maxRunsPerDay: 0}",
            "$.spec.guards.maxRunsPerDay"),
        Arguments.of(
            "hold out everything",
            REQUIRED + "dataset: {claimName: d, holdoutFraction: 1.0}",
            "holdoutFraction"),
        Arguments.of(
            "an output with both a claim and a bucket",
            "modelDeploymentRef: {name: fraud}\ndataset: {claimName: d}\n"
                + "output: {claimName: m, uri: 's3://models/fraud/'}",
            "set exactly one of output.claimName and output.uri"),
        Arguments.of(
            "an output with neither",
            "modelDeploymentRef: {name: fraud}\ndataset: {claimName: d}\noutput: {}",
            "set exactly one of output.claimName and output.uri"),
        Arguments.of(
            "an output uri that is not an s3 prefix",
            "modelDeploymentRef: {name: fraud}\ndataset: {claimName: d}\n"
                + "output: {uri: 'https://models.example.com/fraud/'}",
            "$.spec.output.uri: does not match"),
        Arguments.of(
            "an output Secret for a claim",
            "modelDeploymentRef: {name: fraud}\ndataset: {claimName: d}\n"
                + "output: {claimName: m, credentialsSecret: keys}",
            "output.s3 and output.credentialsSecret are for an s3:// output.uri only"),
        Arguments.of(
            "a dataset with both a claim and a bucket",
            "modelDeploymentRef: {name: fraud}\noutput: {claimName: m}\n"
                + "dataset: {claimName: d, uri: 's3://datasets/fraud/'}",
            "set exactly one of dataset.claimName and dataset.uri"),
        Arguments.of(
            "a dataset with neither",
            "modelDeploymentRef: {name: fraud}\noutput: {claimName: m}\ndataset: {minRows: 10}",
            "set exactly one of dataset.claimName and dataset.uri"),
        Arguments.of(
            "a dataset uri that is not an s3 prefix",
            "modelDeploymentRef: {name: fraud}\noutput: {claimName: m}\n"
                + "dataset: {uri: 's3://datasets/fraud'}",
            "$.spec.dataset.uri: does not match"),
        Arguments.of(
            "a dataset Secret for a claim",
            "modelDeploymentRef: {name: fraud}\noutput: {claimName: m}\n"
                + "dataset: {claimName: d, credentialsSecret: keys}",
            "dataset.s3 and dataset.credentialsSecret are for an s3:// dataset.uri only"),
        Arguments.of(
            "a download size that is not a quantity",
            "modelDeploymentRef: {name: fraud}\noutput: {claimName: m}\n"
                + "dataset: {uri: 's3://datasets/fraud/', maxDownloadSize: lots}",
            "$.spec.dataset.maxDownloadSize: does not match"),
        Arguments.of("mode", REQUIRED + "training: {mode: partial}", "$.spec.training.mode"),
        Arguments.of("rollout", REQUIRED + "rollout: sometimes", "$.spec.rollout"),
        Arguments.of(
            "more parallel trials than trials",
            REQUIRED + TUNING + "  trials: 2\n  parallelTrials: 3\n",
            "tuning.parallelTrials: at most tuning.trials"),
        Arguments.of("too many trials", REQUIRED + TUNING + "  trials: 101\n", "trials"),
        Arguments.of("unknown algorithm", REQUIRED + TUNING + "  algorithm: bayes\n", "algorithm"),
        Arguments.of(
            "min above max",
            REQUIRED + TUNING_WITH + "{name: lr, type: uniform, min: 1.0, max: 0.5}]",
            "tuning.parameters[].min, max"),
        Arguments.of(
            "log of zero",
            REQUIRED + TUNING_WITH + "{name: lr, type: logUniform, min: 0.0, max: 0.5}]",
            "a logUniform parameter needs min above 0"),
        Arguments.of(
            "no categories",
            REQUIRED + TUNING_WITH + "{name: units, type: categorical}]",
            "a categorical parameter needs at least one value"),
        Arguments.of(
            "a name twice",
            REQUIRED
                + TUNING_WITH
                + "{name: lr, type: uniform, min: 0, max: 1}, {name: lr, type: uniform, min: 0,"
                + " max: 1}]",
            "each parameter is named once"),
        Arguments.of(
            "a name no variable takes",
            REQUIRED + TUNING_WITH + "{name: learning-rate, type: uniform, min: 0, max: 1}]",
            "name"));
  }

  private static final String TUNING =
      """
      tuning:
        objective: {metric: val_loss}
        parameters: [{name: lr, type: uniform, min: 0.001, max: 0.1}]
      """;

  private static final String TUNING_WITH =
      "tuning:\n  objective: {metric: val_loss}\n  parameters: [";

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void refused(String what, String spec, String message) {
    assertThat(RETRAINING.validate(retraining("fraud", spec)))
        .anySatisfy(m -> assertThat(m).contains(message));
  }

  @Test
  void anOutputInABucketIsValid() {
    assertThat(
            RETRAINING.validate(
                retraining(
                    "fraud",
                    """
                    modelDeploymentRef: {name: fraud}
                    dataset: {claimName: fraud-data}
                    output:
                      uri: s3://models/fraud/retrained/
                      credentialsSecret: retrained-writer
                      s3: {endpoint: "https://minio.storage.svc:9000", pathStyle: true}
                    """)))
        .isEmpty();
  }

  @Test
  void aDatasetInABucketIsValid() {
    assertThat(
            RETRAINING.validate(
                retraining(
                    "fraud",
                    """
                    modelDeploymentRef: {name: fraud}
                    dataset:
                      uri: s3://datasets/fraud/capture/
                      credentialsSecret: dataset-keys
                      s3: {endpoint: "https://minio.storage.svc:9000", pathStyle: true}
                      maxDownloadSize: 8Gi
                      maxAge: 14d
                    output: {uri: s3://models/fraud/retrained/}
                    """)))
        .isEmpty();
  }

  @Test
  void namesLeaveRoomForRunsAndJobs() {
    assertThat(RETRAINING.validate(retraining("a".repeat(41), REQUIRED)))
        .anySatisfy(m -> assertThat(m).contains("at most 40 characters"));
    assertThat(RUN.validate(run("r".repeat(51), "retrainingRef: {name: fraud}")))
        .anySatisfy(m -> assertThat(m).contains("at most 50 characters"));
  }

  private static String retraining(String name, String spec) {
    return "apiVersion: modelkeeper.io/v1alpha1\nkind: ModelRetraining\nmetadata:\n  name: "
        + name
        + "\nspec:\n"
        + spec.indent(2);
  }

  private static String run(String name, String spec) {
    return "apiVersion: modelkeeper.io/v1alpha1\nkind: RetrainingRun\nmetadata:\n  name: "
        + name
        + "\nspec:\n"
        + spec.indent(2);
  }
}

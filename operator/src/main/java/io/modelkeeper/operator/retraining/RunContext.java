package io.modelkeeper.operator.retraining;

import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelRetraining;
import io.modelkeeper.api.v1alpha1.OutputSpec;
import io.modelkeeper.api.v1alpha1.RetrainingRun;
import io.modelkeeper.contract.TrainingContract;
import io.modelkeeper.operator.workload.ModelVersion;

/**
 * Everything a run's pods are made from: the ModelRetraining, the run and its number, the
 * ModelDeployment and the serving model file the run starts from.
 *
 * @param serving the file the ModelDeployment serves (or, before it serves one, the spec's): the
 *     warm start of incremental training and the evaluator's rival
 * @param trial the trial of a tuning run whose model is the candidate; null without tuning
 */
public record RunContext(
    ModelRetraining retraining,
    RetrainingRun run,
    long number,
    ModelDeployment md,
    ModelVersion serving,
    Integer trial) {

  public RunContext(
      ModelRetraining retraining,
      RetrainingRun run,
      long number,
      ModelDeployment md,
      ModelVersion serving) {
    this(retraining, run, number, md, serving, null);
  }

  /** The same run, its candidate being trial {@code index}'s model. */
  public RunContext withTrial(int index) {
    return new RunContext(retraining, run, number, md, serving, index);
  }

  /** Where the candidate is inside the run's output directory: its root, or the trial's. */
  public String candidateDir() {
    return trial == null ? "" : RunNames.trialDir(trial) + "/";
  }

  public String namespace() {
    return retraining.getMetadata().getNamespace();
  }

  public String runName() {
    return run.getMetadata().getName();
  }

  /** The candidate's uri: where the run's training pod writes model.onnx. */
  public String candidateUri() {
    return outputRoot() + runName() + "/" + candidateDir() + TrainingContract.MODEL_FILE;
  }

  /** True when the runs write to an s3:// prefix (spec.output.uri) rather than a claim. */
  public boolean outputInBucket() {
    return retraining.getSpec().getOutput().getUri() != null;
  }

  /**
   * Where a directory {@code dir} of the run's output lives in the store: {@code
   * s3://bucket/prefix/<dir>/}.
   */
  public String outputUri(String dir) {
    return outputRoot() + dir + "/";
  }

  private String outputRoot() {
    OutputSpec output = retraining.getSpec().getOutput();
    return output.getUri() != null ? output.getUri() : "pvc://" + output.getClaimName() + "/";
  }
}

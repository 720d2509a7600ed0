package io.modelkeeper.operator.retraining;

import io.modelkeeper.api.v1alpha1.ModelRetraining;

/**
 * Names and labels of what a run makes, derived from the run's name alone, so that a restarted
 * operator finds the Jobs it made and never makes a second one.
 */
public final class RunNames {

  /** Label of every object made for a ModelRetraining: its name. */
  public static final String RETRAINING = "modelkeeper.io/retraining";

  /** Label of a run's Jobs, their pods and its headless Service: the run's name. */
  public static final String RUN = "modelkeeper.io/run";

  /** Label of a Job's pods: the Job's name, set by the operator so any cluster keeps it. */
  public static final String JOB = "modelkeeper.io/job";

  /** Label saying which step a Job is: train or evaluate. */
  public static final String STEP = "modelkeeper.io/step";

  /** Label of a trial's Job and pods: the trial's index. */
  public static final String TRIAL = "modelkeeper.io/trial";

  /** Annotation of a trial's Job: its parameters as a JSON object, read back after a restart. */
  public static final String TRIAL_PARAMETERS = "modelkeeper.io/trial-parameters";

  /** Annotation that approves the candidate of the named run when spec.rollout is manual. */
  public static final String APPROVE = "modelkeeper.io/approve";

  /** Annotation whose new value resets the consecutive-failures count. */
  public static final String RESET_FAILURES = "modelkeeper.io/reset-failures";

  private RunNames() {}

  /** The name of a triggered run: {@code <retraining>-r<number>}. */
  public static String run(ModelRetraining retraining, long number) {
    return retraining.getMetadata().getName() + "-r" + number;
  }

  /** The training Job of a run, and its headless Service when it is Indexed. */
  public static String trainingJob(String run) {
    return run + "-train";
  }

  /** The Job of trial {@code index} of a tuning run, and its headless Service when Indexed. */
  public static String trialJob(String run, int index) {
    return run + "-trial-" + index;
  }

  /** The output directory of trial {@code index}, inside the run's. */
  public static String trialDir(int index) {
    return "trial-" + index;
  }

  /** The evaluation Job of a run. */
  public static String evaluationJob(String run) {
    return run + "-eval";
  }

  /** The version a candidate is served as: {@code <base version>-r<number>}. */
  public static String version(String baseVersion, long number) {
    return baseVersion + "-r" + number;
  }
}

package io.modelkeeper.contract;

/**
 * What a training or evaluation pod is given and what it leaves behind (DESIGN §9): the environment
 * the operator sets, the metric lines it reads from the pod's log, and the files it reads from the
 * output directory. Any training image follows it; the reference trainer does.
 */
public final class TrainingContract {

  /** Directory of finished {@code *.jsonl} dataset-capture files, mounted read-only. */
  public static final String DATASET_DIR = "MODELKEEPER_DATASET_DIR";

  /** Fraction of rows kept out of training, chosen by {@link Holdout}; {@code 0} to {@code 1}. */
  public static final String HOLDOUT_FRACTION = "MODELKEEPER_HOLDOUT_FRACTION";

  /** The serving model's file: the warm start of incremental training and the evaluator's rival. */
  public static final String BASE_MODEL = "MODELKEEPER_BASE_MODEL";

  /** {@code full} or {@code incremental}. */
  public static final String TRAINING_MODE = "MODELKEEPER_TRAINING_MODE";

  /** Where the pod writes its result files; one directory per run (and per trial). */
  public static final String OUTPUT_DIR = "MODELKEEPER_OUTPUT_DIR";

  /**
   * With spec.output.uri, the s3:// prefix of the run's (or trial's) own results, ending with '/':
   * the trainer container uploads the files of {@link #OUTPUT_DIR} there. Unset with a claim.
   */
  public static final String OUTPUT_URI = "MODELKEEPER_OUTPUT_URI";

  /** Where spec.output.credentialsSecret is mounted into the trainer container, when it is set. */
  public static final String OUTPUT_CREDENTIALS_DIR = "MODELKEEPER_OUTPUT_CREDENTIALS_DIR";

  /**
   * {@code binary-classification}, {@code multiclass-classification} or {@code regression}, the
   * names of the ModelDeployment's {@code spec.quality.task}.
   */
  public static final String TASK = "MODELKEEPER_TASK";

  /** Rows captured longer ago than this ISO-8601 duration ({@code PT720H}) are not used. */
  public static final String MAX_ROW_AGE = "MODELKEEPER_MAX_ROW_AGE";

  /** The run's name, for logs and file names. */
  public static final String RUN = "MODELKEEPER_RUN";

  /** The trial's number within a tuned run; {@code 0} when the run is not tuned. */
  public static final String TRIAL = "MODELKEEPER_TRIAL";

  /** Every hyperparameter of the trial as one JSON object. */
  public static final String HYPERPARAMETERS = "MODELKEEPER_HYPERPARAMETERS";

  /** Prefix of one variable per hyperparameter, the name upper-cased: {@code ..._LEARNING_RATE}. */
  public static final String PARAM_PREFIX = "MODELKEEPER_PARAM_";

  /** Seed of every random choice of the trainer, so a run can be repeated. */
  public static final String SEED = "MODELKEEPER_SEED";

  /** The evaluator: the candidate's model file. */
  public static final String CANDIDATE_MODEL = "MODELKEEPER_CANDIDATE_MODEL";

  /** The evaluator: the figure that decides ({@code accuracy}, {@code auc}, {@code rmse}, ...). */
  public static final String VALIDATION_METRIC = "MODELKEEPER_VALIDATION_METRIC";

  /** The evaluator: the least value of the figure a candidate must reach. */
  public static final String VALIDATION_MIN_VALUE = "MODELKEEPER_VALIDATION_MIN_VALUE";

  /** The evaluator: how much the candidate must beat the serving model by. */
  public static final String VALIDATION_MIN_IMPROVEMENT = "MODELKEEPER_VALIDATION_MIN_IMPROVEMENT";

  /**
   * Start of a per-step metric line on stdout, followed by a space and a JSON object: {@code
   * modelkeeper.metric {"step":3,"name":"val_loss","value":0.41}}.
   */
  public static final String METRIC_LINE_PREFIX = "modelkeeper.metric";

  /**
   * The per-step metrics of a run in its output directory: the JSON objects of its metric lines,
   * one a line, written as training goes.
   */
  public static final String METRICS_LOG_FILE = "metrics.jsonl";

  /** The trained model, with the base model's input and output names, types and shapes. */
  public static final String MODEL_FILE = "model.onnx";

  /** Hex sha256 of {@link #MODEL_FILE}, the file's only content. */
  public static final String MODEL_SHA256_FILE = "model.onnx.sha256";

  /** Drift reference statistics of the training rows, the format the model server reads. */
  public static final String REFERENCE_FILE = "reference.json";

  /** Final figures of a training run: a JSON object of name to number. */
  public static final String METRICS_FILE = "metrics.json";

  /** The evaluator's verdict: figures of both models, delta, passed, reason. */
  public static final String BLESSING_FILE = "blessing.json";

  /** Where a pod writes its short JSON summary; Kubernetes shows it as the termination message. */
  public static final String TERMINATION_LOG = "/dev/termination-log";

  /**
   * Overrides {@link #TERMINATION_LOG} where there is no such file (a laptop, a test, the local
   * cluster's node simulator); the reference trainer honours it.
   */
  public static final String TERMINATION_LOG_PATH = "MODELKEEPER_TERMINATION_LOG";

  /** Kubernetes keeps at most this many bytes of a termination message. */
  public static final int TERMINATION_MESSAGE_MAX_BYTES = 4096;

  private TrainingContract() {}
}

package io.modelkeeper.operator.retraining;

import static io.modelkeeper.contract.TrainingContract.BASE_MODEL;
import static io.modelkeeper.contract.TrainingContract.CANDIDATE_MODEL;
import static io.modelkeeper.contract.TrainingContract.DATASET_DIR;
import static io.modelkeeper.contract.TrainingContract.HOLDOUT_FRACTION;
import static io.modelkeeper.contract.TrainingContract.HYPERPARAMETERS;
import static io.modelkeeper.contract.TrainingContract.MAX_ROW_AGE;
import static io.modelkeeper.contract.TrainingContract.MODEL_FILE;
import static io.modelkeeper.contract.TrainingContract.OUTPUT_DIR;
import static io.modelkeeper.contract.TrainingContract.OUTPUT_URI;
import static io.modelkeeper.contract.TrainingContract.PARAM_PREFIX;
import static io.modelkeeper.contract.TrainingContract.RUN;
import static io.modelkeeper.contract.TrainingContract.SEED;
import static io.modelkeeper.contract.TrainingContract.TASK;
import static io.modelkeeper.contract.TrainingContract.TERMINATION_LOG;
import static io.modelkeeper.contract.TrainingContract.TERMINATION_LOG_PATH;
import static io.modelkeeper.contract.TrainingContract.TRAINING_MODE;
import static io.modelkeeper.contract.TrainingContract.TRIAL;
import static io.modelkeeper.contract.TrainingContract.VALIDATION_METRIC;
import static io.modelkeeper.contract.TrainingContract.VALIDATION_MIN_IMPROVEMENT;
import static io.modelkeeper.contract.TrainingContract.VALIDATION_MIN_VALUE;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpec;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelkeeper.api.v1alpha1.Durations;
import io.modelkeeper.api.v1alpha1.ModelRetrainingSpec;
import io.modelkeeper.api.v1alpha1.MonitoringSpec;
import io.modelkeeper.api.v1alpha1.OutputSpec;
import io.modelkeeper.api.v1alpha1.ValidationSpec;
import io.modelkeeper.contract.TrainingContract;
import io.modelkeeper.operator.config.OperatorConfig;
import io.modelkeeper.operator.workload.ModelServerDeployment;
import io.modelkeeper.operator.workload.ModelSource;
import io.modelkeeper.operator.workload.ModelStorage;
import io.modelkeeper.operator.workload.ModelVersion;
import io.modelkeeper.operator.workload.Ownership;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The training and evaluation Jobs of a run: the user's template (or the reference trainer) with
 * the operator's volumes, the training-pod contract's environment, deadline, retries, labels and
 * owner merged in. Nothing the user wrote is dropped; where both set a value the operator needs
 * (the deadline, the retries, an environment variable of the contract), the operator's wins.
 */
public final class TrainingJobs {

  public static final String TRAIN = "train";
  public static final String EVALUATE = "evaluate";

  /** Name of the reference trainer's container, and of the one the operator reads first. */
  public static final String TRAINER_CONTAINER = "trainer";

  public static final String FETCH_CONTAINER = "modelkeeper-fetch-base-model";

  /** With spec.output.uri: fetches the candidate from the store into the evaluation pod. */
  public static final String FETCH_CANDIDATE_CONTAINER = "modelkeeper-fetch-candidate";

  static final String OUTPUT_CREDENTIALS_VOLUME = "modelkeeper-output-credentials";
  static final String OUTPUT_CREDENTIALS_DIR = "/var/run/modelkeeper/" + OUTPUT_CREDENTIALS_VOLUME;
  static final String CANDIDATE_VOLUME = "modelkeeper-candidate";
  public static final String CANDIDATE_MOUNT = "/var/lib/modelkeeper/candidate";
  static final String DATASET_VOLUME = "modelkeeper-dataset";
  static final String OUTPUT_VOLUME = "modelkeeper-output";
  static final String BASE_VOLUME = "modelkeeper-base-model";
  static final String TMP_VOLUME = "modelkeeper-tmp";
  public static final String DATASET_MOUNT = "/var/lib/modelkeeper/dataset";
  public static final String OUTPUT_MOUNT = "/var/lib/modelkeeper/output";
  public static final String BASE_MOUNT = "/var/lib/modelkeeper/base";

  private static final ObjectMapper JSON = new ObjectMapper();

  private TrainingJobs() {}

  /** The training Job of the run. */
  public static Job training(RunContext run, OperatorConfig config) {
    return training(
        run,
        config,
        RunNames.trainingJob(run.runName()),
        run.runName(),
        0,
        run.retraining().getSpec().getTraining().getHyperparameters());
  }

  /**
   * A training Job named {@code name} writing into {@code outputDir} of the output claim, as trial
   * {@code trial} (0 outside tuning) with {@code parameters}.
   */
  static Job training(
      RunContext run,
      OperatorConfig config,
      String name,
      String outputDir,
      int trial,
      Map<String, String> parameters) {
    ModelRetrainingSpec spec = run.retraining().getSpec();
    JobTemplateSpec template =
        spec.getTraining().getTemplate() != null
            ? copy(spec.getTraining().getTemplate())
            : reference(config, TRAIN);
    int workers = spec.getTraining().getParallelism();
    Job job = merge(run, template, name, TRAIN, outputDir, config);
    JobSpec jobSpec = job.getSpec();
    jobSpec.setBackoffLimit(spec.getTraining().getBackoffLimit());
    if (workers > 1) {
      // Workers find each other as <job>-<index>.<job> through the headless Service.
      jobSpec.setCompletionMode("Indexed");
      jobSpec.setCompletions(workers);
      jobSpec.setParallelism(workers);
      jobSpec.getTemplate().getSpec().setSubdomain(job.getMetadata().getName());
    }
    List<EnvVar> env = trainingEnv(run, trial, parameters);
    PodSpec pod = jobSpec.getTemplate().getSpec();
    forEachContainer(pod, c -> withEnv(c, env));
    if (run.outputInBucket()) {
      uploadFrom(run, pod, outputDir);
    }
    return job;
  }

  /**
   * With spec.output.uri, the container that talks to the store (the one named {@code trainer}, or
   * the first) uploads the results: it alone gets the prefix, the store settings and the Secret of
   * spec.output.
   */
  private static void uploadFrom(RunContext run, PodSpec pod, String outputDir) {
    OutputSpec output = run.retraining().getSpec().getOutput();
    ModelStorage storage = ModelStorage.of(output);
    List<EnvVar> env = new ArrayList<>();
    env.add(env(OUTPUT_URI, run.outputUri(outputDir)));
    if (storage.s3Endpoint() != null) {
      env.add(env(ModelServerDeployment.S3_ENDPOINT_ENV, storage.s3Endpoint()));
    }
    if (storage.s3Region() != null) {
      env.add(env(ModelServerDeployment.S3_REGION_ENV, storage.s3Region()));
    }
    if (storage.s3PathStyle()) {
      env.add(env(ModelServerDeployment.S3_PATH_STYLE_ENV, "true"));
    }
    Container uploader =
        pod.getContainers().stream()
            .filter(c -> TRAINER_CONTAINER.equals(c.getName()))
            .findFirst()
            .orElse(pod.getContainers().get(0));
    if (storage.credentialsSecret() != null) {
      env.add(env(TrainingContract.OUTPUT_CREDENTIALS_DIR, OUTPUT_CREDENTIALS_DIR));
      pod.getVolumes().add(outputCredentials(storage));
      withMounts(
          uploader, List.of(mount(OUTPUT_CREDENTIALS_VOLUME, OUTPUT_CREDENTIALS_DIR, null, true)));
    }
    withEnv(uploader, env);
  }

  private static Volume outputCredentials(ModelStorage storage) {
    return new VolumeBuilder()
        .withName(OUTPUT_CREDENTIALS_VOLUME)
        .withNewSecret()
        .withSecretName(storage.credentialsSecret())
        .withDefaultMode(ModelServerDeployment.CREDENTIALS_FILE_MODE)
        .endSecret()
        .build();
  }

  /**
   * The evaluation Job of the run: always the reference evaluator.
   *
   * @param candidateSha256 the candidate's sha256 from the trainer's summary, checked when the
   *     candidate is fetched from spec.output.uri; null when not known
   */
  public static Job evaluation(RunContext run, String candidateSha256, OperatorConfig config) {
    Job job =
        merge(
            run,
            reference(config, EVALUATE),
            RunNames.evaluationJob(run.runName()),
            EVALUATE,
            run.runName(),
            config);
    job.getSpec().setBackoffLimit(0);
    if (run.outputInBucket()) {
      fetchCandidate(run, candidateSha256, job.getSpec().getTemplate().getSpec(), config);
    }
    List<EnvVar> env = evaluationEnv(run);
    forEachContainer(job.getSpec().getTemplate().getSpec(), c -> withEnv(c, env));
    return job;
  }

  /**
   * With spec.output.uri, an init container fetches the candidate (its sha256 checked against the
   * trainer's summary) with spec.output's settings and Secret, mounted into it alone.
   */
  private static void fetchCandidate(
      RunContext run, String candidateSha256, PodSpec pod, OperatorConfig config) {
    ModelStorage storage = ModelStorage.of(run.retraining().getSpec().getOutput());
    ModelVersion candidate =
        new ModelVersion(run.runName(), run.candidateUri(), candidateSha256).withStorage(storage);
    List<Volume> volumes = pod.getVolumes();
    volumes.add(
        new VolumeBuilder().withName(CANDIDATE_VOLUME).withNewEmptyDir().endEmptyDir().build());
    addTmp(volumes);
    if (storage.credentialsSecret() != null) {
      volumes.add(outputCredentials(storage));
    }
    Container fetch =
        ModelServerDeployment.fetchContainer(
            FETCH_CANDIDATE_CONTAINER,
            Objects.requireNonNullElse(
                run.md().getSpec().getServing().getImage(), config.modelServer().image()),
            candidate,
            CANDIDATE_VOLUME,
            CANDIDATE_MOUNT,
            TMP_VOLUME,
            run.md().getSpec().getServing().getFetch(),
            OUTPUT_CREDENTIALS_VOLUME);
    // Its messages name spec.output's fields rather than spec.model's.
    List<EnvVar> fetchEnv = new ArrayList<>(fetch.getEnv());
    fetchEnv.add(env(ModelServerDeployment.S3_FIELD_ENV, "spec.output"));
    fetch.setEnv(fetchEnv);
    List<Container> init =
        new ArrayList<>(Objects.requireNonNullElse(pod.getInitContainers(), List.of()));
    init.add(fetch);
    pod.setInitContainers(init);
    withMounts(
        pod.getContainers().get(0), List.of(mount(CANDIDATE_VOLUME, CANDIDATE_MOUNT, null, true)));
  }

  /** The headless Service through which the workers of an Indexed training Job find each other. */
  public static Service workers(RunContext run, Job trainingJob) {
    String name = trainingJob.getMetadata().getName();
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(run.namespace())
        .withLabels(labels(run, TRAIN, name))
        .withOwnerReferences(Ownership.controlledBy(run.run()))
        .endMetadata()
        .withNewSpec()
        .withClusterIP("None")
        .withPublishNotReadyAddresses(true)
        .withSelector(Map.of(RunNames.JOB, name))
        .endSpec()
        .build();
  }

  private static Job merge(
      RunContext run,
      JobTemplateSpec template,
      String name,
      String step,
      String outputDir,
      OperatorConfig config) {
    ObjectMeta templateMeta =
        template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
    JobSpec spec = template.getSpec() == null ? new JobSpec() : template.getSpec();
    Map<String, String> ours = labels(run, step, name);

    ObjectMeta meta = new ObjectMeta();
    meta.setName(name);
    meta.setNamespace(run.namespace());
    meta.setLabels(merged(templateMeta.getLabels(), ours));
    meta.setAnnotations(templateMeta.getAnnotations());
    meta.setOwnerReferences(List.of(Ownership.controlledBy(run.run())));

    long deadline =
        Durations.parse(run.retraining().getSpec().getTraining().getActiveDeadline()).toSeconds();
    spec.setActiveDeadlineSeconds(
        spec.getActiveDeadlineSeconds() == null
            ? deadline
            : Math.min(spec.getActiveDeadlineSeconds(), deadline));
    // A selector and its labels are the Job controller's to generate.
    spec.setSelector(null);
    spec.setManualSelector(null);
    PodTemplateSpec pod = spec.getTemplate() == null ? new PodTemplateSpec() : spec.getTemplate();
    spec.setTemplate(pod);
    ObjectMeta podMeta = pod.getMetadata() == null ? new ObjectMeta() : pod.getMetadata();
    podMeta.setLabels(merged(podMeta.getLabels(), ours));
    pod.setMetadata(podMeta);
    PodSpec podSpec = pod.getSpec() == null ? new PodSpec() : pod.getSpec();
    pod.setSpec(podSpec);
    if (podSpec.getRestartPolicy() == null || "Always".equals(podSpec.getRestartPolicy())) {
      podSpec.setRestartPolicy("Never");
    }
    addVolumes(run, podSpec, outputDir, config);
    Job job = new Job();
    job.setApiVersion("batch/v1");
    job.setKind("Job");
    job.setMetadata(meta);
    job.setSpec(spec);
    return job;
  }

  private static void addVolumes(
      RunContext run, PodSpec podSpec, String outputDir, OperatorConfig config) {
    ModelRetrainingSpec spec = run.retraining().getSpec();
    List<Volume> volumes =
        new ArrayList<>(Objects.requireNonNullElse(podSpec.getVolumes(), List.of()));
    List<Container> init = new ArrayList<>();
    if (spec.getDataset().getUri() != null) {
      // Downloaded from spec.dataset.uri before the pod's containers start.
      volumes.add(DatasetFetch.volume(DATASET_VOLUME, spec.getDataset()));
      volumes.addAll(DatasetFetch.credentials(spec.getDataset()));
      addTmp(volumes);
      init.add(DatasetFetch.container(run, DATASET_VOLUME, DATASET_MOUNT, TMP_VOLUME, config));
    } else {
      volumes.add(
          new VolumeBuilder()
              .withName(DATASET_VOLUME)
              .withNewPersistentVolumeClaim(spec.getDataset().getClaimName(), true)
              .build());
    }
    volumes.add(
        spec.getOutput().getUri() != null
            // Written here, then uploaded to spec.output.uri by the trainer.
            ? new VolumeBuilder().withName(OUTPUT_VOLUME).withNewEmptyDir().endEmptyDir().build()
            : new VolumeBuilder()
                .withName(OUTPUT_VOLUME)
                .withNewPersistentVolumeClaim(spec.getOutput().getClaimName(), false)
                .build());
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(mount(DATASET_VOLUME, DATASET_MOUNT, null, true));
    mounts.add(
        mount(
            OUTPUT_VOLUME,
            OUTPUT_MOUNT,
            spec.getOutput().getUri() != null ? null : outputDir,
            false));
    ModelSource base = ModelSource.of(run.serving().uri());
    if (base.needsFetch()) {
      volumes.add(
          new VolumeBuilder().withName(BASE_VOLUME).withNewEmptyDir().endEmptyDir().build());
      addTmp(volumes);
      init.add(
          ModelServerDeployment.fetchContainer(
              FETCH_CONTAINER,
              Objects.requireNonNullElse(
                  run.md().getSpec().getServing().getImage(), config.modelServer().image()),
              run.serving(),
              BASE_VOLUME,
              BASE_MOUNT,
              TMP_VOLUME,
              run.md().getSpec().getServing().getFetch()));
      if (run.serving().credentialsSecret() != null) {
        volumes.add(
            new VolumeBuilder()
                .withName(ModelServerDeployment.CREDENTIALS_VOLUME)
                .withNewSecret()
                .withSecretName(run.serving().credentialsSecret())
                .withDefaultMode(ModelServerDeployment.CREDENTIALS_FILE_MODE)
                .endSecret()
                .build());
      }
    } else {
      volumes.add(
          new VolumeBuilder()
              .withName(BASE_VOLUME)
              .withNewPersistentVolumeClaim(base.claim(), true)
              .build());
    }
    mounts.add(mount(BASE_VOLUME, BASE_MOUNT, null, true));
    if (!init.isEmpty()) {
      init.addAll(Objects.requireNonNullElse(podSpec.getInitContainers(), List.of()));
      podSpec.setInitContainers(init);
    }
    podSpec.setVolumes(volumes);
    forEachContainer(podSpec, c -> withMounts(c, mounts));
  }

  /** The fetch containers' /tmp, once however many of them there are. */
  private static void addTmp(List<Volume> volumes) {
    if (volumes.stream().noneMatch(v -> TMP_VOLUME.equals(v.getName()))) {
      volumes.add(new VolumeBuilder().withName(TMP_VOLUME).withNewEmptyDir().endEmptyDir().build());
    }
  }

  /** Where the serving model file is inside a training or evaluation pod. */
  static String baseModelFile(RunContext run) {
    ModelSource base = ModelSource.of(run.serving().uri());
    return BASE_MOUNT + "/" + (base.needsFetch() ? MODEL_FILE : base.pathInClaim());
  }

  private static List<EnvVar> commonEnv(RunContext run) {
    ModelRetrainingSpec spec = run.retraining().getSpec();
    MonitoringSpec monitoring = run.md().getSpec().getMonitoring();
    List<EnvVar> env = new ArrayList<>();
    env.add(env(DATASET_DIR, DATASET_MOUNT + "/" + run.md().getMetadata().getName()));
    env.add(env(HOLDOUT_FRACTION, String.valueOf(spec.getDataset().getHoldoutFraction())));
    env.add(env(BASE_MODEL, baseModelFile(run)));
    env.add(env(OUTPUT_DIR, OUTPUT_MOUNT));
    if (monitoring != null && monitoring.getTask() != null) {
      env.add(env(TASK, monitoring.getTask().value()));
    }
    env.add(env(MAX_ROW_AGE, Durations.parse(spec.getDataset().getMaxAge()).toString()));
    env.add(env(RUN, run.runName()));
    env.add(env(SEED, String.valueOf(run.number())));
    // Said outright, so a node whose termination log lives elsewhere can point it there.
    env.add(env(TERMINATION_LOG_PATH, TERMINATION_LOG));
    return env;
  }

  private static List<EnvVar> trainingEnv(
      RunContext run, int trial, Map<String, String> parameters) {
    ModelRetrainingSpec spec = run.retraining().getSpec();
    List<EnvVar> env = commonEnv(run);
    env.add(env(TRAINING_MODE, spec.getTraining().getMode().value()));
    env.add(env(TRIAL, String.valueOf(trial)));
    try {
      env.add(env(HYPERPARAMETERS, JSON.writeValueAsString(parameters)));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a map of strings always writes as JSON", e);
    }
    parameters.forEach(
        (name, value) -> env.add(env(PARAM_PREFIX + name.toUpperCase(Locale.ROOT), value)));
    return env;
  }

  private static List<EnvVar> evaluationEnv(RunContext run) {
    ValidationSpec validation = run.retraining().getSpec().getValidation();
    List<EnvVar> env = commonEnv(run);
    env.add(
        env(
            CANDIDATE_MODEL,
            run.outputInBucket()
                ? CANDIDATE_MOUNT + "/" + MODEL_FILE
                : OUTPUT_MOUNT + "/" + run.candidateDir() + MODEL_FILE));
    env.add(env(VALIDATION_METRIC, validation.getMetric()));
    if (validation.getMinValue() != null) {
      env.add(env(VALIDATION_MIN_VALUE, String.valueOf(validation.getMinValue())));
    }
    env.add(
        env(
            VALIDATION_MIN_IMPROVEMENT,
            String.valueOf(Objects.requireNonNullElse(validation.getMinImprovement(), 0.0))));
    return env;
  }

  /** The reference trainer or evaluator, run as every pod of the operator runs: restricted. */
  private static JobTemplateSpec reference(OperatorConfig config, String command) {
    Container container =
        new ContainerBuilder()
            .withName(TRAINER_CONTAINER)
            .withImage(config.trainer().image())
            .withArgs(command)
            .withResources(
                new ResourceRequirementsBuilder()
                    .addToRequests("cpu", new Quantity("250m"))
                    .addToRequests("memory", new Quantity("512Mi"))
                    .addToLimits("memory", new Quantity("2Gi"))
                    .build())
            .withSecurityContext(ModelServerDeployment.restrictedContainer())
            .withVolumeMounts(mount(TMP_VOLUME + "-trainer", "/tmp", null, false))
            .build();
    PodSpec pod = new PodSpec();
    pod.setContainers(new ArrayList<>(List.of(container)));
    pod.setVolumes(
        new ArrayList<>(
            List.of(
                new VolumeBuilder()
                    .withName(TMP_VOLUME + "-trainer")
                    .withNewEmptyDir()
                    .endEmptyDir()
                    .build())));
    pod.setRestartPolicy("Never");
    pod.setAutomountServiceAccountToken(false);
    pod.setEnableServiceLinks(false);
    pod.setSecurityContext(
        new PodSecurityContextBuilder()
            .withRunAsNonRoot(true)
            .withRunAsUser(65532L)
            .withRunAsGroup(65532L)
            .withFsGroup(65532L)
            .withNewSeccompProfile()
            .withType("RuntimeDefault")
            .endSeccompProfile()
            .build());
    PodTemplateSpec podTemplate = new PodTemplateSpec();
    podTemplate.setSpec(pod);
    JobSpec spec = new JobSpec();
    spec.setTemplate(podTemplate);
    JobTemplateSpec template = new JobTemplateSpec();
    template.setSpec(spec);
    return template;
  }

  static Map<String, String> labels(RunContext run, String step, String job) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app.kubernetes.io/managed-by", "modelkeeper");
    labels.put(RunNames.RETRAINING, run.retraining().getMetadata().getName());
    labels.put(RunNames.RUN, run.runName());
    labels.put(RunNames.STEP, step);
    labels.put(RunNames.JOB, job);
    return labels;
  }

  private static Map<String, String> merged(Map<String, String> theirs, Map<String, String> ours) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (theirs != null) {
      labels.putAll(theirs);
    }
    labels.putAll(ours);
    return labels;
  }

  private static void forEachContainer(PodSpec pod, java.util.function.Consumer<Container> change) {
    if (pod.getContainers() == null || pod.getContainers().isEmpty()) {
      throw new IllegalArgumentException(
          "spec.training.template.spec.template.spec.containers is empty: the Job needs a"
              + " container that trains, for example {name: trainer, image: my-trainer:1}");
    }
    pod.getContainers().forEach(change);
  }

  /** The contract's variables replace any of the same name the user set; the user's others stay. */
  private static void withEnv(Container container, List<EnvVar> ours) {
    List<EnvVar> env = new ArrayList<>();
    for (EnvVar theirs : Objects.requireNonNullElse(container.getEnv(), List.<EnvVar>of())) {
      if (ours.stream().noneMatch(e -> e.getName().equals(theirs.getName()))) {
        env.add(theirs);
      }
    }
    env.addAll(ours);
    container.setEnv(env);
    if (container.getTerminationMessagePolicy() == null) {
      // A pod that dies before writing its summary still tells why through its last log lines.
      container.setTerminationMessagePolicy("FallbackToLogsOnError");
    }
  }

  private static void withMounts(Container container, List<VolumeMount> ours) {
    List<VolumeMount> mounts =
        new ArrayList<>(Objects.requireNonNullElse(container.getVolumeMounts(), List.of()));
    mounts.addAll(ours);
    container.setVolumeMounts(mounts);
  }

  /** A deep copy, so the merge never changes the spec it was given. */
  private static JobTemplateSpec copy(JobTemplateSpec template) {
    return Serialization.unmarshal(Serialization.asJson(template), JobTemplateSpec.class);
  }

  private static VolumeMount mount(String volume, String path, String subPath, boolean readOnly) {
    return new VolumeMountBuilder()
        .withName(volume)
        .withMountPath(path)
        .withSubPath(subPath)
        .withReadOnly(readOnly)
        .build();
  }

  private static EnvVar env(String name, String value) {
    return new EnvVar(name, value, null);
  }
}

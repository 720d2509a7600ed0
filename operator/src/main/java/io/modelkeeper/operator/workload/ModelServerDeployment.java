package io.modelkeeper.operator.workload;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.modelkeeper.api.v1alpha1.ExplanationsSpec;
import io.modelkeeper.api.v1alpha1.FetchSpec;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.MonitoringSpec;
import io.modelkeeper.api.v1alpha1.ServingSpec;
import io.modelkeeper.contract.DatasetBucket;
import io.modelkeeper.operator.config.OperatorConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Deployment that runs one model version: a fetch-model init container and the model server.
 */
public final class ModelServerDeployment {

  public static final String SERVER_CONTAINER = "model-server";
  public static final String FETCH_CONTAINER = "fetch-model";
  public static final String MODEL_VOLUME = "model";
  public static final String MODEL_DIR = "/mnt/models";

  private static final String DEFAULT_FETCH_REQUEST = "256Mi";
  private static final String DEFAULT_FETCH_LIMIT = "512Mi";

  /** The Secret of spec.model.credentialsSecret, mounted into the fetch container only. */
  public static final String CREDENTIALS_VOLUME = "model-credentials";

  static final String CREDENTIALS_DIR = "/var/run/modelkeeper/model-credentials";

  /** The fetch container's environment for spec.model.s3, read by the fetcher's S3 store. */
  public static final String S3_ENDPOINT_ENV = "MODELKEEPER_S3_ENDPOINT";

  /** Which spec field's store the fetcher reads, so that its messages name it. */
  public static final String S3_FIELD_ENV = "MODELKEEPER_S3_FIELD";

  public static final String S3_REGION_ENV = "MODELKEEPER_S3_REGION";
  public static final String S3_PATH_STYLE_ENV = "MODELKEEPER_S3_PATH_STYLE";

  /** Readable by the pod's group (fsGroup) only: the fetcher runs as the pod's user, not root. */
  public static final int CREDENTIALS_FILE_MODE = 0440;

  public static final String HTTP_PORT_NAME = "http";
  public static final int HTTP_PORT = 8080;

  private static final String TMP_VOLUME = "tmp";

  /** The retraining's dataset claim, where the server captures labelled rows. */
  static final String DATASET_VOLUME = "dataset";

  static final String DATASET_DIR = "/var/lib/modelkeeper/dataset";

  /** With spec.dataset.uri: the Secret of spec.dataset, for the server's capture uploads. */
  static final String DATASET_CREDENTIALS_VOLUME = "dataset-credentials";

  static final String DATASET_CREDENTIALS_DIR = "/var/run/modelkeeper/dataset-credentials";

  /**
   * With spec.dataset.uri: room for finished capture files that wait for the store (64M each by
   * default), so an unreachable store fills this rather than the node.
   */
  static final String CAPTURE_VOLUME_SIZE = "1Gi";

  /**
   * How long a terminating pod keeps serving before it is sent SIGTERM, so that Services and
   * gateways have stopped sending it requests by then.
   */
  static final long PRE_STOP_SECONDS = 5;

  /** The server's drain after SIGTERM: requests in flight get this long to finish. */
  static final long DRAIN_SECONDS = 25;

  /** Pre-stop sleep, drain, and room for the JVM to exit before SIGKILL. */
  static final long TERMINATION_GRACE_SECONDS = PRE_STOP_SECONDS + DRAIN_SECONDS + 10;

  /** The uid and gid the model-server image runs as (distroless' nonroot). */
  static final long POD_USER = 65532L;

  private ModelServerDeployment() {}

  /**
   * The wanted Deployment for {@code model} on the given arm with {@code replicas} pods, for a
   * ModelDeployment that no ModelRetraining retrains.
   */
  public static Deployment desired(
      ModelDeployment md, ModelVersion model, Arm arm, int replicas, OperatorConfig config) {
    return desired(md, model, arm, replicas, config, null);
  }

  /**
   * The wanted Deployment for {@code model} on the given arm with {@code replicas} pods; with a
   * {@code capture}, its pods write their labelled rows onto the retraining's dataset claim.
   */
  public static Deployment desired(
      ModelDeployment md,
      ModelVersion model,
      Arm arm,
      int replicas,
      OperatorConfig config,
      DatasetCapture capture) {
    ServingSpec serving = md.getSpec().getServing();
    ModelSource source = ModelSource.of(model.uri());
    String image = serving.getImage() != null ? serving.getImage() : config.modelServer().image();
    ServerAccess access = ServerAccess.of(md);
    List<Container> initContainers =
        source.needsFetch() ? List.of(fetchContainer(image, model, serving.getFetch())) : List.of();
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(WorkloadNames.deployment(md, model))
        .withNamespace(md.getMetadata().getNamespace())
        .withLabels(WorkloadLabels.forVersion(md, model, arm))
        .withOwnerReferences(Ownership.controlledBy(md))
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withRevisionHistoryLimit(3)
        .withNewSelector()
        .withMatchLabels(WorkloadLabels.versionSelector(md, model))
        .endSelector()
        // A new pod must be ready before an old one goes, so a broken template never takes
        // serving pods away; with GPUs there is no spare one for a surge pod, so one pod is
        // replaced at a time instead.
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withMaxSurge(new IntOrString(serving.getGpus() > 0 ? 0 : 1))
        .withMaxUnavailable(new IntOrString(serving.getGpus() > 0 ? 1 : 0))
        .endRollingUpdate()
        .endStrategy()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(WorkloadLabels.forPods(md, model))
        .withAnnotations(scrapeAnnotations(access))
        .endMetadata()
        .withNewSpec()
        // The API token stays unmounted: IRSA and Azure workload identity project their own
        // token into the pods of serviceAccountName, and GKE's comes from the metadata server.
        .withServiceAccountName(serving.getServiceAccountName())
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withSecurityContext(
            // The image's own user, by number: an image whose USER is a name cannot pass
            // runAsNonRoot otherwise, and fsGroup makes mounted claims readable by it.
            new PodSecurityContextBuilder()
                .withRunAsNonRoot(true)
                .withRunAsUser(POD_USER)
                .withRunAsGroup(POD_USER)
                .withFsGroup(POD_USER)
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .build())
        .withInitContainers(initContainers)
        .withContainers(serverContainer(md, model, source, image, config, access, capture))
        .withVolumes(
            volumes(source, model.credentialsSecret(), serving.getFetch(), access, capture))
        .withTerminationGracePeriodSeconds(TERMINATION_GRACE_SECONDS)
        .withNodeSelector(serving.getNodeSelector())
        .withTolerations(tolerations(serving, config))
        .withAffinity(serving.getAffinity())
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static Container fetchContainer(String image, ModelVersion model, FetchSpec fetch) {
    Container container =
        fetchContainer(FETCH_CONTAINER, image, model, MODEL_VOLUME, MODEL_DIR, TMP_VOLUME, fetch);
    if (model.run() != null && model.uri().startsWith("s3://")) {
      // A retrained file in a bucket is read from the ModelRetraining's spec.output store.
      List<EnvVar> env = new ArrayList<>(container.getEnv());
      env.add(env(S3_FIELD_ENV, "spec.output"));
      container.setEnv(env);
    }
    return container;
  }

  /**
   * The init container that downloads {@code model} into {@code dir} of the volume {@code volume}
   * as model.onnx and checks its sha256; training and evaluation pods use it too. With the model's
   * credentials Secret it mounts the volume {@link #CREDENTIALS_VOLUME}, which the pod must have.
   */
  public static Container fetchContainer(
      String name,
      String image,
      ModelVersion model,
      String volume,
      String dir,
      String tmpVolume,
      FetchSpec fetch) {
    return fetchContainer(name, image, model, volume, dir, tmpVolume, fetch, CREDENTIALS_VOLUME);
  }

  /**
   * The same, the credentials Secret (when the model has one) being the pod's volume {@code
   * credentialsVolume}, mounted at /var/run/modelkeeper/{@code credentialsVolume}.
   */
  public static Container fetchContainer(
      String name,
      String image,
      ModelVersion model,
      String volume,
      String dir,
      String tmpVolume,
      FetchSpec fetch,
      String credentialsVolume) {
    List<EnvVar> env = new ArrayList<>();
    env.add(env("MODELKEEPER_MODEL_URI", model.uri()));
    if (model.sha256() != null) {
      env.add(env("MODELKEEPER_MODEL_SHA256", model.sha256()));
    }
    if (model.referenceSha256() != null) {
      env.add(env("MODELKEEPER_REFERENCE_SHA256", model.referenceSha256()));
    }
    env.add(env("MODELKEEPER_MODEL_DIR", dir));
    if (fetch != null && fetch.getModelVolumeSize() != null) {
      // The download stops with a message at the volume's size, before the kubelet evicts the pod.
      env.add(
          env(
              "MODELKEEPER_MAX_MODEL_SIZE",
              new Quantity(fetch.getModelVolumeSize())
                  .getNumericalAmount()
                  .toBigInteger()
                  .toString()));
    }
    List<VolumeMount> mounts =
        new ArrayList<>(List.of(mount(volume, dir, false), mount(tmpVolume, "/tmp", false)));
    env.addAll(storeEnv(model.storage()));
    if (model.credentialsSecret() != null) {
      String credentialsDir = "/var/run/modelkeeper/" + credentialsVolume;
      env.add(env("MODELKEEPER_MODEL_CREDENTIALS_DIR", credentialsDir));
      mounts.add(mount(credentialsVolume, credentialsDir, true));
    }
    return new ContainerBuilder()
        .withName(name)
        .withImage(image)
        .withArgs("fetch")
        .withEnv(env)
        // The fetcher's last stderr line ("fetch failed: ...") becomes the termination
        // message, which the operator copies into the Ready condition.
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .withResources(fetchResources(fetch))
        .withSecurityContext(restrictedContainer())
        .withVolumeMounts(mounts)
        .build();
  }

  /** The store settings of an s3:// source, as the fetcher reads them. */
  public static List<EnvVar> storeEnv(ModelStorage storage) {
    List<EnvVar> env = new ArrayList<>();
    if (storage.s3Endpoint() != null) {
      env.add(env(S3_ENDPOINT_ENV, storage.s3Endpoint()));
    }
    if (storage.s3Region() != null) {
      env.add(env(S3_REGION_ENV, storage.s3Region()));
    }
    if (storage.s3PathStyle()) {
      env.add(env(S3_PATH_STYLE_ENV, "true"));
    }
    return env;
  }

  /** What a fetch container asks for: spec.serving.fetch.memory, or the defaults. */
  public static ResourceRequirements fetchResources(FetchSpec fetch) {
    return new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity("100m"))
        .addToRequests("memory", new Quantity(fetchMemory(fetch, DEFAULT_FETCH_REQUEST)))
        .addToLimits("memory", new Quantity(fetchMemory(fetch, DEFAULT_FETCH_LIMIT)))
        .build();
  }

  private static Container serverContainer(
      ModelDeployment md,
      ModelVersion model,
      ModelSource source,
      String image,
      OperatorConfig config,
      ServerAccess access,
      DatasetCapture capture) {
    ServingSpec serving = md.getSpec().getServing();
    List<EnvVar> env = new ArrayList<>();
    env.add(env("MODELKEEPER_MODEL_NAME", WorkloadNames.modelName(md)));
    env.add(env("MODELKEEPER_MODEL_VERSION", model.version()));
    env.add(env("MODELKEEPER_MODEL_REVISION", model.revision()));
    env.add(env("MODELKEEPER_MODEL_URI", source.fileUriInPod()));
    if (model.sha256() != null) {
      env.add(env("MODELKEEPER_MODEL_SHA256", model.sha256()));
    }
    if (model.referenceSha256() != null) {
      // A pvc:// model's reference is read in place, so the server checks it itself.
      env.add(env("MODELKEEPER_REFERENCE_SHA256", model.referenceSha256()));
    }
    env.add(env("MODELKEEPER_EXECUTION_PROVIDER", serving.getExecutionProvider().value()));
    env.add(
        env("MODELKEEPER_MAX_BATCH_SIZE", String.valueOf(serving.getBatching().getMaxBatchSize())));
    env.add(env("MODELKEEPER_MAX_QUEUE_DELAY", serving.getBatching().getMaxQueueDelay()));
    MonitoringSpec monitoring = md.getSpec().getMonitoring();
    if (monitoring.getTask() != null) {
      env.add(env("MODELKEEPER_TASK", monitoring.getTask().value()));
    }
    env.add(env("MODELKEEPER_QUALITY_WINDOW", String.valueOf(monitoring.getWindow())));
    ExplanationsSpec explanations = monitoring.getExplanations();
    if (explanations != null && explanations.getLiveRate() != null) {
      env.add(env("MODELKEEPER_EXPLAIN_LIVE_RATE", String.valueOf(explanations.getLiveRate())));
    }
    if (explanations != null
        && explanations.getFeatureNames() != null
        && !explanations.getFeatureNames().isEmpty()) {
      env.add(
          env(
              "MODELKEEPER_EXPLAIN_FEATURE_NAMES",
              String.join(",", explanations.getFeatureNames())));
    }
    env.add(env("QUARKUS_HTTP_HOST", "0.0.0.0"));
    env.add(env("QUARKUS_HTTP_PORT", String.valueOf(HTTP_PORT)));
    env.add(env("QUARKUS_SHUTDOWN_TIMEOUT", DRAIN_SECONDS + "s"));
    // Ids the pod mints name it, and feedback for another pod's prediction goes there (once).
    env.add(
        new EnvVarBuilder()
            .withName("MODELKEEPER_POD_IP")
            .withNewValueFrom()
            .withNewFieldRef()
            .withFieldPath("status.podIP")
            .endFieldRef()
            .endValueFrom()
            .build());
    env.add(env("MODELKEEPER_PEERS", ModelPodsService.dnsName(md)));
    env.addAll(access.env());
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(mount(MODEL_VOLUME, MODEL_DIR, true));
    mounts.add(mount(TMP_VOLUME, "/tmp", false));
    mounts.addAll(access.mounts());
    if (capture != null) {
      env.add(env("MODELKEEPER_CAPTURE_DIR", DATASET_DIR + "/" + capture.directoryInClaim()));
      mounts.add(mount(DATASET_VOLUME, DATASET_DIR, false));
      if (capture.inBucket()) {
        // The one container that serves and holds store credentials: it uploads its own finished
        // capture files, as no other container of the pod sees them in time.
        env.add(env(DatasetBucket.URI, capture.uri()));
        // Rows reach the bucket only in finished files: finish them often enough to train on.
        env.add(
            env(
                "MODELKEEPER_CAPTURE_MAX_FILE_AGE",
                config.bucketCaptureFileAge().toMillis() + "ms"));
        env.addAll(storeEnv(capture.storage()));
        env.add(env(S3_FIELD_ENV, "spec.dataset"));
        if (capture.storage().credentialsSecret() != null) {
          env.add(env(DatasetBucket.CREDENTIALS_DIR, DATASET_CREDENTIALS_DIR));
          mounts.add(mount(DATASET_CREDENTIALS_VOLUME, DATASET_CREDENTIALS_DIR, true));
        }
      }
    }
    return new ContainerBuilder()
        .withName(SERVER_CONTAINER)
        .withImage(image)
        .withEnv(env)
        .addNewPort()
        .withName(HTTP_PORT_NAME)
        .withContainerPort(HTTP_PORT)
        .withProtocol("TCP")
        .endPort()
        .addAllToPorts(access.ports())
        // The image has no shell, so the kubelet's own sleep action, not "sleep" in an exec.
        .withNewLifecycle()
        .withNewPreStop()
        .withNewSleep(PRE_STOP_SECONDS)
        .endPreStop()
        .endLifecycle()
        .withResources(resources(serving, config))
        .withStartupProbe(probe("/v2/health/live", 5, 60))
        .withReadinessProbe(probe("/v2/health/ready", 5, 3))
        .withLivenessProbe(probe("/v2/health/live", 10, 3))
        .withSecurityContext(restrictedContainer())
        .withVolumeMounts(mounts)
        .build();
  }

  private static ResourceRequirements resources(ServingSpec serving, OperatorConfig config) {
    ResourceRequirements given = serving.getResources();
    ResourceRequirementsBuilder builder =
        given != null
            ? new ResourceRequirementsBuilder(given)
            : new ResourceRequirementsBuilder()
                .addToRequests("cpu", new Quantity("500m"))
                .addToRequests("memory", new Quantity("512Mi"))
                .addToLimits("memory", new Quantity("1Gi"));
    if (serving.getGpus() > 0) {
      // Extended resources take their request from the limit.
      builder.addToLimits(
          config.gpuResourceName(), new Quantity(String.valueOf(serving.getGpus())));
    }
    return builder.build();
  }

  private static List<Toleration> tolerations(ServingSpec serving, OperatorConfig config) {
    List<Toleration> tolerations = new ArrayList<>();
    if (serving.getTolerations() != null) {
      tolerations.addAll(serving.getTolerations());
    }
    if (serving.getGpus() > 0) {
      tolerations.add(
          new TolerationBuilder()
              .withKey(config.gpuResourceName())
              .withOperator("Exists")
              .withEffect("NoSchedule")
              .build());
    }
    return tolerations;
  }

  private static String fetchMemory(FetchSpec fetch, String fallback) {
    return fetch != null && fetch.getMemory() != null ? fetch.getMemory() : fallback;
  }

  private static List<Volume> volumes(
      ModelSource source,
      String credentialsSecret,
      FetchSpec fetch,
      ServerAccess access,
      DatasetCapture capture) {
    Quantity sizeLimit =
        fetch != null && fetch.getModelVolumeSize() != null
            ? new Quantity(fetch.getModelVolumeSize())
            : null;
    Volume model =
        source.needsFetch()
            ? new VolumeBuilder()
                .withName(MODEL_VOLUME)
                .withNewEmptyDir()
                .withSizeLimit(sizeLimit)
                .endEmptyDir()
                .build()
            : new VolumeBuilder()
                .withName(MODEL_VOLUME)
                .withNewPersistentVolumeClaim(source.claim(), true)
                .build();
    Volume tmp = new VolumeBuilder().withName(TMP_VOLUME).withNewEmptyDir().endEmptyDir().build();
    List<Volume> volumes = new ArrayList<>(List.of(model, tmp));
    if (source.needsFetch() && credentialsSecret != null) {
      volumes.add(
          new VolumeBuilder()
              .withName(CREDENTIALS_VOLUME)
              .withNewSecret()
              .withSecretName(credentialsSecret)
              .withDefaultMode(CREDENTIALS_FILE_MODE)
              .endSecret()
              .build());
    }
    volumes.addAll(access.volumes());
    if (capture != null && capture.inBucket()) {
      // Finished files wait here only until they are uploaded.
      volumes.add(
          new VolumeBuilder()
              .withName(DATASET_VOLUME)
              .withNewEmptyDir()
              .withSizeLimit(new Quantity(CAPTURE_VOLUME_SIZE))
              .endEmptyDir()
              .build());
      if (capture.storage().credentialsSecret() != null) {
        volumes.add(
            new VolumeBuilder()
                .withName(DATASET_CREDENTIALS_VOLUME)
                .withNewSecret()
                .withSecretName(capture.storage().credentialsSecret())
                .withDefaultMode(CREDENTIALS_FILE_MODE)
                .endSecret()
                .build());
      }
    } else if (capture != null) {
      volumes.add(
          new VolumeBuilder()
              .withName(DATASET_VOLUME)
              .withNewPersistentVolumeClaim(capture.claimName(), false)
              .build());
    }
    return volumes;
  }

  private static Map<String, String> scrapeAnnotations(ServerAccess access) {
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("prometheus.io/scrape", "true");
    annotations.put("prometheus.io/port", String.valueOf(access.metricsPort()));
    annotations.put("prometheus.io/path", "/metrics");
    return annotations;
  }

  /** The container security context of every pod the operator makes: restricted. */
  public static SecurityContext restrictedContainer() {
    return new SecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .build();
  }

  private static Probe probe(String path, int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withPort(new IntOrString(HTTP_PORT_NAME))
        .endHttpGet()
        .withPeriodSeconds(periodSeconds)
        .withFailureThreshold(failureThreshold)
        .withTimeoutSeconds(2)
        .build();
  }

  private static VolumeMount mount(String volume, String path, boolean readOnly) {
    return new VolumeMountBuilder()
        .withName(volume)
        .withMountPath(path)
        .withReadOnly(readOnly)
        .build();
  }

  private static EnvVar env(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }
}

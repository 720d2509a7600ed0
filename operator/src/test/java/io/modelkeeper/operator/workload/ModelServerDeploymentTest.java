package io.modelkeeper.operator.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.modelkeeper.api.v1alpha1.AccessSpec;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelTask;
import io.modelkeeper.api.v1alpha1.S3Spec;
import io.modelkeeper.api.v1alpha1.SecretKeyRef;
import io.modelkeeper.operator.config.OperatorConfig;
import io.modelkeeper.operator.testing.TestModels;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ModelServerDeploymentTest {

  private static Deployment desired(ModelDeployment md) {
    return ModelServerDeployment.desired(
        md,
        ModelVersion.of(md.getSpec().getModel()),
        Arm.STABLE,
        md.getSpec().getServing().getReplicas(),
        TestModels.config());
  }

  private static Map<String, String> env(Container container) {
    return container.getEnv().stream()
        .collect(
            Collectors.toMap(
                EnvVar::getName,
                var ->
                    var.getValue() != null
                        ? var.getValue()
                        : "fieldRef:" + var.getValueFrom().getFieldRef().getFieldPath()));
  }

  private static Container server(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  @Test
  void aRetrainedFileInABucketIsFetchedWithTheOutputsSecretAndNamesSpecOutput() {
    ModelDeployment md = TestModels.model("fraud", "7", spec -> {});
    ModelVersion retrained =
        ModelVersion.retrained(
                "7-r3",
                "s3://models/fraud/retrained/fraud-r3/model.onnx",
                "ab".repeat(32),
                "fraud-r3",
                ModelVersion.of(md.getSpec().getModel()))
            .withStorage(new ModelStorage("output-keys", "http://minio:9000", null, true));
    PodSpec pod =
        ModelServerDeployment.desired(md, retrained, Arm.STABLE, 1, TestModels.config())
            .getSpec()
            .getTemplate()
            .getSpec();

    assertThat(env(pod.getInitContainers().get(0)))
        .containsEntry("MODELKEEPER_MODEL_URI", "s3://models/fraud/retrained/fraud-r3/model.onnx")
        .containsEntry("MODELKEEPER_S3_ENDPOINT", "http://minio:9000")
        .containsEntry("MODELKEEPER_S3_FIELD", "spec.output");
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getSecret() != null)
        .singleElement()
        .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("output-keys"));
    assertThat(env(desired(md).getSpec().getTemplate().getSpec().getInitContainers().get(0)))
        .as("a file spec.model names keeps naming spec.model")
        .doesNotContainKey("MODELKEEPER_S3_FIELD");
  }

  @Test
  void theServerKnowsItsPodIpAndWhereToLookUpItsModelsOtherPods() {
    ModelDeployment md = TestModels.model("fraud", "7", spec -> {});
    md.getMetadata().setNamespace("risk");

    assertThat(env(server(desired(md))))
        .containsEntry("MODELKEEPER_POD_IP", "fieldRef:status.podIP")
        .containsEntry("MODELKEEPER_PEERS", "fraud-pods.risk.svc");
    assertThat(ModelPodsService.desired(md).getSpec())
        .satisfies(
            spec -> {
              assertThat(spec.getClusterIP()).isEqualTo("None");
              assertThat(spec.getPublishNotReadyAddresses()).isTrue();
              assertThat(spec.getSelector()).isEqualTo(WorkloadLabels.modelSelector(md));
            });
    assertThat(ModelPodsService.desired(md).getMetadata().getName()).isEqualTo("fraud-pods");
  }

  @Test
  void aReferenceChecksumIsCheckedByFetcherAndServerAndMakesItsOwnRevision() {
    String reference = "b".repeat(64);
    ModelDeployment md =
        TestModels.model("fraud", "7", spec -> spec.getModel().setReferenceSha256(reference));
    PodSpec pod = desired(md).getSpec().getTemplate().getSpec();
    assertThat(env(pod.getInitContainers().get(0)))
        .containsEntry("MODELKEEPER_REFERENCE_SHA256", reference);
    assertThat(env(pod.getContainers().get(0)))
        .containsEntry("MODELKEEPER_REFERENCE_SHA256", reference);

    ModelVersion plain = ModelVersion.of(TestModels.model("fraud", "7").getSpec().getModel());
    ModelVersion checked = ModelVersion.of(md.getSpec().getModel());
    assertThat(checked.revision()).isNotEqualTo(plain.revision());
    assertThat(plain.revision())
        .as("files without a reference checksum keep the revision they always had")
        .isEqualTo(
            WorkloadNames.hash(
                "7\nhttps://models.example.com/fraud/7/model.onnx\n", ModelVersion.REVISION_CHARS));
    assertThat(
            env(
                desired(TestModels.model("fraud", "7"))
                    .getSpec()
                    .getTemplate()
                    .getSpec()
                    .getInitContainers()
                    .get(0)))
        .doesNotContainKey("MODELKEEPER_REFERENCE_SHA256");
  }

  @Test
  void theFetchContainersMemoryAndTheModelVolumesSizeAreSettable() {
    PodSpec defaults = desired(TestModels.model("fraud", "7")).getSpec().getTemplate().getSpec();
    Container fetch = defaults.getInitContainers().get(0);
    assertThat(fetch.getResources().getRequests()).containsEntry("memory", new Quantity("256Mi"));
    assertThat(fetch.getResources().getLimits()).containsEntry("memory", new Quantity("512Mi"));
    assertThat(env(fetch)).doesNotContainKey("MODELKEEPER_MAX_MODEL_SIZE");
    assertThat(defaults.getVolumes())
        .filteredOn(v -> "model".equals(v.getName()))
        .singleElement()
        .satisfies(v -> assertThat(v.getEmptyDir().getSizeLimit()).isNull());

    ModelDeployment md =
        TestModels.model(
            "fraud",
            "7",
            spec -> {
              var sizes = new io.modelkeeper.api.v1alpha1.FetchSpec();
              sizes.setMemory("1Gi");
              sizes.setModelVolumeSize("4Gi");
              spec.getServing().setFetch(sizes);
            });
    PodSpec pod = desired(md).getSpec().getTemplate().getSpec();
    Container sized = pod.getInitContainers().get(0);
    assertThat(sized.getResources().getRequests()).containsEntry("memory", new Quantity("1Gi"));
    assertThat(sized.getResources().getLimits()).containsEntry("memory", new Quantity("1Gi"));
    assertThat(env(sized)).containsEntry("MODELKEEPER_MAX_MODEL_SIZE", "4294967296");
    assertThat(pod.getVolumes())
        .filteredOn(v -> "model".equals(v.getName()))
        .singleElement()
        .satisfies(v -> assertThat(v.getEmptyDir().getSizeLimit()).isEqualTo(new Quantity("4Gi")));
  }

  @Test
  void theModelCredentialsSecretIsMountedIntoTheFetchContainerOnly() {
    ModelDeployment md =
        TestModels.model("fraud", "7", spec -> spec.getModel().setCredentialsSecret("store-creds"));
    PodSpec pod = desired(md).getSpec().getTemplate().getSpec();

    assertThat(pod.getVolumes())
        .filteredOn(
            v -> v.getSecret() != null && "store-creds".equals(v.getSecret().getSecretName()))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getName()).isEqualTo(ModelServerDeployment.CREDENTIALS_VOLUME);
              assertThat(v.getSecret().getDefaultMode()).isEqualTo(0440);
            });
    Container fetch = pod.getInitContainers().get(0);
    assertThat(fetch.getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getName()).isEqualTo(ModelServerDeployment.CREDENTIALS_VOLUME);
              assertThat(m.getMountPath()).isEqualTo("/var/run/modelkeeper/model-credentials");
              assertThat(m.getReadOnly()).isTrue();
            });
    assertThat(env(fetch))
        .containsEntry(
            "MODELKEEPER_MODEL_CREDENTIALS_DIR", "/var/run/modelkeeper/model-credentials");
    for (Container container : pod.getContainers()) {
      assertThat(container.getVolumeMounts())
          .as("the model server never sees the storage credentials")
          .noneMatch(m -> ModelServerDeployment.CREDENTIALS_VOLUME.equals(m.getName()));
      assertThat(env(container)).doesNotContainKey("MODELKEEPER_MODEL_CREDENTIALS_DIR");
    }

    PodSpec without = desired(TestModels.model("fraud", "7")).getSpec().getTemplate().getSpec();
    assertThat(without.getVolumes())
        .noneMatch(v -> ModelServerDeployment.CREDENTIALS_VOLUME.equals(v.getName()));
  }

  @Test
  void anS3ModelsStoreSettingsGoToTheFetchContainerOnlyAndThePodsRunAsTheServiceAccount() {
    ModelDeployment md =
        TestModels.model(
            "fraud",
            "7",
            spec -> {
              spec.getModel().setUri("s3://models/fraud/7/model.onnx");
              spec.getModel().setCredentialsSecret("bucket-keys");
              S3Spec s3 = new S3Spec();
              s3.setEndpoint("http://minio.storage.svc:9000");
              s3.setRegion("eu-central-1");
              s3.setPathStyle(true);
              spec.getModel().setS3(s3);
              spec.getServing().setServiceAccountName("fraud-reader");
            });
    PodSpec pod = desired(md).getSpec().getTemplate().getSpec();

    Container fetch = pod.getInitContainers().get(0);
    assertThat(env(fetch))
        .containsEntry("MODELKEEPER_MODEL_URI", "s3://models/fraud/7/model.onnx")
        .containsEntry("MODELKEEPER_S3_ENDPOINT", "http://minio.storage.svc:9000")
        .containsEntry("MODELKEEPER_S3_REGION", "eu-central-1")
        .containsEntry("MODELKEEPER_S3_PATH_STYLE", "true")
        .containsEntry(
            "MODELKEEPER_MODEL_CREDENTIALS_DIR", "/var/run/modelkeeper/model-credentials");
    assertThat(pod.getVolumes())
        .anyMatch(
            v -> v.getSecret() != null && "bucket-keys".equals(v.getSecret().getSecretName()));
    for (Container container : pod.getContainers()) {
      assertThat(env(container))
          .doesNotContainKeys("MODELKEEPER_S3_ENDPOINT", "MODELKEEPER_S3_REGION");
      assertThat(container.getVolumeMounts())
          .noneMatch(m -> ModelServerDeployment.CREDENTIALS_VOLUME.equals(m.getName()));
    }
    assertThat(pod.getServiceAccountName()).isEqualTo("fraud-reader");
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();

    PodSpec plain = desired(TestModels.model("fraud", "7")).getSpec().getTemplate().getSpec();
    assertThat(plain.getServiceAccountName()).isNull();
    assertThat(env(plain.getInitContainers().get(0))).doesNotContainKey("MODELKEEPER_S3_ENDPOINT");
  }

  @Test
  void cpuModelFromUrlIsFetchedIntoAnEmptyDirAndServedFromThere() {
    ModelDeployment md =
        TestModels.model("fraud", "7", spec -> spec.getModel().setSha256("a".repeat(64)));
    Deployment deployment = desired(md);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();

    ModelVersion file = ModelVersion.of(md.getSpec().getModel());
    assertThat(deployment.getMetadata().getName()).isEqualTo("fraud-7-" + file.revision());
    assertThat(deployment.getSpec().getSelector().getMatchLabels())
        .containsEntry(WorkloadLabels.MODEL_VERSION, "7")
        .containsEntry(WorkloadLabels.REVISION, file.revision());
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry(WorkloadLabels.MODEL_VERSION, "7")
        .containsEntry(WorkloadLabels.REVISION, file.revision());
    assertThat(pod.getInitContainers())
        .singleElement()
        .satisfies(
            init -> {
              assertThat(init.getName()).isEqualTo("fetch-model");
              assertThat(init.getImage()).isEqualTo("ghcr.io/modelkeeper/model-server:0.1.0");
              assertThat(init.getArgs()).containsExactly("fetch");
              assertThat(init.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
              assertThat(env(init))
                  .containsEntry(
                      "MODELKEEPER_MODEL_URI", "https://models.example.com/fraud/7/model.onnx")
                  .containsEntry("MODELKEEPER_MODEL_SHA256", "a".repeat(64))
                  .containsEntry("MODELKEEPER_MODEL_DIR", "/mnt/models");
              assertThat(init.getVolumeMounts())
                  .anySatisfy(
                      m -> {
                        assertThat(m.getName()).isEqualTo("model");
                        assertThat(m.getMountPath()).isEqualTo("/mnt/models");
                        assertThat(m.getReadOnly()).isFalse();
                      });
            });
    assertThat(pod.getVolumes())
        .anySatisfy(
            v -> {
              assertThat(v.getName()).isEqualTo("model");
              assertThat(v.getEmptyDir()).isNotNull();
            });
    Container server = server(deployment);
    assertThat(server.getName()).isEqualTo("model-server");
    assertThat(env(server))
        .containsEntry("MODELKEEPER_MODEL_NAME", "fraud")
        .containsEntry("MODELKEEPER_MODEL_VERSION", "7")
        .containsEntry("MODELKEEPER_MODEL_REVISION", file.revision())
        .containsEntry("MODELKEEPER_MODEL_URI", "file:///mnt/models/model.onnx")
        .containsEntry("MODELKEEPER_MODEL_SHA256", "a".repeat(64))
        .containsEntry("MODELKEEPER_EXECUTION_PROVIDER", "auto")
        .containsEntry("MODELKEEPER_MAX_BATCH_SIZE", "32")
        .containsEntry("MODELKEEPER_MAX_QUEUE_DELAY", "2ms")
        .containsEntry("QUARKUS_HTTP_PORT", "8080")
        .doesNotContainKey("MODELKEEPER_TASK");
    assertThat(server.getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getName()).isEqualTo("http");
              assertThat(p.getContainerPort()).isEqualTo(8080);
            });
    assertThat(server.getResources().getLimits()).doesNotContainKey("nvidia.com/gpu");
    assertThat(server.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(pod.getTolerations()).isEmpty();
    assertThat(server.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/v2/health/ready");
    assertThat(server.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/v2/health/live");
    assertThat(
            deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
        .isZero();
  }

  @Test
  void gpuModelGetsGpuLimitsTheNvidiaTolerationAndKeepsUserTolerations() {
    ModelDeployment md =
        TestModels.model(
            "vision",
            "3",
            spec -> {
              spec.getServing().setGpus(2);
              spec.getServing()
                  .setTolerations(
                      List.of(
                          new io.fabric8.kubernetes.api.model.TolerationBuilder()
                              .withKey("pool")
                              .withValue("ml")
                              .withOperator("Equal")
                              .withEffect("NoSchedule")
                              .build()));
              spec.getServing()
                  .setResources(
                      new ResourceRequirementsBuilder()
                          .addToRequests("memory", new Quantity("4Gi"))
                          .build());
              spec.getServing().setNodeSelector(Map.of("gpu", "a100"));
            });
    Deployment deployment = desired(md);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();

    assertThat(server(deployment).getResources().getLimits())
        .containsEntry("nvidia.com/gpu", new Quantity("2"));
    assertThat(server(deployment).getResources().getRequests())
        .containsEntry("memory", new Quantity("4Gi"));
    assertThat(pod.getTolerations())
        .extracting(t -> t.getKey())
        .containsExactly("pool", "nvidia.com/gpu");
    assertThat(pod.getNodeSelector()).containsEntry("gpu", "a100");
  }

  @Test
  void gpuResourceNameComesFromTheOperatorConfig() {
    ModelDeployment md = TestModels.model("vision", "3", spec -> spec.getServing().setGpus(1));
    OperatorConfig amd = TestModels.config("registry.local/server:1", "amd.com/gpu");
    Deployment deployment =
        ModelServerDeployment.desired(
            md, ModelVersion.of(md.getSpec().getModel()), Arm.STABLE, 1, amd);
    assertThat(server(deployment).getResources().getLimits())
        .containsKey("amd.com/gpu")
        .doesNotContainKey("nvidia.com/gpu");
    assertThat(server(deployment).getImage()).isEqualTo("registry.local/server:1");
    assertThat(deployment.getSpec().getTemplate().getSpec().getTolerations())
        .extracting(t -> t.getKey())
        .containsExactly("amd.com/gpu");
  }

  @Test
  void pvcModelIsMountedReadOnlyWithoutFetching() {
    ModelDeployment md =
        TestModels.model(
            "fraud", "7", spec -> spec.getModel().setUri("pvc://models/fraud/7/model.onnx"));
    Deployment deployment = desired(md);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();

    assertThat(pod.getInitContainers()).isEmpty();
    assertThat(pod.getVolumes())
        .anySatisfy(
            v -> {
              assertThat(v.getName()).isEqualTo("model");
              assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("models");
              assertThat(v.getPersistentVolumeClaim().getReadOnly()).isTrue();
            });
    assertThat(env(server(deployment)))
        .containsEntry("MODELKEEPER_MODEL_URI", "file:///mnt/models/fraud/7/model.onnx");
    assertThat(server(deployment).getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getName()).isEqualTo("model");
              assertThat(m.getReadOnly()).isTrue();
            });
  }

  @Test
  void everyContainerRunsWithTheRestrictedSecurityContext() {
    Deployment deployment = desired(TestModels.model("fraud", "7"));
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();

    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    for (Container container :
        List.of(pod.getInitContainers().get(0), pod.getContainers().get(0))) {
      SecurityContext context = container.getSecurityContext();
      assertThat(context.getRunAsNonRoot()).as(container.getName()).isTrue();
      assertThat(context.getAllowPrivilegeEscalation()).as(container.getName()).isFalse();
      assertThat(context.getReadOnlyRootFilesystem()).as(container.getName()).isTrue();
      assertThat(context.getCapabilities().getDrop())
          .as(container.getName())
          .containsExactly("ALL");
      assertThat(context.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
      assertThat(container.getVolumeMounts())
          .as("writable /tmp on a read-only root")
          .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
    }
  }

  @Test
  void labelsSelectorsScrapeAnnotationsAndOwnerFollowTheContract() {
    ModelDeployment md =
        TestModels.model(
            "fraud",
            "7",
            spec -> {
              spec.getModel().setName("fraud-detector");
              spec.getMonitoring().setTask(ModelTask.BINARY_CLASSIFICATION);
            });
    Deployment deployment =
        ModelServerDeployment.desired(
            md, ModelVersion.of(md.getSpec().getModel()), Arm.CANARY, 2, TestModels.config());

    assertThat(deployment.getMetadata().getLabels())
        .containsAllEntriesOf(
            Map.of(
                "app.kubernetes.io/name", "modelkeeper-model-server",
                "app.kubernetes.io/instance", "fraud",
                "app.kubernetes.io/version", "7",
                "app.kubernetes.io/managed-by", "modelkeeper",
                "modelkeeper.io/deployment", "fraud",
                "modelkeeper.io/version", "7",
                "modelkeeper.io/arm", "canary"));
    Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
    assertThat(podLabels)
        .containsEntry("modelkeeper.io/version", "7")
        .doesNotContainKey("modelkeeper.io/arm");
    assertThat(deployment.getSpec().getSelector().getMatchLabels())
        .containsEntry("modelkeeper.io/deployment", "fraud")
        .containsEntry("modelkeeper.io/version", "7");
    assertThat(podLabels).containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
    assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsAllEntriesOf(
            Map.of(
                "prometheus.io/scrape",
                "true",
                "prometheus.io/port",
                "8080",
                "prometheus.io/path",
                "/metrics"));
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(deployment.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            owner -> {
              assertThat(owner.getKind()).isEqualTo("ModelDeployment");
              assertThat(owner.getUid()).isEqualTo("uid-fraud");
              assertThat(owner.getController()).isTrue();
            });
    assertThat(env(server(deployment)))
        .containsEntry("MODELKEEPER_MODEL_NAME", "fraud-detector")
        .containsEntry("MODELKEEPER_TASK", "binary-classification")
        .containsEntry("MODELKEEPER_QUALITY_WINDOW", "1000");
  }

  @Test
  void explanationSettingsReachTheServerOnlyWhenSet() {
    ModelDeployment md = TestModels.model("fraud", "7");
    assertThat(env(server(desired(md))))
        .doesNotContainKeys("MODELKEEPER_EXPLAIN_LIVE_RATE", "MODELKEEPER_EXPLAIN_FEATURE_NAMES");

    var explanations = new io.modelkeeper.api.v1alpha1.ExplanationsSpec();
    explanations.setLiveRate(0.25);
    explanations.setFeatureNames(List.of("amount", "age", "hour"));
    md.getSpec().getMonitoring().setExplanations(explanations);

    assertThat(env(server(desired(md))))
        .containsEntry("MODELKEEPER_EXPLAIN_LIVE_RATE", "0.25")
        .containsEntry("MODELKEEPER_EXPLAIN_FEATURE_NAMES", "amount,age,hour");
  }

  @Test
  void serviceSpansEveryVersionOnPort80() {
    var service = ModelService.desired(TestModels.model("fraud", "7"));
    assertThat(service.getMetadata().getName()).isEqualTo("fraud");
    assertThat(service.getSpec().getSelector())
        .containsOnly(
            Map.entry("app.kubernetes.io/name", "modelkeeper-model-server"),
            Map.entry("modelkeeper.io/deployment", "fraud"));
    assertThat(service.getSpec().getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getPort()).isEqualTo(80);
              assertThat(p.getTargetPort().getStrVal()).isEqualTo("http");
            });
    assertThat(service.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getName()).isEqualTo("fraud"));
  }

  @Test
  void serverDrainsAfterAPreStopSleepWithinTheGracePeriod() {
    PodSpec pod = desired(TestModels.model("fraud", "7")).getSpec().getTemplate().getSpec();
    Container server = pod.getContainers().get(0);

    assertThat(server.getLifecycle().getPreStop().getSleep().getSeconds()).isEqualTo(5L);
    assertThat(server.getLifecycle().getPreStop().getExec()).isNull();
    assertThat(env(server)).containsEntry("QUARKUS_SHUTDOWN_TIMEOUT", "25s");
    assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(40L);
  }

  @Test
  void withoutAccessSettingsEverythingIsOnTheHttpPortWithoutTokens() {
    Deployment deployment = desired(TestModels.model("fraud", "7"));
    Container server = server(deployment);

    assertThat(server.getPorts()).extracting(p -> p.getName()).containsExactly("http");
    assertThat(env(server))
        .doesNotContainKeys(
            "MODELKEEPER_ADMIN_PORT",
            "MODELKEEPER_ADMIN_TOKEN_FILE",
            "MODELKEEPER_INFERENCE_TOKEN_FILE");
    assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("prometheus.io/port", "8080");
  }

  @Test
  void adminPortAndTokensAreMountedFromSecretsNeverPutInTheEnvironment() {
    ModelDeployment md =
        TestModels.model(
            "fraud",
            "7",
            spec -> {
              AccessSpec access = new AccessSpec();
              access.setAdminPort(8081);
              access.setAdminToken(secretKey("fraud-tokens", "admin"));
              access.setInferenceToken(secretKey("fraud-callers", "token"));
              spec.getServing().setAccess(access);
            });
    Deployment deployment = desired(md);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container server = server(deployment);

    assertThat(server.getPorts())
        .extracting(p -> p.getName() + "=" + p.getContainerPort())
        .containsExactly("http=8080", "admin=8081");
    assertThat(env(server))
        .containsEntry("MODELKEEPER_ADMIN_PORT", "8081")
        .containsEntry("MODELKEEPER_ADMIN_TOKEN_FILE", "/var/run/modelkeeper/admin-token/token")
        .containsEntry(
            "MODELKEEPER_INFERENCE_TOKEN_FILE", "/var/run/modelkeeper/inference-token/token");
    assertThat(server.getEnv())
        .allSatisfy(
            e ->
                assertThat(e.getValueFrom() == null || e.getValueFrom().getSecretKeyRef() == null)
                    .as("%s takes no Secret", e.getName())
                    .isTrue());
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getSecret() != null)
        .extracting(
            v ->
                v.getName()
                    + ":"
                    + v.getSecret().getSecretName()
                    + "/"
                    + v.getSecret().getItems().get(0).getKey()
                    + "->"
                    + v.getSecret().getItems().get(0).getPath()
                    + " mode "
                    + Integer.toOctalString(v.getSecret().getDefaultMode()))
        .containsExactly(
            "admin-token:fraud-tokens/admin->token mode 440",
            "inference-token:fraud-callers/token->token mode 440");
    assertThat(server.getVolumeMounts())
        .filteredOn(m -> m.getName().endsWith("-token"))
        .allSatisfy(m -> assertThat(m.getReadOnly()).isTrue())
        .extracting(m -> m.getMountPath())
        .containsExactly(
            "/var/run/modelkeeper/admin-token", "/var/run/modelkeeper/inference-token");
    // The init container needs no token.
    assertThat(pod.getInitContainers().get(0).getVolumeMounts())
        .noneSatisfy(m -> assertThat(m.getName()).endsWith("-token"));
    // Probes stay on the http port, which needs no token for health.
    assertThat(server.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
    assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("prometheus.io/port", "8081");
  }

  private static SecretKeyRef secretKey(String name, String key) {
    SecretKeyRef ref = new SecretKeyRef();
    ref.setName(name);
    ref.setKey(key);
    return ref;
  }
}

package io.modelkeeper.e2e.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.modelkeeper.e2e.RequiredTools;
import io.modelkeeper.e2e.cluster.Kubectl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real kubectl against the local API server with the committed ModelDeployment CRD and the
 * example manifest. No operator runs here: the test writes the Ready condition itself, as the
 * operator would, to show that kubectl's printer columns and {@code wait} work on the CRD.
 */
class KubectlModelDeploymentTest {

  private static final ResourceDefinitionContext MODEL_DEPLOYMENTS =
      new ResourceDefinitionContext.Builder()
          .withGroup("modelkeeper.io")
          .withVersion("v1alpha1")
          .withPlural("modeldeployments")
          .withKind("ModelDeployment")
          .withNamespaced(true)
          .build();

  @TempDir static Path dir;
  static Path project;
  static LocalApiServer api;
  static Kubectl kubectl;

  @BeforeAll
  static void start() {
    Path binary = RequiredTools.kubectl("the kubectl tests");
    project =
        Path.of(System.getProperty("modelkeeper.project.dir", "..")).toAbsolutePath().normalize();
    api = LocalApiServer.start(project.resolve("crds"));
    kubectl =
        new Kubectl(binary, api.writeKubeconfig(dir.resolve("kubeconfig")), dir.resolve("cache"));
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  @Test
  void applyGetAndWaitOnTheExampleModelDeployment() throws Exception {
    Path example = project.resolve("manifests/examples/cpu-model.yaml");
    assertThat(kubectl.run("apply", "--validate=false", "-f", example.toString()).orThrow())
        .contains("modeldeployment.modelkeeper.io/fraud created");

    String table = kubectl.run("get", "md").orThrow();
    assertThat(table)
        .contains(
            "NAME",
            "VERSION",
            "CANARY",
            "STEP",
            "WEIGHT",
            "PHASE",
            "ACCURACY",
            "DECISION",
            "READY",
            "AGE")
        .contains("fraud");

    CompletableFuture<Void> operatorStandIn =
        CompletableFuture.runAsync(
            () -> {
              try (KubernetesClient client = api.client()) {
                TimeUnit.SECONDS.sleep(2);
                GenericKubernetesResource md =
                    client.genericKubernetesResources(MODEL_DEPLOYMENTS).withName("fraud").get();
                md.setAdditionalProperty(
                    "status",
                    Map.of(
                        "phase", "Ready",
                        "stable", Map.of("version", "1", "replicas", 2, "readyReplicas", 2),
                        "conditions",
                            List.of(
                                Map.of(
                                    "type",
                                    "Ready",
                                    "status",
                                    "True",
                                    "reason",
                                    "Available",
                                    "message",
                                    "Version 1 serves with 2/2 pods",
                                    "lastTransitionTime",
                                    "2026-01-01T00:00:00Z"))));
                client.genericKubernetesResources(MODEL_DEPLOYMENTS).resource(md).updateStatus();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    Kubectl.Result waited =
        kubectl.run("wait", "--for=condition=Ready", "md/fraud", "--timeout=30s");
    operatorStandIn.get(10, TimeUnit.SECONDS);
    assertThat(waited.orThrow()).contains("modeldeployment.modelkeeper.io/fraud condition met");
    assertThat(kubectl.run("get", "md", "fraud").orThrow())
        .containsPattern("fraud\\s+1\\s+Ready\\s+True");

    // A spec edit through kubectl apply keeps the status and moves the generation.
    String edited = Files.readString(example).replace("replicas: 2", "replicas: 3");
    assertThat(kubectl.runWithInput(edited, "apply", "--validate=false", "-f", "-").orThrow())
        .contains("configured");
    assertThat(
            kubectl
                .run(
                    "get",
                    "md",
                    "fraud",
                    "-o",
                    "jsonpath={.spec.serving.replicas} {.metadata.generation} {.status.phase}")
                .orThrow())
        .isEqualTo("3 2 Ready");
    // Lists are replaced, not appended to, by a merge patch (RFC 7386).
    kubectl
        .run(
            "patch",
            "md",
            "fraud",
            "--type=merge",
            "-p",
            "{\"spec\":{\"rollout\":{\"steps\":[{\"weight\":20,\"duration\":\"1m\"}]}}}")
        .orThrow();
    assertThat(
            kubectl
                .run("get", "md", "fraud", "-o", "jsonpath={.spec.rollout.steps[*].weight}")
                .orThrow())
        .isEqualTo("20");
  }
}

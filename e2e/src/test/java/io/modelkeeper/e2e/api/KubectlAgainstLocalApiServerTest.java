package io.modelkeeper.e2e.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.modelkeeper.e2e.RequiredTools;
import io.modelkeeper.e2e.cluster.Kubectl;
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
 * The real kubectl against the local API server, on a small CRD of its own (no operator involved).
 */
class KubectlAgainstLocalApiServerTest {

  private static final ResourceDefinitionContext WIDGETS =
      new ResourceDefinitionContext.Builder()
          .withGroup("example.io")
          .withVersion("v1")
          .withPlural("widgets")
          .withKind("Widget")
          .withNamespaced(true)
          .build();

  @TempDir static Path dir;
  static LocalApiServer api;
  static Kubectl kubectl;

  @BeforeAll
  static void start() {
    Path binary = RequiredTools.kubectl("the kubectl tests");
    api = LocalApiServer.start(Path.of("src/test/resources/crds"));
    kubectl =
        new Kubectl(binary, api.writeKubeconfig(dir.resolve("kubeconfig")), dir.resolve("cache"));
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  private static String widget(String name, int size) {
    return """
        apiVersion: example.io/v1
        kind: Widget
        metadata:
          name: %s
        spec:
          size: %d
        """
        .formatted(name, size);
  }

  @Test
  void discoveryAnnouncesBuiltInsAndInstalledCrds() {
    String resources = kubectl.run("api-resources").orThrow();
    assertThat(resources)
        .contains(
            "deployments",
            "pods",
            "services",
            "events",
            "configmaps",
            "namespaces",
            "httproutes",
            "customresourcedefinitions",
            "widgets");
    assertThat(kubectl.run("version").orThrow()).contains("Server Version: v1.32");
  }

  @Test
  void applyGetPatchAndJsonpath() {
    assertThat(
            kubectl
                .runWithInput(widget("alpha", 1), "apply", "--validate=false", "-f", "-")
                .orThrow())
        .contains("widget.example.io/alpha created");
    assertThat(
            kubectl
                .runWithInput(widget("alpha", 2), "apply", "--validate=false", "-f", "-")
                .orThrow())
        .contains("widget.example.io/alpha configured");

    String table = kubectl.run("get", "wd").orThrow();
    assertThat(table).contains("NAME", "SIZE", "READY", "AGE").containsPattern("alpha\\s+2\\s");

    kubectl
        .run("patch", "widget", "alpha", "--type=merge", "-p", "{\"spec\":{\"size\":5}}")
        .orThrow();
    assertThat(kubectl.run("get", "wd", "alpha", "-o", "jsonpath={.spec.size}").orThrow())
        .isEqualTo("5");
    kubectl
        .run(
            "patch",
            "widget",
            "alpha",
            "--type=json",
            "-p",
            "[{\"op\":\"replace\",\"path\":\"/spec/size\",\"value\":7}]")
        .orThrow();
    assertThat(
            kubectl
                .run("get", "wd", "alpha", "-o", "jsonpath={.spec.size} {.metadata.generation}")
                .orThrow())
        .isEqualTo("7 4");
  }

  @Test
  void waitSeesAConditionWrittenLaterAndDeleteRemoves() throws Exception {
    kubectl.runWithInput(widget("beta", 1), "apply", "--validate=false", "-f", "-").orThrow();
    // This test plays the controller: it writes the Ready condition through the status subresource.
    CompletableFuture<Void> controller =
        CompletableFuture.runAsync(
            () -> {
              try (KubernetesClient client = api.client()) {
                TimeUnit.SECONDS.sleep(2);
                GenericKubernetesResource beta =
                    client.genericKubernetesResources(WIDGETS).withName("beta").get();
                beta.setAdditionalProperty(
                    "status",
                    Map.of("conditions", List.of(Map.of("type", "Ready", "status", "True"))));
                client.genericKubernetesResources(WIDGETS).resource(beta).updateStatus();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    Kubectl.Result waited =
        kubectl.run("wait", "--for=condition=Ready", "widget/beta", "--timeout=30s");
    controller.get(10, TimeUnit.SECONDS);
    assertThat(waited.orThrow()).contains("widget.example.io/beta condition met");
    assertThat(kubectl.run("get", "wd", "beta").orThrow()).containsPattern("beta\\s+1\\s+True");

    assertThat(kubectl.run("delete", "widget", "beta", "--timeout=30s").orThrow())
        .contains("deleted");
    Kubectl.Result gone = kubectl.run("get", "widget", "beta");
    assertThat(gone.exitCode()).isNotZero();
    assertThat(gone.err()).contains("NotFound");
  }

  @Test
  void whatTheMockCannotDoIsRefusedWithAMessage() {
    kubectl.runWithInput(widget("gamma", 1), "apply", "--validate=false", "-f", "-").orThrow();
    Kubectl.Result strategic =
        kubectl.run("patch", "widget", "gamma", "-p", "{\"spec\":{\"size\":2}}");
    assertThat(strategic.exitCode()).isNotZero();
    assertThat(strategic.err()).contains("--type=merge");

    Kubectl.Result protobuf = kubectl.run("create", "configmap", "settings", "--from-literal=a=b");
    assertThat(protobuf.exitCode()).isNotZero();
    assertThat(protobuf.err()).contains("kubectl apply -f");
  }
}

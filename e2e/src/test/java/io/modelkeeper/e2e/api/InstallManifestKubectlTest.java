package io.modelkeeper.e2e.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelkeeper.e2e.RequiredTools;
import io.modelkeeper.e2e.cluster.Kubectl;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubectl apply -f manifests/install.yaml}, as a user runs it, against the local API server
 * started empty (no CRDs): first with {@code --dry-run=client}, then for real; afterwards the API
 * server serves ModelDeployments and kubectl accepts every example.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InstallManifestKubectlTest {

  private static final Path PROJECT =
      Path.of(System.getProperty("modelkeeper.project.dir", "..")).toAbsolutePath().normalize();
  private static final Path INSTALL = PROJECT.resolve("manifests/install.yaml");
  private static final Path EXAMPLES = PROJECT.resolve("manifests/examples");

  @TempDir static Path dir;
  static LocalApiServer api;
  static Kubectl kubectl;
  static List<HasMetadata> documents;

  @BeforeAll
  static void start() throws IOException {
    Path binary = RequiredTools.kubectl("the kubectl tests");
    Path noCrds = Files.createDirectories(dir.resolve("no-crds"));
    api = LocalApiServer.start(noCrds);
    kubectl =
        new Kubectl(binary, api.writeKubeconfig(dir.resolve("kubeconfig")), dir.resolve("cache"));
    try (InputStream in = Files.newInputStream(INSTALL);
        KubernetesClient client = api.client()) {
      documents = client.load(in).items();
    }
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  @Test
  @Order(1)
  void clientDryRunAcceptsEveryDocumentAndCreatesNothing() {
    assertThat(documents)
        .extracting(HasMetadata::getKind)
        .contains(
            "CustomResourceDefinition",
            "Namespace",
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "ConfigMap",
            "Deployment",
            "Service");

    String out =
        kubectl
            .run("apply", "--dry-run=client", "--validate=false", "-f", INSTALL.toString())
            .orThrow();

    for (HasMetadata document : documents) {
      assertThat(out)
          .as("kubectl's answer for %s %s", document.getKind(), document.getMetadata().getName())
          .containsPattern("(?m)^" + kubectlName(document) + " created \\(dry run\\)$");
    }
    assertThat(out.lines().filter(line -> line.endsWith("(dry run)"))).hasSize(documents.size());
    try (KubernetesClient client = api.client()) {
      assertThat(client.namespaces().withName("modelkeeper-system").get()).isNull();
      assertThat(client.apiextensions().v1().customResourceDefinitions().list().getItems())
          .isEmpty();
    }
  }

  @Test
  @Order(2)
  void applyCreatesEveryDocument() {
    String out = kubectl.run("apply", "--validate=false", "-f", INSTALL.toString()).orThrow();

    try (KubernetesClient client = api.client()) {
      for (HasMetadata document : documents) {
        assertThat(out).containsPattern("(?m)^" + kubectlName(document) + " created$");
        assertThat(client.resource(document).get())
            .as("%s %s stored", document.getKind(), document.getMetadata().getName())
            .isNotNull();
      }
    }
    assertThat(kubectl.run("api-resources", "--api-group=modelkeeper.io").orThrow())
        .containsPattern(
            "modeldeployments\\s+md\\s+modelkeeper.io/v1alpha1\\s+true\\s+ModelDeployment");
    assertThat(
            kubectl
                .run(
                    "get",
                    "deployment",
                    "modelkeeper",
                    "-n",
                    "modelkeeper-system",
                    "-o",
                    "jsonpath={.spec.template.spec.serviceAccountName}")
                .orThrow())
        .isEqualTo("modelkeeper");
  }

  @Test
  @Order(3)
  void afterInstallKubectlAcceptsEveryExample() throws IOException {
    List<Path> files;
    try (Stream<Path> listing = Files.list(EXAMPLES)) {
      files = listing.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(files)
        .extracting(p -> p.getFileName().toString())
        .containsExactly(
            "canary-rollout.yaml", "cpu-model.yaml", "gateway-api.yaml", "gpu-model.yaml");
    for (Path file : files) {
      assertThat(
              kubectl
                  .run("apply", "--dry-run=client", "--validate=false", "-f", file.toString())
                  .orThrow())
          .as(file.toString())
          .contains("created (dry run)");
    }
    for (String overlay : List.of("production", "staging")) {
      Path directory = EXAMPLES.resolve("kustomize/overlays/" + overlay);
      assertThat(
              kubectl
                  .run("apply", "--dry-run=client", "--validate=false", "-k", directory.toString())
                  .orThrow())
          .as(directory.toString())
          .contains("modeldeployment.modelkeeper.io/fraud created (dry run)");
    }
  }

  /**
   * How kubectl names an object in its answers: {@code kind.group/name}, or {@code kind/name} for
   * the core group.
   */
  private static String kubectlName(HasMetadata object) {
    String apiVersion = object.getApiVersion();
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    String kind = object.getKind().toLowerCase();
    return Pattern.quote(
        (group.isEmpty() ? kind : kind + "." + group) + "/" + object.getMetadata().getName());
  }
}

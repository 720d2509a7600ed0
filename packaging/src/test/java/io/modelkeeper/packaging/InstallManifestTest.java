package io.modelkeeper.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code manifests/install.yaml} is the chart rendered with its defaults, so {@code kubectl apply}
 * installs exactly what {@code helm install} would. The committed copy must never go stale.
 */
class InstallManifestTest {

  static final String REGENERATE =
      "./mvnw -B -am -pl packaging verify -Dtest=InstallManifestTest"
          + " -Dsurefire.failIfNoSpecifiedTests=false -Dmanifests.update=true";

  private static final Path INSTALL = Repo.path("manifests/install.yaml");

  static String expected() {
    // helm template leaves the chart's crds/ out; kubectl apply needs them first.
    StringBuilder crds = new StringBuilder();
    for (String crd : crdFiles()) {
      crds.append("---\n").append(Repo.read("helm/modelkeeper/crds/" + crd).strip()).append("\n");
    }
    return """
        # ModelKeeper: everything `helm install modelkeeper helm/modelkeeper -n %s` installs,
        # rendered with the chart's defaults. Install with: kubectl apply -f manifests/install.yaml
        # Generated; do not edit. Regenerate with:
        #   %s
        ---
        apiVersion: v1
        kind: Namespace
        metadata:
          name: %s
          labels:
            pod-security.kubernetes.io/enforce: restricted
        %s%s"""
        .formatted(
            Chart.NAMESPACE,
            REGENERATE,
            Chart.NAMESPACE,
            crds,
            Chart.render(Map.of()).strip() + "\n");
  }

  private static List<String> crdFiles() {
    try (var files = Files.list(Repo.path("helm/modelkeeper/crds"))) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.endsWith(".yml"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void committedInstallManifestIsTheRenderedChart() throws IOException {
    String expected = expected();
    if (Boolean.getBoolean("manifests.update")) {
      Files.writeString(INSTALL, expected);
    }
    assertThat(INSTALL)
        .as("manifests/install.yaml is missing; create it with:%n  %s", REGENERATE)
        .exists();
    assertThat(Files.readString(INSTALL))
        .as("manifests/install.yaml is stale; regenerate it with:%n  %s", REGENERATE)
        .isEqualTo(expected);
  }

  @Test
  void installManifestCarriesTheCrdsTheNamespaceAndTheOperator() {
    List<HasMetadata> objects = Chart.objects(expected());

    assertThat(Chart.ofType(objects, Namespace.class))
        .extracting(n -> n.getMetadata().getName())
        .containsExactly(Chart.NAMESPACE);
    assertThat(Chart.ofType(objects, CustomResourceDefinition.class))
        .extracting(crd -> crd.getMetadata().getName())
        .contains("modeldeployments.modelkeeper.io");
    assertThat(Chart.ofType(objects, Deployment.class))
        .singleElement()
        .satisfies(d -> assertThat(d.getMetadata().getNamespace()).isEqualTo(Chart.NAMESPACE));
    for (HasMetadata object : objects) {
      assertThat(UnknownFields.in(object))
          .as("%s %s", object.getKind(), object.getMetadata().getName())
          .isEmpty();
    }
  }
}

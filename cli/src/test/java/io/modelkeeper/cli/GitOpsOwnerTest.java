package io.modelkeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GitOpsOwnerTest {

  @Test
  void recognisesArgoCdAndFluxByTheirMarksAndFieldManagers() throws Exception {
    assertThat(owner("{\"metadata\":{\"annotations\":{\"argocd.argoproj.io/tracking-id\":\"a\"}}}"))
        .contains("Argo CD (annotation argocd.argoproj.io/tracking-id)");
    assertThat(owner("{\"metadata\":{\"labels\":{\"kustomize.toolkit.fluxcd.io/name\":\"apps\"}}}"))
        .contains("Flux (Kustomization) (label kustomize.toolkit.fluxcd.io/name)");
    assertThat(
            owner(
                "{\"metadata\":{\"managedFields\":[{\"manager\":\"kubectl-client-side-apply\"},"
                    + "{\"manager\":\"helm-controller\"}]}}"))
        .contains("Flux (HelmRelease) (field manager helm-controller)");
    assertThat(
            owner(
                "{\"metadata\":{\"managedFields\":[{\"manager\":\"kubectl-edit\"}],"
                    + "\"labels\":{\"team\":\"risk\"}}}"))
        .isEmpty();
  }

  private static java.util.Optional<String> owner(String json) throws Exception {
    return GitOpsOwner.of(Kubectl.JSON.readTree(json));
  }
}

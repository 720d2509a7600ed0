package io.modelkeeper.e2e.scenarios;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.LocalPortForward;
import io.modelkeeper.e2e.cluster.Kubectl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real cluster (Kind, or any other) reached through a kubeconfig, with the operator already
 * installed (Helm chart) and models served at a URL the pods can reach. Pods are reached through
 * port-forwards.
 */
final class KubeconfigClusterUnderTest implements ClusterUnderTest {

  private final Path kubeconfig;
  private final String modelBaseUrl;
  private final Path modelsDir;
  private final KubernetesClient client;
  private final List<LocalPortForward> forwards = new ArrayList<>();

  KubeconfigClusterUnderTest(Path kubeconfig, String modelBaseUrl, Path modelsDir) {
    this.kubeconfig = kubeconfig;
    this.modelBaseUrl = modelBaseUrl;
    this.modelsDir = modelsDir;
    try {
      this.client =
          new KubernetesClientBuilder()
              .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
              .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public KubernetesClient client() {
    return client;
  }

  @Override
  public Kubectl kubectl() {
    return new Kubectl(Kubectl.find(), kubeconfig, kubeconfig.resolveSibling("kubectl-cache"));
  }

  @Override
  public String modelBaseUrl() {
    return modelBaseUrl;
  }

  @Override
  public Path modelsDir() {
    return modelsDir;
  }

  @Override
  public String podBaseUrl(Pod pod) {
    LocalPortForward forward =
        client
            .pods()
            .inNamespace(pod.getMetadata().getNamespace())
            .withName(pod.getMetadata().getName())
            .portForward(8080);
    forwards.add(forward);
    return "http://127.0.0.1:" + forward.getLocalPort();
  }

  /** Through a port-forward, which (unlike a Service) keeps to one pod. */
  @Override
  public String serviceBaseUrl(String namespace, String name) {
    LocalPortForward forward =
        client.services().inNamespace(namespace).withName(name).portForward(80);
    forwards.add(forward);
    return "http://127.0.0.1:" + forward.getLocalPort();
  }

  @Override
  public boolean runsLocalProcesses() {
    return false;
  }

  @Override
  public String diagnostics() {
    Kubectl kubectl = kubectl();
    return "--- operator log ---\n"
        + kubectl
            .run(
                "logs",
                "-n",
                "modelkeeper-system",
                "-l",
                // The labels the Helm chart gives the operator's pod (templates/_helpers.tpl).
                "app.kubernetes.io/name=modelkeeper,app.kubernetes.io/component=operator",
                "--tail=80")
            .out()
        + "\n--- model-server pods ---\n"
        + kubectl
            .run(
                "logs",
                "-l",
                "app.kubernetes.io/managed-by=modelkeeper",
                "--all-containers",
                "--prefix",
                "--tail=20")
            .out();
  }

  @Override
  public void close() {
    for (LocalPortForward forward : forwards) {
      try {
        forward.close();
      } catch (IOException ignored) {
        // the forward ends with the client anyway
      }
    }
    client.close();
  }
}

package io.modelkeeper.e2e.scenarios;

import io.modelkeeper.e2e.RequiredTools;
import io.modelkeeper.e2e.cluster.Kubectl;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The one cluster a scenario class runs on: started before the class's own {@code @BeforeAll} (the
 * local cluster, or with {@link #orKubeconfig()} the cluster of {@code
 * -Dmodelkeeper.e2e.kubeconfig}), stopped after its {@code @AfterAll}, and described on the console
 * when a test fails. Register it on a static field with {@code @RegisterExtension}.
 */
final class ScenarioCluster implements BeforeAllCallback, AfterAllCallback, TestWatcher {

  private final String stateDir;
  private final List<Supplier<String>> descriptions = new ArrayList<>();
  private boolean kubeconfigAllowed;
  private Path project;
  private ClusterUnderTest cluster;

  private ScenarioCluster(String stateDir) {
    this.stateDir = stateDir;
  }

  /** A local cluster keeping its pods' files and logs under {@code e2e/target/<stateDir>}. */
  static ScenarioCluster local(String stateDir) {
    return new ScenarioCluster(stateDir);
  }

  /**
   * Runs on the cluster of {@code -Dmodelkeeper.e2e.kubeconfig} (with {@code
   * -Dmodelkeeper.e2e.model-base-url}) when given.
   */
  ScenarioCluster orKubeconfig() {
    kubeconfigAllowed = true;
    return this;
  }

  /** More to print when a test fails, after the cluster's own diagnostics. */
  ScenarioCluster describeOnFailure(Supplier<String> description) {
    descriptions.add(description);
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    RequiredTools.kubectl("the end-to-end scenarios");
    project =
        Path.of(System.getProperty("modelkeeper.project.dir", "..")).toAbsolutePath().normalize();
    String kubeconfig =
        kubeconfigAllowed ? System.getProperty("modelkeeper.e2e.kubeconfig", "") : "";
    cluster =
        kubeconfig.isBlank()
            ? LocalClusterUnderTest.start(project, project.resolve("e2e/target").resolve(stateDir))
            : new KubeconfigClusterUnderTest(
                Path.of(kubeconfig),
                System.getProperty("modelkeeper.e2e.model-base-url"),
                project.resolve("examples/models"));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    if (cluster == null) {
      return;
    }
    Kubectl kubectl = cluster.kubectl();
    StringBuilder text =
        new StringBuilder("===== ")
            .append(context.getDisplayName())
            .append(" failed: diagnostics =====\n")
            .append(cluster.diagnostics())
            .append('\n')
            .append("--- kubectl get md -A -o yaml ---\n")
            .append(kubectl.run("get", "md", "-A", "-o", "yaml").out())
            .append(kubectl.run("get", "deploy,pods", "-A", "-o", "wide").out())
            .append(kubectl.run("get", "events", "-A").out());
    for (Supplier<String> description : descriptions) {
      try {
        text.append(description.get()).append('\n');
      } catch (RuntimeException e) {
        text.append("(could not describe: ").append(e).append(")\n");
      }
    }
    System.out.println(text);
  }

  /** The checkout the scenarios run from. */
  Path project() {
    return project;
  }

  ClusterUnderTest cluster() {
    return cluster;
  }

  /**
   * The local cluster, for scenarios that reach into its processes (operator restart, its
   * /q/metrics).
   */
  LocalClusterUnderTest local() {
    if (cluster instanceof LocalClusterUnderTest local) {
      return local;
    }
    throw new IllegalStateException("this scenario needs the local cluster");
  }
}

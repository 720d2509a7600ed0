package io.modelkeeper.e2e.scenarios;

import io.modelkeeper.e2e.RequiredTools;
import io.modelkeeper.e2e.cluster.Kubectl;
import io.modelkeeper.e2e.cluster.OperatorProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The one cluster a scenario class runs on: started before the class's own {@code @BeforeAll},
 * stopped after its {@code @AfterAll}, and described on the console when a test fails. Register it
 * on a static field with {@code @RegisterExtension}.
 *
 * <p>Every scenario class runs on the local cluster by default, and on a real cluster (Kind, or any
 * other with the Helm chart installed) when given its kubeconfig: {@code
 * -Dmodelkeeper.e2e.kubeconfig=<file>} or {@code MODELKEEPER_E2E_KUBECONFIG}, with the URL under
 * which pods reach the sample models in {@code -Dmodelkeeper.e2e.model-base-url} or {@code
 * MODELKEEPER_E2E_MODEL_BASE_URL}. A test that reaches into the local cluster's processes (restarts
 * the operator, reads its request log) asks for {@link #local()} and is skipped on a real cluster.
 */
final class ScenarioCluster implements BeforeAllCallback, AfterAllCallback, TestWatcher {

  static final String KUBECONFIG_PROPERTY = "modelkeeper.e2e.kubeconfig";
  static final String MODEL_BASE_URL_PROPERTY = "modelkeeper.e2e.model-base-url";

  private final String stateDir;
  private final List<Supplier<String>> descriptions = new ArrayList<>();
  private Duration reconcileInterval = OperatorProcess.LOCAL_RECONCILE_INTERVAL;
  private boolean withPrometheus;
  private Path project;
  private ClusterUnderTest cluster;

  private ScenarioCluster(String stateDir) {
    this.stateDir = stateDir;
  }

  /**
   * The cluster of the given kubeconfig, or else a local cluster keeping its pods' files and logs
   * under {@code e2e/target/<stateDir>}.
   */
  static ScenarioCluster local(String stateDir) {
    return new ScenarioCluster(stateDir);
  }

  /** The local operator's periodic reconcile (a real cluster's operator keeps its own). */
  ScenarioCluster reconcilingEvery(Duration interval) {
    this.reconcileInterval = interval;
    return this;
  }

  /**
   * The local cluster with a real Prometheus that scrapes its pods and operator, the operator's
   * Prometheus ({@link io.modelkeeper.e2e.cluster.LocalPrometheus}). The class is skipped where the
   * {@code prometheus} binary is missing (failed where MODELKEEPER_REQUIRE_TOOLS=true), and on a
   * real cluster, whose Prometheus the scenarios do not reach.
   */
  ScenarioCluster withPrometheus() {
    this.withPrometheus = true;
    return this;
  }

  /** A setting from its system property, else from its environment variable, else blank. */
  private static String setting(String property) {
    String value = System.getProperty(property, "");
    if (value.isBlank()) {
      String env = property.toUpperCase().replace('.', '_').replace('-', '_');
      value = System.getenv().getOrDefault(env, "");
    }
    return value.strip();
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
    String kubeconfig = setting(KUBECONFIG_PROPERTY);
    if (withPrometheus) {
      Assumptions.assumeTrue(
          kubeconfig.isBlank(),
          "these scenarios run on the local cluster's own Prometheus; skipped on the cluster of "
              + kubeconfig);
      RequiredTools.prometheus("the Prometheus scenarios");
    }
    if (kubeconfig.isBlank()) {
      cluster =
          LocalClusterUnderTest.start(
              project,
              project.resolve("e2e/target").resolve(stateDir),
              reconcileInterval,
              withPrometheus);
      return;
    }
    String modelBaseUrl = setting(MODEL_BASE_URL_PROPERTY);
    if (modelBaseUrl.isBlank()) {
      throw new IllegalStateException(
          "a kubeconfig is given but no model base URL: set -D"
              + MODEL_BASE_URL_PROPERTY
              + " (or MODELKEEPER_E2E_MODEL_BASE_URL) to where the pods reach examples/models");
    }
    cluster =
        new KubeconfigClusterUnderTest(
            Path.of(kubeconfig), modelBaseUrl, project.resolve("examples/models"));
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
   * The local cluster, for tests that reach into its processes (operator restart, its /q/metrics,
   * the API server's request log); on a real cluster such a test is skipped, saying why.
   */
  LocalClusterUnderTest local() {
    if (cluster instanceof LocalClusterUnderTest local) {
      return local;
    }
    Assumptions.abort(
        "this test reaches into the local cluster's processes; skipped on the cluster of "
            + setting(KUBECONFIG_PROPERTY));
    throw new IllegalStateException("unreachable");
  }
}

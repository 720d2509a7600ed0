package io.modelkeeper.e2e.scenarios;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelkeeper.e2e.cluster.Kubectl;
import java.nio.file.Path;

/**
 * A cluster the scenarios drive: the local cluster, or any cluster reached through a kubeconfig.
 */
interface ClusterUnderTest extends AutoCloseable {

  KubernetesClient client();

  Kubectl kubectl();

  /** The base URL, as pods see it, under which {@code <model>/model.onnx} files are served. */
  String modelBaseUrl();

  /** The examples/models directory the model repository serves (for the reference run). */
  Path modelsDir();

  /** A base URL through which the test reaches a pod's HTTP port. */
  String podBaseUrl(Pod pod);

  /**
   * A base URL through which the test reaches a Service's first port, spreading connections over
   * its ready pods as a Service does.
   */
  String serviceBaseUrl(String namespace, String name);

  /** True when pods are local processes whose ends the test can check. */
  boolean runsLocalProcesses();

  /** Operator log and pod logs, printed when a scenario fails. */
  String diagnostics();

  @Override
  void close();
}

package io.modelkeeper.operator.retraining;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The tail of a training pod's trainer container log, read through the pod log API: bounded in
 * bytes and lines, so a chatty trainer cannot make the operator read without end.
 */
final class PodLogs {

  private static final Logger LOG = Logger.getLogger(PodLogs.class);

  /** Log bytes read per look at a training pod: enough for the latest metric lines. */
  static final int TAIL_BYTES = 64 * 1024;

  static final int TAIL_LINES = 500;

  private PodLogs() {}

  /** The tail; empty when the pod has no log yet (not started) or it cannot be read now. */
  static Optional<String> tail(KubernetesClient client, String namespace, Pod pod) {
    try {
      return Optional.ofNullable(
          client
              .pods()
              .inNamespace(namespace)
              .withName(pod.getMetadata().getName())
              .inContainer(PodReport.trainerContainer(pod))
              .limitBytes(TAIL_BYTES)
              .tailingLines(TAIL_LINES)
              .getLog());
    } catch (KubernetesClientException e) {
      // A pod not started yet has no log; the next look reads it.
      LOG.debugf("no log of pod %s yet: %s", pod.getMetadata().getName(), e.getMessage());
      return Optional.empty();
    }
  }
}

package io.modelkeeper.e2e.node;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Events a real cluster's controllers and kubelet record (Scheduled, Started, BackOff,
 * SuccessfulCreate, ScalingReplicaSet…), so that {@code kubectl describe pod|rs|deploy} and {@code
 * kubectl events} show them. Losing one is never worth failing the node's work for.
 */
final class NodeEvents {

  private static final Logger LOG = Logger.getLogger(NodeEvents.class.getName());

  private NodeEvents() {}

  static void record(
      KubernetesClient client,
      HasMetadata about,
      String component,
      String type,
      String reason,
      String message) {
    Instant now = Instant.now();
    try {
      client
          .v1()
          .events()
          .inNamespace(about.getMetadata().getNamespace())
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withName(
                      about.getMetadata().getName()
                          + "."
                          + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1))
                  .withNamespace(about.getMetadata().getNamespace())
                  .endMetadata()
                  .withNewInvolvedObject()
                  .withApiVersion(about.getApiVersion())
                  .withKind(about.getKind())
                  .withName(about.getMetadata().getName())
                  .withNamespace(about.getMetadata().getNamespace())
                  .withUid(about.getMetadata().getUid())
                  .endInvolvedObject()
                  .withNewSource()
                  .withComponent(component)
                  .withHost(component.equals("kubelet") ? "local-node" : null)
                  .endSource()
                  .withReportingComponent(component)
                  .withType(type)
                  .withReason(reason)
                  .withMessage(message)
                  .withFirstTimestamp(now.toString())
                  .withLastTimestamp(now.toString())
                  .withCount(1)
                  .build())
          .create();
    } catch (KubernetesClientException e) {
      LOG.log(
          Level.FINE, "cannot record event " + reason + " on " + about.getMetadata().getName(), e);
    }
  }
}

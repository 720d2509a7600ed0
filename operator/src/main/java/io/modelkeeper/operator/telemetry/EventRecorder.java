package io.modelkeeper.operator.telemetry;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import org.jboss.logging.Logger;

/** The one place Events are written, each also logged; callers record only on transitions. */
@ApplicationScoped
public class EventRecorder {

  static final String COMPONENT = "modelkeeper-operator";
  private static final Logger LOG = Logger.getLogger(EventRecorder.class);
  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  private final KubernetesClient client;
  private final OperatorMetrics metrics;

  public EventRecorder(KubernetesClient client, OperatorMetrics metrics) {
    this.client = client;
    this.metrics = metrics;
  }

  /**
   * Records an Event on a ModelDeployment, ModelRetraining or RetrainingRun. A failure to record is
   * logged, never fatal.
   */
  public void record(HasMetadata md, EventReason reason, String message) {
    String namespace = md.getMetadata().getNamespace();
    String name = md.getMetadata().getName();
    if (reason.isWarning()) {
      LOG.warnf("%s/%s %s: %s", namespace, name, reason.reason(), message);
    } else {
      LOG.infof("%s/%s %s: %s", namespace, name, reason.reason(), message);
    }
    metrics.event(reason);
    String now = SECONDS.format(Instant.now());
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withName(name + "." + UUID.randomUUID().toString().replace("-", "").substring(0, 16))
            .withNamespace(namespace)
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion(md.getApiVersion())
            .withKind(md.getKind())
            .withName(name)
            .withNamespace(namespace)
            .withUid(md.getMetadata().getUid())
            .withResourceVersion(md.getMetadata().getResourceVersion())
            .endInvolvedObject()
            .withType(reason.type())
            .withReason(reason.reason())
            .withMessage(message)
            .withCount(1)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withNewSource()
            .withComponent(COMPONENT)
            .endSource()
            .build();
    try {
      client.v1().events().inNamespace(namespace).resource(event).create();
    } catch (KubernetesClientException e) {
      LOG.warnf(
          "could not record event %s on %s/%s: %s",
          reason.reason(), namespace, name, e.getMessage());
    }
  }
}

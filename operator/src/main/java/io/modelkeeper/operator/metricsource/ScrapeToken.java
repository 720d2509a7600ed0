package io.modelkeeper.operator.metricsource;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.SecretKeyRef;
import io.modelkeeper.operator.workload.ServerAccess;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Reads the admin token a ModelDeployment's servers require, from its Secret in the
 * ModelDeployment's own namespace, at each scrape (so a rotated Secret is picked up). The value is
 * only ever put in a request header: never logged, never in status or Events.
 */
@ApplicationScoped
public class ScrapeToken {

  private static final Logger LOG = Logger.getLogger(ScrapeToken.class);

  private final KubernetesClient client;

  public ScrapeToken(KubernetesClient client) {
    this.client = client;
  }

  /** The token, or empty when none is configured or it cannot be read (the scrape then fails). */
  public Optional<String> adminToken(ModelDeployment md, ServerAccess access) {
    if (access.adminToken().isEmpty()) {
      return Optional.empty();
    }
    SecretKeyRef ref = access.adminToken().get();
    String namespace = md.getMetadata().getNamespace();
    try {
      Secret secret = client.secrets().inNamespace(namespace).withName(ref.getName()).get();
      String encoded =
          secret == null || secret.getData() == null ? null : secret.getData().get(ref.getKey());
      if (encoded == null) {
        LOG.debugf(
            "no key %s in Secret %s/%s: scraping %s without the admin token",
            ref.getKey(), namespace, ref.getName(), md.getMetadata().getName());
        return Optional.empty();
      }
      String token = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
      return Optional.of(token.strip()).filter(value -> !value.isEmpty());
    } catch (KubernetesClientException | IllegalArgumentException e) {
      // The exception's message names the request, never the Secret's data.
      LOG.debugf(
          "cannot read Secret %s/%s (%s): scraping without the admin token",
          namespace, ref.getName(), e.getClass().getSimpleName());
      return Optional.empty();
    }
  }
}

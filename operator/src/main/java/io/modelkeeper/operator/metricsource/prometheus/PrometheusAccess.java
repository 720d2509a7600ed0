package io.modelkeeper.operator.metricsource.prometheus;

import io.modelkeeper.operator.config.OperatorConfig;
import java.io.IOException;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * How the operator reaches the Prometheus servers its configuration allows: the HTTP client (with
 * the CA bundle or the insecure mode of {@code modelkeeper.prometheus-ca-file} and {@code
 * modelkeeper.prometheus-insecure-skip-verify}) and the credentials it sends. The same for every
 * allowed URL, all of which the administrator chose.
 */
public record PrometheusAccess(HttpClient http, PrometheusCredentials credentials) {

  private static final Logger LOG = Logger.getLogger(PrometheusAccess.class);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

  /** The access the settings describe; a setting that cannot be used is an error naming it. */
  public static PrometheusAccess from(OperatorConfig config) {
    HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT);
    try {
      if (config.prometheusInsecureSkipVerify()) {
        LOG.warn(
            "modelkeeper.prometheus-insecure-skip-verify=true: Prometheus's HTTPS certificate is"
                + " not checked, so anyone on the path can answer in its place");
        http.sslContext(PrometheusTls.trustingAnyone());
      } else if (config.prometheusCaFile().isPresent()) {
        http.sslContext(PrometheusTls.trusting(config.prometheusCaFile().get()));
      }
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(
          "modelkeeper.prometheus-ca-file "
              + config.prometheusCaFile().map(Object::toString).orElse("")
              + " cannot be used as a CA bundle: "
              + e.getMessage(),
          e);
    }
    return new PrometheusAccess(http.build(), credentials(config));
  }

  private static PrometheusCredentials credentials(OperatorConfig config) {
    if (config.prometheusBearerTokenFile().isPresent()) {
      if (config.prometheusUsername().isPresent()) {
        throw new IllegalStateException(
            "modelkeeper.prometheus-bearer-token-file and modelkeeper.prometheus-username are both"
                + " set: Prometheus takes one kind of credentials, a bearer token or basic auth");
      }
      return PrometheusCredentials.bearerToken(config.prometheusBearerTokenFile().get());
    }
    if (config.prometheusUsername().isPresent()) {
      return PrometheusCredentials.basicAuth(
          config.prometheusUsername().get(),
          config
              .prometheusPasswordFile()
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "modelkeeper.prometheus-username is set but"
                              + " modelkeeper.prometheus-password-file is not: name the file of"
                              + " the password, for example /etc/modelkeeper/prometheus-auth/password")));
    }
    return PrometheusCredentials.NONE;
  }
}

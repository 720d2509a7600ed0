package io.modelkeeper.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelkeeper.operator.testing.CrdInMockServer;
import io.modelkeeper.operator.testing.TestCluster;
import io.modelkeeper.operator.testing.TestModels;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The operator's own health and Prometheus metrics. */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = CrdInMockServer.class)
class OperatorEndpointsTest {

  // HTTP/1.1 as a browser or kubectl port-forward speaks to the operator: the JDK client's default
  // h2c upgrade misreads a large answer now and then ("Frame type(63) … exceeds MAX_FRAME_SIZE").
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TestHTTPResource("/q/health/ready")
  URI ready;

  @TestHTTPResource("/q/health/live")
  URI live;

  @TestHTTPResource("/q/metrics")
  URI metrics;

  @TestHTTPResource("/console/")
  URI console;

  @Inject KubernetesClient client;

  private static HttpResponse<String> get(URI uri) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthSaysReadyOnceTheOperatorRuns() throws Exception {
    HttpResponse<String> response = get(ready);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"status\": \"UP\"");
  }

  @Test
  void theConsoleIsOffByDefault() throws Exception {
    assertThat(get(console).statusCode()).isEqualTo(404);
    assertThat(get(console.resolve("api/modeldeployments")).statusCode()).isEqualTo(404);
  }

  @Test
  void livenessLooksAtTheWatches() throws Exception {
    HttpResponse<String> response = get(live);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("modelkeeper-watches").contains("\"status\": \"UP\"");
  }

  @Test
  void metricsCountReconcilesAndTheirDuration() {
    new TestCluster(client).models().resource(TestModels.model("metered", "1")).create();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              String body = get(metrics).body();
              assertThat(body)
                  .contains("modelkeeper_operator_reconciles_total{outcome=\"success\"}")
                  .contains("modelkeeper_operator_reconcile_duration_seconds_bucket")
                  .contains("modelkeeper_operator_reconcile_duration_seconds_count");
              var samples = io.modelkeeper.operator.metricsource.PrometheusText.parse(body);
              assertThat(samples)
                  .as("the Created event counted")
                  .anyMatch(
                      sample ->
                          sample.name().equals("modelkeeper_operator_events_total")
                              && "Created".equals(sample.labels().get("reason"))
                              && sample.value() >= 1);
              assertThat(samples)
                  .as("series of outcomes and Events not seen yet exist at 0")
                  .anyMatch(
                      sample ->
                          sample.name().equals("modelkeeper_operator_reconciles_total")
                              && "error".equals(sample.labels().get("outcome")))
                  .anyMatch(
                      sample ->
                          sample.name().equals("modelkeeper_operator_events_total")
                              && "RolloutFailed".equals(sample.labels().get("reason"))
                              && "Warning".equals(sample.labels().get("type")));
            });
  }
}

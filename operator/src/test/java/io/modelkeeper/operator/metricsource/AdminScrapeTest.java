package io.modelkeeper.operator.metricsource;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.modelkeeper.api.v1alpha1.AccessSpec;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.SecretKeyRef;
import io.modelkeeper.operator.testing.TestModels;
import io.modelkeeper.operator.workload.ModelVersion;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With {@code serving.access} setting an admin port and token, pods are scraped on that port with
 * the token read from the named Secret; without the Secret the scrape goes unauthenticated and
 * counts as missed.
 */
@EnableKubernetesMockClient(crud = true)
class AdminScrapeTest {

  private static final String TOKEN = "scrape-s3cret";

  KubernetesClient client;
  private HttpServer server;
  private final List<String> authorizations = new CopyOnWriteArrayList<>();

  @BeforeEach
  void serveMetrics() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/metrics",
        exchange -> {
          String authorization = exchange.getRequestHeaders().getFirst("Authorization");
          authorizations.add(String.valueOf(authorization));
          byte[] body =
              PodMetricsTest.scrape(10, 0, 0, 10, 0, 0.9, 100).getBytes(StandardCharsets.UTF_8);
          if (("Bearer " + TOKEN).equals(authorization)) {
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
          } else {
            exchange.sendResponseHeaders(401, -1);
          }
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private ModelDeployment withAdminAccess() {
    return TestModels.model(
        "fraud",
        "2",
        spec -> {
          AccessSpec access = new AccessSpec();
          access.setAdminPort(server.getAddress().getPort());
          SecretKeyRef ref = new SecretKeyRef();
          ref.setName("fraud-admin");
          ref.setKey("scrape");
          access.setAdminToken(ref);
          spec.getServing().setAccess(access);
        });
  }

  private static Pod runningPod() {
    return new PodBuilder()
        .withNewMetadata()
        .withName("fraud-2-abc")
        .withUid("pod-1")
        .endMetadata()
        .withNewStatus()
        .withPhase("Running")
        .withPodIP("127.0.0.1")
        .endStatus()
        .build();
  }

  @Test
  void scrapesTheAdminPortWithTheTokenFromTheSecret() {
    client
        .secrets()
        .inNamespace(TestModels.NAMESPACE)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("fraud-admin")
                .endMetadata()
                .withData(
                    Map.of(
                        "scrape",
                        Base64.getEncoder()
                            .encodeToString((TOKEN + "\n").getBytes(StandardCharsets.UTF_8))))
                .build())
        .create();
    ModelDeployment md = withAdminAccess();
    PodMetricsSource source = new PodMetricsSource(new ScrapeToken(client));

    ModelVersion version = ModelVersion.of(md.getSpec().getModel());
    ArmMetrics first = source.read(md, version, List.of(runningPod()), Duration.ZERO);
    ArmMetrics second = source.read(md, version, List.of(runningPod()), Duration.ZERO);

    assertThat(first.podsMissed()).isZero();
    assertThat(second.podsRead()).as("read against the first scrape's baseline").isEqualTo(1);
    assertThat(second.podsMissed()).isZero();
    assertThat(authorizations).containsExactly("Bearer " + TOKEN, "Bearer " + TOKEN);
  }

  @Test
  void withoutTheSecretTheScrapeIsUnauthenticatedAndMissed() {
    ModelDeployment md = withAdminAccess();
    PodMetricsSource source = new PodMetricsSource(new ScrapeToken(client));

    ArmMetrics read =
        source.read(
            md, ModelVersion.of(md.getSpec().getModel()), List.of(runningPod()), Duration.ZERO);

    assertThat(read.podsMissed()).isEqualTo(1);
    assertThat(authorizations).containsExactly("null");
  }
}

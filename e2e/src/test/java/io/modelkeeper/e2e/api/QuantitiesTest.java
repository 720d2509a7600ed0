package io.modelkeeper.e2e.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Resource quantities are stored in the canonical form a real API server gives them. */
class QuantitiesTest {

  static LocalApiServer api;
  static RawApi raw;

  @BeforeAll
  static void start() {
    api = LocalApiServer.start(null);
    raw = new RawApi(api);
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @ParameterizedTest
  @CsvSource({
    "0.5, 500m",
    "500m, 500m",
    "1000m, 1",
    "1, 1",
    "2000, 2k",
    "1500, 1500",
    "0.1, 100m",
    "1Gi, 1Gi",
    "1024Mi, 1Gi",
    "1536Mi, 1536Mi",
    "1.5Gi, 1536Mi",
    "0.5Gi, 512Mi",
    "512Mi, 512Mi",
    "100M, 100M",
    "1e3, 1e3",
    "0, 0",
    "0.0000000001, 1n",
    "128974848, 128974848",
    "129e6, 129e6"
  })
  void canonicalForms(String written, String stored) {
    assertThat(Quantities.canonical(written)).contains(stored);
  }

  @Test
  void notAQuantity() {
    assertThat(Quantities.canonical("lots")).isEmpty();
    assertThat(Quantities.canonical("1.2.3")).isEmpty();
  }

  @Test
  void podTemplatesAreStoredCanonicalAndBadQuantitiesRefused() {
    RawApi.Answer created =
        raw.send(
            "POST",
            "/apis/apps/v1/namespaces/default/deployments",
            RawApi.JSON,
            RawApi.json(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: fraud}
                spec:
                  selector: {matchLabels: {app: fraud}}
                  template:
                    metadata: {labels: {app: fraud}}
                    spec:
                      initContainers:
                      - name: fetch
                        image: model-server
                        resources: {requests: {cpu: 0.25}}
                      containers:
                      - name: server
                        image: model-server
                        resources:
                          requests: {cpu: 0.5, memory: 1024Mi}
                          limits: {cpu: 1000m, memory: 1Gi, nvidia.com/gpu: 1}
                      volumes:
                      - name: models
                        emptyDir: {sizeLimit: 2048Mi}
                """));
    assertThat(created.code()).isEqualTo(201);
    JsonNode pod = raw.get("/apis/apps/v1/namespaces/default/deployments/fraud").body();
    JsonNode resources = pod.at("/spec/template/spec/containers/0/resources");
    assertThat(resources.at("/requests/cpu").asText()).isEqualTo("500m");
    assertThat(resources.at("/requests/memory").asText()).isEqualTo("1Gi");
    assertThat(resources.at("/limits/cpu").asText()).isEqualTo("1");
    assertThat(resources.at("/limits/memory").asText()).isEqualTo("1Gi");
    assertThat(resources.at("/limits/nvidia.com~1gpu").isTextual()).isTrue();
    assertThat(resources.at("/limits/nvidia.com~1gpu").asText()).isEqualTo("1");
    assertThat(pod.at("/spec/template/spec/initContainers/0/resources/requests/cpu").asText())
        .isEqualTo("250m");
    assertThat(pod.at("/spec/template/spec/volumes/0/emptyDir/sizeLimit").asText())
        .isEqualTo("2Gi");

    RawApi.Answer bad =
        raw.send(
            "POST",
            "/api/v1/namespaces/default/pods",
            RawApi.JSON,
            RawApi.json(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: greedy}
                spec:
                  containers:
                  - {name: server, image: model-server, resources: {limits: {cpu: lots}}}
                """));
    assertThat(bad.code()).isEqualTo(422);
    assertThat(bad.body().path("message").asText())
        .contains("spec.containers[0].resources.limits[cpu]: Invalid value: \"lots\"");
  }
}

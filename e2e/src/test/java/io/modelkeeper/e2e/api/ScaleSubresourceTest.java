package io.modelkeeper.e2e.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceSubresourceScale;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelkeeper.e2e.RequiredTools;
import io.modelkeeper.e2e.cluster.Kubectl;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code /scale} subresource (autoscaling/v1 Scale), on the committed ModelDeployment CRD given
 * the scale subresource this test declares for it (specReplicasPath {@code .spec.serving.replicas})
 * and on Deployments; {@code kubectl scale} uses it.
 */
class ScaleSubresourceTest {

  private static final String MDS =
      "/apis/modelkeeper.io/v1alpha1/namespaces/default/modeldeployments";

  @TempDir static Path dir;
  static LocalApiServer api;
  static RawApi raw;

  @BeforeAll
  static void start() {
    Path project =
        Path.of(System.getProperty("modelkeeper.project.dir", "..")).toAbsolutePath().normalize();
    api = LocalApiServer.start(null);
    raw = new RawApi(api);
    CustomResourceDefinition crd =
        LocalApiServer.readCrds(project.resolve("crds")).stream()
            .filter(c -> c.getMetadata().getName().equals("modeldeployments.modelkeeper.io"))
            .findFirst()
            .orElseThrow();
    // As the scale subresource needs, a status field for the label selector (pruned otherwise).
    crd.getSpec()
        .getVersions()
        .get(0)
        .getSchema()
        .getOpenAPIV3Schema()
        .getProperties()
        .get("status")
        .getProperties()
        .put("selector", new JSONSchemaPropsBuilder().withType("string").build());
    crd.getSpec()
        .getVersions()
        .get(0)
        .getSubresources()
        .setScale(
            new CustomResourceSubresourceScale(
                ".status.selector", ".spec.serving.replicas", ".status.stable.replicas"));
    try (KubernetesClient client = api.client()) {
      client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    }
    String md =
        AdmissionTest.md(
            "fraud",
            """
            model:
              version: "1"
              uri: https://models.example.com/fraud/1/model.onnx
            serving: {replicas: 2}
            """);
    assertThat(raw.send("POST", MDS, RawApi.JSON, RawApi.json(md)).code()).isEqualTo(201);
    raw.send(
        "PATCH",
        MDS + "/fraud/status",
        RawApi.MERGE,
        "{\"status\":{\"stable\":{\"replicas\":2},\"selector\":\"app.kubernetes.io/instance=fraud\"}}");
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void getPutAndPatchMapToTheCrdPaths() {
    RawApi.Answer scale = raw.get(MDS + "/fraud/scale");
    assertThat(scale.code()).isEqualTo(200);
    JsonNode body = scale.body();
    assertThat(body.path("apiVersion").asText()).isEqualTo("autoscaling/v1");
    assertThat(body.path("kind").asText()).isEqualTo("Scale");
    assertThat(body.at("/spec/replicas").asInt()).isEqualTo(2);
    assertThat(body.at("/status/replicas").asInt()).isEqualTo(2);
    assertThat(body.at("/status/selector").asText()).isEqualTo("app.kubernetes.io/instance=fraud");
    long generation = raw.get(MDS + "/fraud").body().at("/metadata/generation").asLong();

    RawApi.Answer patched =
        raw.send("PATCH", MDS + "/fraud/scale", RawApi.MERGE, "{\"spec\":{\"replicas\":3}}");
    assertThat(patched.code()).isEqualTo(200);
    assertThat(patched.body().at("/spec/replicas").asInt()).isEqualTo(3);
    JsonNode md = raw.get(MDS + "/fraud").body();
    assertThat(md.at("/spec/serving/replicas").asInt()).isEqualTo(3);
    assertThat(md.at("/metadata/generation").asLong()).isEqualTo(generation + 1);

    String current = md.at("/metadata/resourceVersion").asText();
    String put =
        "{\"apiVersion\":\"autoscaling/v1\",\"kind\":\"Scale\",\"metadata\":{\"name\":\"fraud\","
            + "\"resourceVersion\":\"%s\"},\"spec\":{\"replicas\":%d}}";
    assertThat(raw.send("PUT", MDS + "/fraud/scale", RawApi.JSON, put.formatted(current, 4)).code())
        .isEqualTo(200);
    assertThat(raw.get(MDS + "/fraud").body().at("/spec/serving/replicas").asInt()).isEqualTo(4);

    RawApi.Answer stale =
        raw.send("PUT", MDS + "/fraud/scale", RawApi.JSON, put.formatted(current, 5));
    assertThat(stale.code()).isEqualTo(409);
    assertThat(stale.reason()).isEqualTo("Conflict");

    // The CRD's own schema still applies to what the scale writes.
    RawApi.Answer tooMany =
        raw.send("PATCH", MDS + "/fraud/scale", RawApi.MERGE, "{\"spec\":{\"replicas\":5000}}");
    assertThat(tooMany.code()).isEqualTo(422);
    assertThat(tooMany.body().path("message").asText())
        .contains("spec.serving.replicas in body should be less than or equal to 1000");
    RawApi.Answer negative =
        raw.send("PATCH", MDS + "/fraud/scale", RawApi.MERGE, "{\"spec\":{\"replicas\":-1}}");
    assertThat(negative.code()).isEqualTo(422);
  }

  @Test
  void kubectlScaleWorksOnModelDeploymentsAndDeployments() {
    Kubectl kubectl =
        new Kubectl(
            RequiredTools.kubectl("the kubectl scale test"),
            api.writeKubeconfig(dir.resolve("kubeconfig")),
            dir.resolve("cache"));
    assertThat(kubectl.run("scale", "md/fraud", "--replicas=6").orThrow()).contains("scaled");
    assertThat(raw.get(MDS + "/fraud").body().at("/spec/serving/replicas").asInt()).isEqualTo(6);

    kubectl
        .runWithInput(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 1
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec: {containers: [{name: web, image: model-server}]}
            """,
            "apply",
            "--validate=false",
            "-f",
            "-")
        .orThrow();
    assertThat(kubectl.run("scale", "deployment/web", "--replicas=3").orThrow()).contains("scaled");
    JsonNode scale = raw.get("/apis/apps/v1/namespaces/default/deployments/web/scale").body();
    assertThat(scale.at("/spec/replicas").asInt()).isEqualTo(3);
    assertThat(scale.at("/status/selector").asText()).isEqualTo("app=web");
  }
}

package io.modelkeeper.e2e.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Optimistic concurrency (a stale resourceVersion gets 409 Conflict) and the status subresource's
 * split (the main resource ignores status, /status ignores everything else, generation moves only
 * with spec), for the ModelDeployment CRD and for built-in Deployments.
 */
class ConcurrencyAndStatusTest {

  private static final ResourceDefinitionContext MODEL_DEPLOYMENTS =
      new ResourceDefinitionContext.Builder()
          .withGroup("modelkeeper.io")
          .withVersion("v1alpha1")
          .withPlural("modeldeployments")
          .withKind("ModelDeployment")
          .withNamespaced(true)
          .build();
  private static final String MDS =
      "/apis/modelkeeper.io/v1alpha1/namespaces/default/modeldeployments";

  static LocalApiServer api;
  static KubernetesClient client;
  static RawApi raw;

  @BeforeAll
  static void start() {
    Path project =
        Path.of(System.getProperty("modelkeeper.project.dir", "..")).toAbsolutePath().normalize();
    api = LocalApiServer.start(project.resolve("crds"));
    client = api.client();
    raw = new RawApi(api);
  }

  @AfterAll
  static void stop() {
    client.close();
    api.close();
  }

  private static GenericKubernetesResource createMd(String name) {
    String yaml =
        AdmissionTest.md(
            name,
            """
            model:
              version: "1"
              uri: https://models.example.com/fraud/1/model.onnx
            serving: {replicas: 2}
            """);
    assertThat(raw.send("POST", MDS, RawApi.JSON, RawApi.json(yaml)).code()).isEqualTo(201);
    return client.genericKubernetesResources(MODEL_DEPLOYMENTS).withName(name).get();
  }

  private static Deployment createDeployment(String name) {
    return client
        .apps()
        .deployments()
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withReplicas(1)
                .withNewSelector()
                .addToMatchLabels("app", name)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", name)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("server")
                .withImage("model-server:1")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
  }

  @Test
  void anUpdateFromAStaleCopyGetsConflict() {
    Deployment first = createDeployment("stale");
    Deployment second = client.apps().deployments().withName("stale").get();
    first.getSpec().setReplicas(2);
    client.apps().deployments().resource(first).update();

    second.getSpec().setReplicas(3);
    KubernetesClientException conflict =
        catchThrowableOfType(
            KubernetesClientException.class,
            () -> client.apps().deployments().resource(second).update());
    assertThat(conflict.getCode()).isEqualTo(409);
    assertThat(conflict.getStatus().getReason()).isEqualTo("Conflict");
    assertThat(conflict.getStatus().getMessage())
        .contains("Operation cannot be fulfilled on deployments.apps \"stale\"")
        .contains("the object has been modified");
    assertThat(client.apps().deployments().withName("stale").get().getSpec().getReplicas())
        .isEqualTo(2);
  }

  @Test
  void aPatchCarryingAStaleResourceVersionGetsConflict() {
    GenericKubernetesResource md = createMd("patched");
    String stale = md.getMetadata().getResourceVersion();
    String path = MDS + "/patched";
    RawApi.Answer fresh =
        raw.send(
            "PATCH",
            path,
            RawApi.MERGE,
            "{\"metadata\":{\"resourceVersion\":\""
                + stale
                + "\"},\"spec\":{\"serving\":{\"replicas\":3}}}");
    assertThat(fresh.code()).isEqualTo(200);

    RawApi.Answer merge =
        raw.send(
            "PATCH",
            path,
            RawApi.MERGE,
            "{\"metadata\":{\"resourceVersion\":\""
                + stale
                + "\"},\"spec\":{\"serving\":{\"replicas\":4}}}");
    assertThat(merge.code()).isEqualTo(409);
    assertThat(merge.reason()).isEqualTo("Conflict");

    RawApi.Answer json =
        raw.send(
            "PATCH",
            path + "/status",
            RawApi.JSON_PATCH,
            "[{\"op\":\"replace\",\"path\":\"/metadata/resourceVersion\",\"value\":\""
                + stale
                + "\"},{\"op\":\"add\",\"path\":\"/status\",\"value\":{\"phase\":\"Ready\"}}]");
    assertThat(json.code()).isEqualTo(409);

    // A patch without a resourceVersion is applied to whatever is stored, as on a real server.
    assertThat(
            raw.send("PATCH", path, RawApi.MERGE, "{\"spec\":{\"serving\":{\"replicas\":5}}}")
                .code())
        .isEqualTo(200);
    assertThat(raw.get(path).body().at("/spec/serving/replicas").asInt()).isEqualTo(5);
  }

  @Test
  void aCustomResourceUpdateMustNameTheResourceVersionABuiltInOneNeedNot() {
    GenericKubernetesResource md = createMd("unconditional");
    md.getMetadata().setResourceVersion(null);
    // Raw PUT: the fabric8 client fills in the latest resourceVersion itself when it is missing.
    RawApi.Answer refused =
        raw.send("PUT", MDS + "/unconditional", RawApi.JSON, Serialization.asJson(md));
    assertThat(refused.code()).isEqualTo(422);
    assertThat(refused.body().path("message").asText())
        .contains(
            "metadata.resourceVersion: Invalid value: \"0x0\": must be specified for an update");

    Deployment deployment = createDeployment("unconditional");
    deployment.getMetadata().setResourceVersion(null);
    deployment.getSpec().setReplicas(2);
    RawApi.Answer accepted =
        raw.send(
            "PUT",
            "/apis/apps/v1/namespaces/default/deployments/unconditional",
            RawApi.JSON,
            Serialization.asJson(deployment));
    assertThat(accepted.code()).isEqualTo(200);
    assertThat(accepted.body().at("/spec/replicas").asInt()).isEqualTo(2);
  }

  @Test
  void theMainResourceIgnoresStatusAndStatusIgnoresTheRest() {
    GenericKubernetesResource md = createMd("split");
    assertThat(md.getMetadata().getGeneration()).isEqualTo(1);

    // Status written with the main resource is dropped; the spec change moves the generation.
    md.setAdditionalProperty("status", Map.of("phase", "Ready"));
    spec(md).put("serving", Map.of("replicas", 3));
    GenericKubernetesResource updated =
        client.genericKubernetesResources(MODEL_DEPLOYMENTS).resource(md).update();
    assertThat(updated.getAdditionalProperties()).doesNotContainKey("status");
    assertThat(updated.getMetadata().getGeneration()).isEqualTo(2);

    // The status subresource takes the status and nothing else.
    updated.setAdditionalProperty("status", Map.of("phase", "Ready"));
    spec(updated).put("serving", Map.of("replicas", 7));
    GenericKubernetesResource status =
        client.genericKubernetesResources(MODEL_DEPLOYMENTS).resource(updated).updateStatus();
    JsonNode stored = raw.get(MDS + "/split").body();
    assertThat(stored.at("/status/phase").asText()).isEqualTo("Ready");
    assertThat(stored.at("/spec/serving/replicas").asInt()).isEqualTo(3);
    assertThat(stored.at("/metadata/generation").asInt()).isEqualTo(2);
    assertThat(status.getMetadata().getResourceVersion())
        .isNotEqualTo(updated.getMetadata().getResourceVersion());

    // Labels and annotations are not spec: the generation stays.
    raw.send(
        "PATCH", MDS + "/split", RawApi.MERGE, "{\"metadata\":{\"labels\":{\"team\":\"risk\"}}}");
    assertThat(raw.get(MDS + "/split").body().at("/metadata/generation").asInt()).isEqualTo(2);
  }

  @Test
  void builtInKindsHaveTheSplitToo() {
    Deployment deployment = createDeployment("split");
    String path = "/apis/apps/v1/namespaces/default/deployments/split";
    assertThat(
            raw.send(
                    "PATCH",
                    path + "/status",
                    RawApi.MERGE,
                    "{\"spec\":{\"replicas\":9},\"status\":{\"replicas\":1,\"readyReplicas\":1}}")
                .code())
        .isEqualTo(200);
    JsonNode stored = raw.get(path).body();
    assertThat(stored.at("/spec/replicas").asInt()).isEqualTo(1);
    assertThat(stored.at("/status/readyReplicas").asInt()).isEqualTo(1);
    assertThat(stored.at("/metadata/generation").asInt()).isEqualTo(1);

    // A replace of the main resource, as an operator sends it without status, keeps the status.
    Deployment replaced = client.apps().deployments().withName("split").get();
    replaced.setStatus(null);
    replaced.getSpec().setReplicas(2);
    Deployment after = client.apps().deployments().resource(replaced).update();
    assertThat(after.getStatus().getReadyReplicas()).isEqualTo(1);
    assertThat(after.getMetadata().getGeneration()).isEqualTo(2);

    // Status sent on create is not kept.
    assertThat(deployment.getStatus()).isNull();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(GenericKubernetesResource resource) {
    return (Map<String, Object>) resource.getAdditionalProperties().get("spec");
  }
}

package io.modelkeeper.e2e.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Conflicts ordered by a scenario: the next N writes of one object get the real server's 409 (the
 * Status a stale write gets), only the writes the order names (the object's {@code /status}, one
 * client), in process and over HTTP.
 */
class InjectedConflictsTest {

  private static final String DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments/";
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

  @AfterEach
  void cancelOrders() {
    api.conflicts().clear();
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

  private static RawApi.Answer scale(String name, int replicas) {
    return raw.send(
        "PATCH", DEPLOYMENTS + name, RawApi.MERGE, "{\"spec\":{\"replicas\":" + replicas + "}}");
  }

  @Test
  void theNextWritesOfTheObjectGetTheRealServersConflictAndThenPass() {
    Deployment created = createDeployment("clash");
    InjectedConflicts.Target target = InjectedConflicts.Target.of("Deployment", "default", "clash");
    long answeredBefore = api.conflicts().answered();
    api.conflicts().next(target, 2);

    Deployment fresh = client.apps().deployments().withName("clash").get();
    fresh.getSpec().setReplicas(2);
    KubernetesClientException conflict =
        catchThrowableOfType(
            KubernetesClientException.class,
            () -> client.apps().deployments().resource(fresh).update());
    assertThat(conflict.getCode()).isEqualTo(409);
    assertThat(conflict.getStatus().getKind()).isEqualTo("Status");
    assertThat(conflict.getStatus().getStatus()).isEqualTo("Failure");
    assertThat(conflict.getStatus().getReason()).isEqualTo("Conflict");
    assertThat(conflict.getStatus().getCode()).isEqualTo(409);
    assertThat(conflict.getStatus().getMessage())
        .isEqualTo(
            "Operation cannot be fulfilled on deployments.apps \"clash\": the object has been"
                + " modified; please apply your changes to the latest version and try again");
    RawApi.Answer patched = scale("clash", 3);
    assertThat(patched.code()).as("a merge patch is a write too").isEqualTo(409);
    assertThat(patched.reason()).isEqualTo("Conflict");
    assertThat(api.conflicts().remaining(target)).isZero();

    Deployment stored = client.apps().deployments().withName("clash").get();
    assertThat(stored.getSpec().getReplicas()).as("nothing was written").isEqualTo(1);
    assertThat(stored.getMetadata().getResourceVersion())
        .isEqualTo(created.getMetadata().getResourceVersion());
    assertThat(client.apps().deployments().resource(fresh).update().getSpec().getReplicas())
        .as("the third write passes")
        .isEqualTo(2);
    assertThat(api.conflicts().answered() - answeredBefore).isEqualTo(2);
    assertThat(api.conflicts().pending()).isEmpty();
  }

  @Test
  void aStatusOrderLeavesTheObjectAloneAndRefusesItsStatus() {
    String md =
        RawApi.json(
            AdmissionTest.md(
                "guarded",
                """
                model:
                  version: "1"
                  uri: https://models.example.com/fraud/1/model.onnx
                """));
    assertThat(raw.send("POST", MDS, RawApi.JSON, md).code()).isEqualTo(201);
    api.conflicts()
        .next(InjectedConflicts.Target.of("ModelDeployment", "default", "guarded").statusOnly(), 1);

    RawApi.Answer annotated =
        raw.send(
            "PATCH",
            MDS + "/guarded",
            RawApi.MERGE,
            "{\"metadata\":{\"annotations\":{\"modelkeeper.io/abort\":\"bad batch\"}}}");
    assertThat(annotated.code()).isEqualTo(200);
    String status = "{\"status\":{\"phase\":\"Ready\"}}";
    RawApi.Answer refused = raw.send("PATCH", MDS + "/guarded/status", RawApi.MERGE, status);
    assertThat(refused.code()).isEqualTo(409);
    assertThat(refused.body().path("message").asText())
        .isEqualTo(
            "Operation cannot be fulfilled on modeldeployments.modelkeeper.io \"guarded\": the"
                + " object has been modified; please apply your changes to the latest version and"
                + " try again");
    assertThat(raw.get(MDS + "/guarded").body().path("status").path("phase").isMissingNode())
        .isTrue();
    assertThat(raw.send("PATCH", MDS + "/guarded/status", RawApi.MERGE, status).code())
        .isEqualTo(200);
    assertThat(raw.get(MDS + "/guarded").body().path("status").path("phase").asText())
        .isEqualTo("Ready");
  }

  @Test
  void aClientOrderRefusesOnlyThatClientsWrites() {
    createDeployment("operator-owned");
    createDeployment("bystander");
    api.conflicts()
        .next(
            InjectedConflicts.Target.of("Deployment", "default", "operator-owned")
                .byClient("fabric8-kubernetes-client"),
            1);

    assertThat(scale("operator-owned", 2).code())
        .as("another program's write (Java's HTTP client) passes")
        .isEqualTo(200);
    assertThat(scale("bystander", 2).code()).as("another object's write passes").isEqualTo(200);
    KubernetesClientException conflict =
        catchThrowableOfType(
            KubernetesClientException.class,
            () ->
                client
                    .apps()
                    .deployments()
                    .withName("operator-owned")
                    .edit(
                        d ->
                            new DeploymentBuilder(d).editSpec().withReplicas(4).endSpec().build()));
    assertThat(conflict.getCode()).isEqualTo(409);
    assertThat(client.apps().deployments().withName("operator-owned").get().getSpec().getReplicas())
        .isEqualTo(2);
  }

  @Test
  void aWriteOfAMissingObjectIsNotFoundAndUsesNothingUp() {
    InjectedConflicts.Target target =
        InjectedConflicts.Target.of("Deployment", "default", "not-yet");
    api.conflicts().next(target, 1);

    assertThat(scale("not-yet", 2).code()).isEqualTo(404);
    assertThat(api.conflicts().remaining(target)).isEqualTo(1);
    createDeployment("not-yet");
    assertThat(scale("not-yet", 2).code()).isEqualTo(409);
  }

  @Test
  void ordersOverHttpAreTakenListedAndCancelled() {
    createDeployment("over-http");
    RawApi.Answer ordered =
        raw.send(
            "POST",
            InjectedConflicts.PATH,
            RawApi.JSON,
            "{\"kind\":\"Deployment\",\"name\":\"over-http\",\"writes\":1}");
    assertThat(ordered.code()).isEqualTo(201);
    assertThat(ordered.body().path("pending").get(0).path("namespace").asText())
        .as("the default namespace, as kubectl's")
        .isEqualTo("default");
    assertThat(ordered.body().path("pending").get(0).path("writes").asInt()).isEqualTo(1);

    assertThat(scale("over-http", 2).code()).isEqualTo(409);
    RawApi.Answer listed = raw.get(InjectedConflicts.PATH);
    assertThat(listed.code()).isEqualTo(200);
    assertThat(listed.body().path("pending")).isEmpty();
    assertThat(listed.body().path("answered").asLong()).isPositive();
    assertThat(scale("over-http", 2).code()).isEqualTo(200);

    raw.send(
        "POST",
        InjectedConflicts.PATH,
        RawApi.JSON,
        "{\"kind\":\"Deployment\",\"name\":\"over-http\",\"writes\":5,\"subresource\":\"status\"}");
    assertThat(
            raw.get(InjectedConflicts.PATH)
                .body()
                .path("pending")
                .get(0)
                .path("subresource")
                .asText())
        .isEqualTo("status");
    assertThat(raw.send("DELETE", InjectedConflicts.PATH, null, null).code()).isEqualTo(200);
    assertThat(api.conflicts().pending()).isEmpty();
  }

  @Test
  void aBadOrderIsRefusedNamingTheField() {
    assertThat(refusal("{\"kind\":\"Deployment\",\"writes\":1}")).contains("name: Required value");
    assertThat(refusal("{\"kind\":\"Deployment\",\"name\":\"x\",\"writes\":-1}"))
        .contains("writes: Invalid value: -1");
    assertThat(refusal("{\"kind\":\"Deployment\",\"name\":\"x\",\"writes\":1001}"))
        .contains("writes: Invalid value: 1001");
    assertThat(refusal("{\"kind\":\"Deployment\",\"name\":\"x\",\"writes\":1.5}"))
        .contains("writes: Invalid value");
    assertThat(
            refusal(
                "{\"kind\":\"Deployment\",\"name\":\"x\",\"writes\":1,\"subresource\":\"scale\"}"))
        .contains("subresource: Unsupported value: \"scale\"");
    assertThat(refusal("{\"kind\":\"Deployment\",\"name\":\"x\",\"writes\":1,\"count\":2}"))
        .contains("unknown field \"count\"");
    assertThat(refusal("[1]")).contains("must be a JSON object");
    assertThat(refusal("{")).contains("not JSON");
    assertThat(api.conflicts().pending()).isEmpty();
    assertThat(raw.send("PUT", InjectedConflicts.PATH, RawApi.JSON, "{}").code()).isEqualTo(405);
    assertThat(raw.get("/local/v1/other").code()).isEqualTo(404);
  }

  private static String refusal(String order) {
    RawApi.Answer answer = raw.send("POST", InjectedConflicts.PATH, RawApi.JSON, order);
    assertThat(answer.code()).as(order).isEqualTo(400);
    assertThat(answer.reason()).isEqualTo("BadRequest");
    return answer.body().path("message").asText();
  }
}

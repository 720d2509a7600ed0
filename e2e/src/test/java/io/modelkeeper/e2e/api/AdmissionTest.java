package io.modelkeeper.e2e.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelkeeper.e2e.RequiredTools;
import io.modelkeeper.e2e.cluster.Kubectl;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Admission as a real API server does it, with the committed ModelDeployment CRD: the OpenAPI
 * schema and CEL rules refuse bad specs with a 422 {@code Invalid} Status (what {@code kubectl
 * apply} prints), defaults are filled in, undeclared fields are pruned, and names and labels of the
 * built-in kinds follow the DNS and label rules.
 */
class AdmissionTest {

  private static final String MDS =
      "/apis/modelkeeper.io/v1alpha1/namespaces/default/modeldeployments";

  @TempDir static Path dir;
  static LocalApiServer api;
  static RawApi raw;
  static Path kubectlBinary;

  @BeforeAll
  static void start() {
    Path project =
        Path.of(System.getProperty("modelkeeper.project.dir", "..")).toAbsolutePath().normalize();
    api = LocalApiServer.start(project.resolve("crds"));
    raw = new RawApi(api);
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  private static Kubectl kubectl() {
    Path binary = RequiredTools.kubectl("the kubectl admission test");
    return new Kubectl(
        binary, api.writeKubeconfig(dir.resolve("kubeconfig")), dir.resolve("cache"));
  }

  static String md(String name, String spec) {
    return """
        apiVersion: modelkeeper.io/v1alpha1
        kind: ModelDeployment
        metadata:
          name: %s
        spec:
        %s
        """
        .formatted(name, spec.indent(2));
  }

  private static final String VALID_MODEL =
      """
      model:
        version: "1"
        uri: https://models.example.com/fraud/1/model.onnx
      """;

  @Test
  void kubectlApplyOfAnInvalidSpecIsRefusedWithTheSchemaMessages() {
    String bad =
        md(
            "bad",
            """
            model:
              version: "1"
            serving:
              replicas: -1
              executionProvider: tpu
            """);
    Kubectl.Result applied = kubectl().runWithInput(bad, "apply", "--validate=false", "-f", "-");
    assertThat(applied.exitCode()).isNotZero();
    assertThat(applied.err())
        .contains("The ModelDeployment \"bad\" is invalid")
        .contains(
            "spec.serving.replicas: Invalid value: -1: spec.serving.replicas in body should be"
                + " greater than or equal to 0")
        .contains(
            "spec.serving.executionProvider: Unsupported value: \"tpu\": supported values:"
                + " \"auto\", \"cpu\", \"cuda\"")
        .contains("spec.model.uri: Required value");
    assertThat(raw.get(MDS + "/bad").code()).isEqualTo(404);

    RawApi.Answer answer = raw.send("POST", MDS, RawApi.JSON, RawApi.json(bad));
    assertThat(answer.code()).isEqualTo(422);
    assertThat(answer.reason()).isEqualTo("Invalid");
    assertThat(answer.body().path("details").path("kind").asText()).isEqualTo("ModelDeployment");
    assertThat(answer.body().path("details").path("group").asText()).isEqualTo("modelkeeper.io");
    List<String> fields = new ArrayList<>();
    answer.body().path("details").path("causes").forEach(c -> fields.add(c.path("field").asText()));
    assertThat(fields)
        .containsExactlyInAnyOrder(
            "spec.serving.replicas", "spec.serving.executionProvider", "spec.model.uri");
  }

  @Test
  void celRulesOfTheCrdAreEnforced() {
    RawApi.Answer cuda =
        raw.send(
            "POST",
            MDS,
            RawApi.JSON,
            RawApi.json(md("cuda", VALID_MODEL + "serving: {gpus: 0, executionProvider: cuda}\n")));
    assertThat(cuda.code()).isEqualTo(422);
    assertThat(cuda.body().path("message").asText())
        .contains(
            "spec.serving: Invalid value: \"object\": serving.executionProvider 'cuda' needs");

    RawApi.Answer steps =
        raw.send(
            "POST",
            MDS,
            RawApi.JSON,
            RawApi.json(
                md(
                    "steps",
                    VALID_MODEL
                        + "rollout: {steps: [{weight: 50, duration: 1m}, {weight: 10, duration:"
                        + " 1m}]}\n")));
    assertThat(steps.code()).isEqualTo(422);
    assertThat(steps.body().path("message").asText())
        .contains("spec.rollout.steps: Invalid value: \"array\": rollout.steps weights must be");
  }

  @Test
  void anUpdateIsAdmittedLikeACreate() {
    Kubectl kubectl = kubectl();
    String good = md("edited", VALID_MODEL + "serving: {replicas: 2}\n");
    kubectl.runWithInput(good, "apply", "--validate=false", "-f", "-").orThrow();
    Kubectl.Result refused =
        kubectl.runWithInput(
            good.replace("replicas: 2", "replicas: 5000"), "apply", "--validate=false", "-f", "-");
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.err())
        .contains("spec.serving.replicas in body should be less than or equal to 1000");
    assertThat(raw.get(MDS + "/edited").body().at("/spec/serving/replicas").asInt()).isEqualTo(2);
  }

  @Test
  void defaultsAreFilledInWhereTheParentIsGiven() {
    RawApi.Answer created =
        raw.send(
            "POST",
            MDS,
            RawApi.JSON,
            RawApi.json(md("defaulted", VALID_MODEL + "serving: {}\nrollout: {traffic: {}}\n")));
    assertThat(created.code()).isEqualTo(201);
    JsonNode spec = raw.get(MDS + "/defaulted").body().path("spec");
    assertThat(spec.at("/serving/replicas").asInt()).isEqualTo(1);
    assertThat(spec.at("/serving/executionProvider").asText()).isEqualTo("auto");
    assertThat(spec.at("/serving/gpus").asInt()).isZero();
    assertThat(spec.at("/rollout/traffic/router").asText()).isEqualTo("replicas");
    assertThat(spec.at("/rollout/paused").asBoolean(true)).isFalse();
    // No monitoring object was given, so none is made up.
    assertThat(spec.has("monitoring")).isFalse();
  }

  @Test
  void unknownFieldsArePrunedWithAWarningOrRefusedWhenStrict() {
    String unknown = md("pruned", VALID_MODEL + "serving: {replicaz: 3}\nbogus: true\n");
    RawApi.Answer warned = raw.send("POST", MDS, RawApi.JSON, RawApi.json(unknown));
    assertThat(warned.code()).isEqualTo(201);
    assertThat(warned.warnings())
        .anySatisfy(w -> assertThat(w).contains("unknown field \\\"spec.bogus\\\""))
        .anySatisfy(w -> assertThat(w).contains("unknown field \\\"spec.serving.replicaz\\\""));
    JsonNode stored = raw.get(MDS + "/pruned").body();
    assertThat(stored.path("spec").has("bogus")).isFalse();
    assertThat(stored.at("/spec/serving").has("replicaz")).isFalse();
    assertThat(stored.at("/spec/serving/replicas").asInt()).isEqualTo(1);

    RawApi.Answer strict =
        raw.send(
            "POST",
            MDS + "?fieldValidation=Strict",
            RawApi.JSON,
            RawApi.json(unknown.replace("name: pruned", "name: strict")));
    assertThat(strict.code()).isEqualTo(400);
    assertThat(strict.body().path("message").asText())
        .startsWith("strict decoding error: ")
        .contains("unknown field \"spec.bogus\"", "unknown field \"spec.serving.replicaz\"");

    // kubectl --validate=false sends no fieldValidation here (it finds no OpenAPI to check that
    // the server takes one), so the server's default, Warn, applies: kubectl prints the warning.
    Kubectl.Result ignored =
        kubectl()
            .runWithInput(
                unknown.replace("name: pruned", "name: ignored"),
                "apply",
                "--validate=false",
                "-f",
                "-");
    assertThat(ignored.orThrow()).contains("created");
    assertThat(ignored.err()).contains("Warning: unknown field \"spec.bogus\"");
    assertThat(raw.get(MDS + "/ignored").body().path("spec").has("bogus")).isFalse();
  }

  @Test
  void namesAndLabelsOfBuiltInKindsFollowTheDnsAndLabelRules() {
    RawApi.Answer deployment =
        raw.send(
            "POST",
            "/apis/apps/v1/namespaces/default/deployments",
            RawApi.JSON,
            RawApi.json(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: Fraud_1}
                spec:
                  selector: {matchLabels: {app: fraud}}
                  template:
                    metadata: {labels: {app: fraud}}
                    spec: {containers: [{name: server, image: model-server}]}
                """));
    assertThat(deployment.code()).isEqualTo(422);
    assertThat(deployment.body().path("message").asText())
        .startsWith("Deployment.apps \"Fraud_1\" is invalid: metadata.name: Invalid value:")
        .contains("a lowercase RFC 1123 subdomain");

    RawApi.Answer service =
        raw.send(
            "POST",
            "/api/v1/namespaces/default/services",
            RawApi.JSON,
            RawApi.json(
                "{apiVersion: v1, kind: Service, metadata: {name: 1fraud}, spec: {ports: [{port:"
                    + " 80}]}}"));
    assertThat(service.code()).isEqualTo(422);
    assertThat(service.body().path("message").asText()).contains("a DNS-1035 label");

    String longValue = "v".repeat(64);
    RawApi.Answer pod =
        raw.send(
            "POST",
            "/api/v1/namespaces/default/pods",
            RawApi.JSON,
            RawApi.json(
                "{apiVersion: v1, kind: Pod, metadata: {name: fraud-0, labels: {version: "
                    + longValue
                    + ", 'bad key!': x}}, spec: {containers: [{name: s, image: model-server}]}}"));
    assertThat(pod.code()).isEqualTo(422);
    assertThat(pod.body().path("message").asText())
        .contains("metadata.labels: Invalid value: \"" + longValue + "\": must be no more than 63")
        .contains("metadata.labels: Invalid value: \"bad key!\": name part must consist of");

    RawApi.Answer md = raw.send("POST", MDS, RawApi.JSON, RawApi.json(md("Fraud", VALID_MODEL)));
    assertThat(md.code()).isEqualTo(422);
    assertThat(md.body().path("message").asText())
        .contains("ModelDeployment.modelkeeper.io \"Fraud\" is invalid: metadata.name");
  }
}

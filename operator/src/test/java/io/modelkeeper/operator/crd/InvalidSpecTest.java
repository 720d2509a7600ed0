package io.modelkeeper.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Specs the API server must refuse, checked against the committed CRD's schema and CEL rules. */
class InvalidSpecTest {

  private static final CrdValidator CRD = CrdValidator.committed();

  private static String resource(String spec) {
    return """
                apiVersion: modelkeeper.io/v1alpha1
                kind: ModelDeployment
                metadata:
                  name: fraud
                spec:
                """
        + spec.indent(2);
  }

  private static final String MODEL =
      """
            model:
              version: "7"
              uri: https://models.example.com/fraud/7/model.onnx
            """;

  static Stream<Arguments> invalidSpecs() {
    return Stream.of(
        Arguments.of(
            "no model", "serving: {replicas: 1}", "$.spec: required property 'model' not found"),
        Arguments.of(
            "no version",
            "model: {uri: https://models.example.com/m.onnx}",
            "$.spec.model: required property 'version' not found"),
        Arguments.of(
            "ftp uri",
            "model: {version: '7', uri: ftp://models.example.com/m.onnx}",
            "$.spec.model.uri: does not match the regex pattern"),
        Arguments.of(
            "pvc uri without path",
            "model: {version: '7', uri: pvc://models}",
            "$.spec.model.uri: does not match the regex pattern"),
        Arguments.of(
            "short checksum", MODEL + "  sha256: abc123", "$.spec.model.sha256: does not match"),
        Arguments.of(
            "version with a slash",
            "model: {version: 'v1/2', uri: https://h/m.onnx}",
            "$.spec.model.version: does not match the regex pattern"),
        Arguments.of(
            "negative gpus",
            MODEL + "serving: {gpus: -1}",
            "$.spec.serving.gpus: must have a minimum value of 0"),
        Arguments.of(
            "too many replicas",
            MODEL + "serving: {replicas: 5000}",
            "$.spec.serving.replicas: must have a maximum value of 1000"),
        Arguments.of(
            "unknown execution provider",
            MODEL + "serving: {executionProvider: tpu}",
            "$.spec.serving.executionProvider: does not have a value in the enumeration [\"auto\", \"cpu\", \"cuda\"]"),
        Arguments.of(
            "duration without unit",
            MODEL + "serving: {batching: {maxQueueDelay: '2'}}",
            "$.spec.serving.batching.maxQueueDelay: does not match the regex pattern ^[0-9]+(ms|s|m|h)$"),
        Arguments.of(
            "misspelt field",
            MODEL + "serving: {replica: 2}",
            "$.spec.serving: property 'replica' is not defined in the schema"),
        Arguments.of(
            "unknown task",
            MODEL + "monitoring: {task: ranking}",
            "$.spec.monitoring.task: does not have a value in the enumeration"),
        Arguments.of(
            "error rate above 1",
            MODEL + "monitoring: {slo: {maxErrorRate: 1.5}}",
            "$.spec.monitoring.slo.maxErrorRate: must have a maximum value of 1"),
        Arguments.of(
            "objective hold without unit",
            MODEL + "monitoring: {slo: {for: '5', maxDrift: 0.2}}",
            "$.spec.monitoring.slo.for: does not match the regex pattern ^[0-9]+(ms|s|m|h)$"),
        Arguments.of(
            "step weight above 100",
            MODEL + "rollout: {steps: [{weight: 150, duration: 1m}]}",
            "$.spec.rollout.steps[0].weight: must have a maximum value of 100"),
        Arguments.of(
            "step without duration",
            MODEL + "rollout: {steps: [{weight: 10}]}",
            "$.spec.rollout.steps[0]: required property 'duration' not found"),
        Arguments.of(
            "eleven steps",
            MODEL
                + "rollout: {steps: ["
                + "{weight: 1, duration: 1m}, ".repeat(10)
                + "{weight: 2, duration: 1m}]}",
            "$.spec.rollout.steps: must have at most 10 items"),
        Arguments.of(
            "confidence too low",
            MODEL + "rollout: {analysis: {confidence: 0.3}}",
            "$.spec.rollout.analysis.confidence: must have a minimum value of 0.5"),
        Arguments.of(
            "steps not increasing (CEL)",
            MODEL
                + "rollout: {steps: [{weight: 10, duration: 1m}, {weight: 50, duration: 1m}, {weight: 50, duration: 1m}]}",
            "$.spec.rollout.steps: rollout.steps weights must be strictly increasing"),
        Arguments.of(
            "cuda without gpus (CEL)",
            MODEL + "serving: {executionProvider: cuda}",
            "$.spec.serving: serving.executionProvider 'cuda' needs serving.gpus > 0"),
        Arguments.of(
            "gateway-api without route (CEL)",
            MODEL + "rollout: {traffic: {router: gateway-api}}",
            "$.spec.rollout.traffic: rollout.traffic.router gateway-api needs rollout.traffic.httpRouteRef"),
        Arguments.of(
            "route in another namespace (CEL)",
            MODEL
                + "rollout: {traffic: {router: gateway-api, httpRouteRef: {name: r, namespace: other}}}",
            "$.spec.rollout.traffic.httpRouteRef: rollout.traffic.httpRouteRef.namespace: the HTTPRoute"
                + " must be in the ModelDeployment's own namespace"),
        Arguments.of(
            "pvc path leaving its claim (CEL)",
            """
            model:
              version: "7"
              uri: pvc://models/fraud/../../etc/model.onnx
            """,
            "$.spec.model: model.uri: a pvc:// path may not contain '..' segments"),
        Arguments.of(
            "credentials for a mounted claim (CEL)",
            """
            model:
              version: "7"
              uri: pvc://models/fraud/model.onnx
              credentialsSecret: store-creds
            """,
            "$.spec.model: model.credentialsSecret: a pvc:// model is mounted, not fetched"),
        Arguments.of(
            "credentials Secret that cannot name a Secret",
            """
            model:
              version: "7"
              uri: https://models.example.com/fraud/7/model.onnx
              credentialsSecret: Store_Creds
            """,
            "$.spec.model.credentialsSecret"),
        Arguments.of(
            "accuracy objective on regression (CEL)",
            MODEL + "monitoring: {task: regression, slo: {minAccuracy: 0.9}}",
            "$.spec.monitoring: monitoring.slo.minAccuracy needs a classification task"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSpecs")
  void isRefusedWithAMessageNamingTheField(String what, String spec, String expected) {
    assertThat(CRD.validate(resource(spec)))
        .as(what)
        .anySatisfy(error -> assertThat(error).startsWith(expected));
  }

  @Test
  void validSpecsPass() {
    assertThat(CRD.validate(resource(MODEL))).isEmpty();
    assertThat(
            CRD.validate(
                resource(
                    MODEL
                        + """
                serving: {replicas: 2, gpus: 1, executionProvider: cuda, nodeSelector: {pool: gpu}}
                monitoring: {task: regression, slo: {for: 10m, maxLatencyP99: 50ms, maxDrift: 0.2}}
                rollout:
                  steps: [{weight: 10, duration: 2m}, {weight: 50, duration: 5m}, {weight: 100, duration: 1m}]
                  traffic: {router: gateway-api, httpRouteRef: {name: fraud}}
                """)))
        .isEmpty();
  }

  @Test
  void aNameThatCannotNameAServiceIsRefused() {
    for (String name : List.of("fraud.v2", "a".repeat(64), "7fraud", "Fraud")) {
      assertThat(CRD.validate(resource(MODEL).replace("name: fraud", "name: " + name)))
          .as(name)
          .anySatisfy(
              error -> assertThat(error).startsWith("$: metadata.name must be a DNS label"));
    }
    assertThat(CRD.validate(resource(MODEL).replace("name: fraud", "name: fraud-v2"))).isEmpty();
  }

  @Test
  void shippedExampleIsValid() throws IOException {
    Path example = Path.of("..", "manifests", "examples", "cpu-model.yaml");
    assertThat(CRD.validate(Files.readString(example))).isEmpty();
  }
}

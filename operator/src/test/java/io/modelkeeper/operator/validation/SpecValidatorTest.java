package io.modelkeeper.operator.validation;

import static io.modelkeeper.operator.testing.TestModels.step;
import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.api.v1alpha1.ExecutionProvider;
import io.modelkeeper.api.v1alpha1.ModelDeploymentSpec;
import io.modelkeeper.api.v1alpha1.S3Spec;
import io.modelkeeper.api.v1alpha1.SloSpec;
import io.modelkeeper.api.v1alpha1.TrafficRouter;
import io.modelkeeper.operator.testing.TestModels;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class SpecValidatorTest {

  private static List<String> check(Consumer<ModelDeploymentSpec> change) {
    return SpecValidator.check(TestModels.model("fraud", "1", change).getSpec());
  }

  private static SloSpec slo(String holdFor) {
    SloSpec slo = new SloSpec();
    slo.setMaxDrift(0.2);
    slo.setHoldFor(holdFor);
    return slo;
  }

  @Test
  void validSpecPasses() {
    assertThat(check(spec -> spec.getRollout().setSteps(List.of(step(10, "2m"), step(50, "5m")))))
        .isEmpty();
  }

  @Test
  void s3SettingsAreCheckedNamingTheField() {
    assertThat(
            check(
                spec -> {
                  spec.getModel().setUri("s3://models/fraud/1/model.onnx");
                  spec.getModel().setS3(s3("https://minio.example:9000", "eu-central-1"));
                  spec.getServing().setServiceAccountName("fraud-reader");
                }))
        .isEmpty();
    assertThat(check(spec -> spec.getModel().setS3(s3(null, "eu-central-1"))))
        .containsExactly(
            "spec.model.s3: the S3 settings are for an s3:// spec.model.uri only; leave s3 out");
    assertThat(
            check(
                spec -> {
                  spec.getModel().setUri("s3://models/fraud/1/model.onnx");
                  spec.getModel().setS3(s3("http://key:secret@minio:9000", null));
                }))
        .singleElement()
        .asString()
        .startsWith("spec.model.s3.endpoint 'http://***@minio:9000' must be an http(s) URL")
        .doesNotContain("secret");
    assertThat(
            check(
                spec -> {
                  spec.getModel().setUri("s3://models/fraud/1/model.onnx");
                  spec.getModel().setS3(s3(null, "EU Central"));
                }))
        .singleElement()
        .asString()
        .startsWith("spec.model.s3.region 'EU Central' must be a region name");
    assertThat(check(spec -> spec.getModel().setUri("s3://x/model.onnx")))
        .singleElement()
        .asString()
        .startsWith(
            "spec.model.uri 's3://x/model.onnx' must be http(s)://..., s3://<bucket>/<key>");
    assertThat(check(spec -> spec.getServing().setServiceAccountName("Not_A_Name")))
        .singleElement()
        .asString()
        .startsWith("spec.serving.serviceAccountName 'Not_A_Name' must be the name of a");
  }

  private static S3Spec s3(String endpoint, String region) {
    S3Spec s3 = new S3Spec();
    s3.setEndpoint(endpoint);
    s3.setRegion(region);
    return s3;
  }

  @Test
  void whatATenantCouldReachOutsideItsNamespaceIsRefused() {
    assertThat(check(spec -> spec.getModel().setUri("pvc://models/a/../../b/model.onnx")))
        .singleElement()
        .asString()
        .contains("spec.model.uri")
        .contains("'..'");
    assertThat(
            check(
                spec -> {
                  spec.getRollout().getTraffic().setRouter(TrafficRouter.GATEWAY_API);
                  var ref = new io.modelkeeper.api.v1alpha1.HttpRouteRef();
                  ref.setName("shared");
                  ref.setNamespace("other-team");
                  spec.getRollout().getTraffic().setHttpRouteRef(ref);
                }))
        .singleElement()
        .asString()
        .contains("spec.rollout.traffic.httpRouteRef.namespace");
    assertThat(check(spec -> spec.getModel().setUri("https://u:s3cret@host/m.onnx?sig=x#f y")))
        .singleElement()
        .asString()
        .doesNotContain("s3cret")
        .doesNotContain("sig=x");
    assertThat(
            check(
                spec -> {
                  spec.getModel().setUri("pvc://models/fraud/model.onnx");
                  spec.getModel().setCredentialsSecret("store-creds");
                }))
        .singleElement()
        .asString()
        .contains("spec.model.credentialsSecret");
  }

  @Test
  void fetchSizesAndTheReferenceChecksumAreChecked() {
    assertThat(
            check(
                spec -> {
                  var fetch = new io.modelkeeper.api.v1alpha1.FetchSpec();
                  fetch.setModelVolumeSize("lots");
                  spec.getServing().setFetch(fetch);
                }))
        .singleElement()
        .asString()
        .contains("spec.serving.fetch.modelVolumeSize 'lots'");
    assertThat(check(spec -> spec.getModel().setReferenceSha256("abc")))
        .singleElement()
        .asString()
        .contains("spec.model.referenceSha256");
  }

  @Test
  void explanationSettingsTheApiServerDidNotCheckAreRefusedNamingTheField() {
    assertThat(
            check(
                spec -> {
                  var explanations = new io.modelkeeper.api.v1alpha1.ExplanationsSpec();
                  explanations.setLiveRate(1.5);
                  spec.getMonitoring().setExplanations(explanations);
                }))
        .singleElement()
        .asString()
        .contains("spec.monitoring.explanations.liveRate 1.5");
    assertThat(
            check(
                spec -> {
                  var explanations = new io.modelkeeper.api.v1alpha1.ExplanationsSpec();
                  explanations.setFeatureNames(List.of("amount", "age,years"));
                  spec.getMonitoring().setExplanations(explanations);
                }))
        .singleElement()
        .asString()
        .contains("spec.monitoring.explanations.featureNames[1]");
  }

  @Test
  void aNameThatCannotNameAServiceIsRefusedNamingTheField() {
    var md = TestModels.model("fraud", "1");
    md.getMetadata().setName("fraud.v2");
    assertThat(SpecValidator.validate(md).problems())
        .singleElement()
        .asString()
        .startsWith("metadata.name 'fraud.v2' must be a DNS label");
  }

  @Test
  void eachRuleNamesItsField() {
    assertThat(check(spec -> spec.getModel().setUri("ftp://host/model.onnx")))
        .singleElement()
        .asString()
        .contains("spec.model.uri");
    assertThat(check(spec -> spec.getModel().setSha256("abc")))
        .singleElement()
        .asString()
        .contains("spec.model.sha256");
    assertThat(check(spec -> spec.getServing().setGpus(-1)))
        .singleElement()
        .asString()
        .contains("spec.serving.gpus");
    assertThat(check(spec -> spec.getServing().setExecutionProvider(ExecutionProvider.CUDA)))
        .singleElement()
        .asString()
        .contains("spec.serving.gpus > 0");
    assertThat(check(spec -> spec.getServing().getBatching().setMaxQueueDelay("2 ms")))
        .singleElement()
        .asString()
        .contains("spec.serving.batching.maxQueueDelay");
    assertThat(check(spec -> spec.getMonitoring().setSlo(slo("five minutes"))))
        .singleElement()
        .asString()
        .isEqualTo(
            "spec.monitoring.slo.for 'five minutes' must be a duration like"
                + " 500ms, 30s, 2m or 1h");
    assertThat(check(spec -> spec.getRollout().setSteps(List.of(step(50, "1m"), step(10, "1m")))))
        .singleElement()
        .asString()
        .contains("strictly increasing");
    assertThat(check(spec -> spec.getRollout().getTraffic().setRouter(TrafficRouter.GATEWAY_API)))
        .singleElement()
        .asString()
        .contains("httpRouteRef");
    assertThat(check(spec -> spec.getModel().setUri(null)))
        .singleElement()
        .asString()
        .contains("spec.model.version and spec.model.uri are required");
  }
}

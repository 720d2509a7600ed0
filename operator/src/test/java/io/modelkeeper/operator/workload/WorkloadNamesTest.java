package io.modelkeeper.operator.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.operator.testing.TestModels;
import org.junit.jupiter.api.Test;

class WorkloadNamesTest {

  private static final ModelVersion SEVEN =
      new ModelVersion("7", "https://models.example.com/fraud/7.onnx", null);

  @Test
  void aDeploymentIsNamedByModelVersionAndRevision() {
    assertThat(WorkloadNames.deployment(TestModels.model("fraud", "7"), SEVEN))
        .isEqualTo("fraud-7-" + SEVEN.revision())
        .matches("fraud-7-[0-9a-f]{8}");
  }

  @Test
  void theHeadlessServiceOfAModelWithALongNameStaysAValidDnsLabel() {
    String longName = "m".repeat(60);
    String other = "m".repeat(59) + "n";

    assertThat(WorkloadNames.podsService(TestModels.model("fraud", "7"))).isEqualTo("fraud-pods");
    assertThat(WorkloadNames.podsService(TestModels.model(longName, "7")))
        .hasSizeLessThanOrEqualTo(63)
        .endsWith("-pods")
        .isNotEqualTo(WorkloadNames.podsService(TestModels.model(other, "7")));
  }

  @Test
  void theRevisionIsAStableHashOfVersionUriAndSha256() {
    assertThat(SEVEN.revision())
        .as("the same on every operator, before and after restarts")
        .isEqualTo(
            new ModelVersion("7", "https://models.example.com/fraud/7.onnx", null).revision())
        .isEqualTo("8cd787bd");
    assertThat(new ModelVersion("7", "https://models.example.com/fraud/7.onnx", "").revision())
        .as("a blank sha256 is no sha256")
        .isEqualTo(SEVEN.revision());
  }

  @Test
  void aNewUriOrSha256UnderTheSameVersionIsAnotherRevisionAndAnotherDeployment() {
    var md = TestModels.model("fraud", "7");
    var retrained =
        new ModelVersion("7", "https://models.example.com/fraud/7-retrained.onnx", null);
    var pinned = new ModelVersion("7", SEVEN.uri(), "a".repeat(64));
    assertThat(retrained.revision()).isNotEqualTo(SEVEN.revision());
    assertThat(pinned.revision()).isNotEqualTo(SEVEN.revision()).isNotEqualTo(retrained.revision());
    assertThat(WorkloadNames.deployment(md, retrained))
        .startsWith("fraud-7-")
        .isNotEqualTo(WorkloadNames.deployment(md, SEVEN))
        .isNotEqualTo(WorkloadNames.deployment(md, pinned));
  }

  @Test
  void versionsThatAreNoDnsLabelAreSanitisedAndTheRevisionKeepsThemApart() {
    var md = TestModels.model("fraud", "1");
    String dotted = WorkloadNames.deployment(md, new ModelVersion("1.0", "file:///m.onnx", null));
    String dashed = WorkloadNames.deployment(md, new ModelVersion("1-0", "file:///m.onnx", null));
    assertThat(dotted).matches("fraud-1-0-[0-9a-f]{8}");
    assertThat(dashed).matches("fraud-1-0-[0-9a-f]{8}").isNotEqualTo(dotted);
    assertThat(WorkloadNames.deployment(md, new ModelVersion("V2", "file:///m.onnx", null)))
        .matches("fraud-v2-[0-9a-f]{8}");
  }

  @Test
  void longNamesAreCutToADnsLabelKeepingTheWholeRevision() {
    var md = TestModels.model("a".repeat(50), "1");
    var model = new ModelVersion("2024-06-01-retrained-on-fresh-data", "file:///m.onnx", null);
    String name = WorkloadNames.deployment(md, model);
    assertThat(name)
        .hasSizeLessThanOrEqualTo(63)
        .matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")
        .endsWith("-" + model.revision());
  }

  @Test
  void endpointUsesTheModelName() {
    var md = TestModels.model("fraud", "1", spec -> spec.getModel().setName("fraud-v2"));
    assertThat(WorkloadNames.endpoint(md))
        .isEqualTo("http://fraud.ml.svc.cluster.local/v2/models/fraud-v2");
  }
}

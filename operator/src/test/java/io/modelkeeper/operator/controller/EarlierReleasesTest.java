package io.modelkeeper.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.operator.observe.ObservedWorkloads;
import io.modelkeeper.operator.testing.TestModels;
import io.modelkeeper.operator.testing.TestWorkloads;
import io.modelkeeper.operator.workload.Arm;
import io.modelkeeper.operator.workload.EarlierReleases;
import io.modelkeeper.operator.workload.ModelServerDeployment;
import io.modelkeeper.operator.workload.ModelVersion;
import io.modelkeeper.operator.workload.WorkloadLabels;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Deployments and pods made before revisions, met by an upgraded operator. */
class EarlierReleasesTest {

  private final ModelDeployment md = TestModels.model("fraud", "2");
  private final ModelVersion one = TestWorkloads.file("1");
  private final ModelVersion two = TestWorkloads.file("2");

  private Deployment unrevisioned(ModelVersion model) {
    return TestWorkloads.earlierRelease(md, model, 2);
  }

  @Test
  void anUnrevisionedDeploymentAndItsPodsAreTheRevisionStatusRecordsForTheirVersion() {
    Deployment stable = unrevisioned(one);
    Deployment canary = unrevisioned(two);
    var observed =
        ObservedWorkloads.of(
            List.of(stable, canary), List.of(pod(stable), pod(canary)), List.of(one, two));

    assertThat(observed.deployment(one)).isSameAs(stable);
    assertThat(observed.deployment(two)).as("a canary running across the upgrade").isSameAs(canary);
    assertThat(observed.deploymentName(md, one)).isEqualTo("fraud-1");
    assertThat(observed.podsOf(one)).hasSize(1);
    assertThat(observed.podsOf(two)).hasSize(1);
  }

  @Test
  void aNewFileUnderTheSameVersionDoesNotTakeTheOldPods() {
    ModelVersion retrained = new ModelVersion("1", "https://models.example.com/1-retrained", null);
    Deployment elder = unrevisioned(one);
    Deployment canary =
        ModelServerDeployment.desired(md, retrained, Arm.CANARY, 1, TestModels.config());
    var observed =
        ObservedWorkloads.of(
            List.of(elder, canary),
            List.of(pod(elder), pod(canary), pod(canary)),
            List.of(one, retrained, retrained));

    assertThat(observed.deployment(one)).isSameAs(elder);
    assertThat(observed.deployment(retrained)).isSameAs(canary);
    assertThat(observed.podsOf(one)).hasSize(1);
    assertThat(observed.podsOf(retrained)).hasSize(2);
  }

  @Test
  void anUnrevisionedDeploymentOfNoKnownRevisionIsKeptApartSoItIsDrained() {
    var observed = ObservedWorkloads.of(List.of(unrevisioned(one)), List.of(), List.of(two));
    assertThat(observed.deployment(one)).isNull();
    assertThat(observed.deployments()).hasSize(1);
  }

  @Test
  void adoptionKeepsNameSelectorAndPodLabelsAndLabelsTheDeploymentWithItsRevision() {
    Deployment elder = unrevisioned(one);
    Deployment desired = ModelServerDeployment.desired(md, one, Arm.STABLE, 2, TestModels.config());

    Deployment adopted = EarlierReleases.adopt(desired, elder);

    assertThat(adopted.getMetadata().getName()).isEqualTo("fraud-1");
    assertThat(adopted.getSpec().getSelector()).isEqualTo(elder.getSpec().getSelector());
    assertThat(adopted.getSpec().getTemplate().getMetadata().getLabels())
        .isEqualTo(elder.getSpec().getTemplate().getMetadata().getLabels());
    assertThat(adopted.getMetadata().getLabels())
        .containsEntry(WorkloadLabels.REVISION, one.revision());
  }

  @Test
  void aRevisionedDeploymentIsLeftAsDesired() {
    Deployment current = ModelServerDeployment.desired(md, one, Arm.STABLE, 2, TestModels.config());
    Deployment desired = ModelServerDeployment.desired(md, one, Arm.STABLE, 3, TestModels.config());
    assertThat(
            EarlierReleases.adopt(desired, current)
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getLabels())
        .containsEntry(WorkloadLabels.REVISION, one.revision());
  }

  private static Pod pod(Deployment deployment) {
    return new PodBuilder()
        .withNewMetadata()
        .withGenerateName(deployment.getMetadata().getName())
        .withLabels(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .endMetadata()
        .build();
  }
}

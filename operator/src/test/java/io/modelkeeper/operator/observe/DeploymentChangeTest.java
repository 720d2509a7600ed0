package io.modelkeeper.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import org.junit.jupiter.api.Test;

class DeploymentChangeTest {

  private final Deployment ready =
      new DeploymentBuilder()
          .withNewMetadata()
          .withName("fraud-1")
          .withGeneration(2L)
          .withResourceVersion("10")
          .addToLabels("modelkeeper.io/revision", "1")
          .endMetadata()
          .withNewSpec()
          .withReplicas(2)
          .endSpec()
          .withNewStatus()
          .withReplicas(2)
          .withReadyReplicas(2)
          .withUpdatedReplicas(2)
          .withAvailableReplicas(2)
          .withObservedGeneration(2L)
          .addToConditions(
              new DeploymentConditionBuilder()
                  .withType("Progressing")
                  .withLastUpdateTime("2026-01-01T00:00:00Z")
                  .build())
          .endStatus()
          .build();

  @Test
  void conditionTimesAndResourceVersionAloneDoNotMatter() {
    Deployment churned =
        new DeploymentBuilder(ready)
            .editMetadata()
            .withResourceVersion("11")
            .endMetadata()
            .editStatus()
            .editFirstCondition()
            .withLastUpdateTime("2026-01-01T00:00:05Z")
            .endCondition()
            .endStatus()
            .build();

    assertThat(DeploymentChange.matters(ready, churned)).isFalse();
  }

  @Test
  void readinessSpecLabelsAndDeletionMatter() {
    assertThat(
            DeploymentChange.matters(
                ready,
                new DeploymentBuilder(ready).editStatus().withReadyReplicas(1).endStatus().build()))
        .isTrue();
    assertThat(
            DeploymentChange.matters(
                ready,
                new DeploymentBuilder(ready)
                    .editStatus()
                    .withObservedGeneration(1L)
                    .endStatus()
                    .build()))
        .isTrue();
    assertThat(
            DeploymentChange.matters(
                ready,
                new DeploymentBuilder(ready)
                    .editMetadata()
                    .withGeneration(3L)
                    .endMetadata()
                    .build()))
        .isTrue();
    assertThat(
            DeploymentChange.matters(
                ready,
                new DeploymentBuilder(ready)
                    .editMetadata()
                    .addToLabels("modelkeeper.io/revision", "edited")
                    .endMetadata()
                    .build()))
        .isTrue();
    assertThat(
            DeploymentChange.matters(
                ready,
                new DeploymentBuilder(ready)
                    .editMetadata()
                    .withDeletionTimestamp("2026-01-01T00:01:00Z")
                    .endMetadata()
                    .build()))
        .isTrue();
    assertThat(
            DeploymentChange.matters(ready, new DeploymentBuilder(ready).withStatus(null).build()))
        .isTrue();
  }
}

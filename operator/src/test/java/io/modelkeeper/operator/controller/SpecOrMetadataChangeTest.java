package io.modelkeeper.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelDeploymentStatus;
import io.modelkeeper.api.v1alpha1.Phase;
import io.modelkeeper.operator.testing.TestModels;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecOrMetadataChangeTest {

  private final SpecOrMetadataChange filter = new SpecOrMetadataChange();

  @Test
  void anAnnotationOrASpecEditStartsAReconcileAStatusWriteAloneDoesNot() {
    ModelDeployment before = TestModels.model("fraud", "1");
    before.getMetadata().setGeneration(3L);

    ModelDeployment annotated = copy(before);
    annotated.getMetadata().setAnnotations(Map.of("modelkeeper.io/promote", "now"));
    ModelDeployment edited = copy(before);
    edited.getMetadata().setGeneration(4L);
    ModelDeployment statusOnly = copy(before);
    statusOnly.setStatus(new ModelDeploymentStatus());
    statusOnly.getStatus().setPhase(Phase.Ready);
    statusOnly.getMetadata().setResourceVersion("99");

    assertThat(filter.accept(annotated, before)).isTrue();
    assertThat(filter.accept(edited, before)).isTrue();
    assertThat(filter.accept(statusOnly, before)).isFalse();
  }

  private static ModelDeployment copy(ModelDeployment md) {
    return io.fabric8.kubernetes.client.utils.Serialization.clone(md);
  }
}

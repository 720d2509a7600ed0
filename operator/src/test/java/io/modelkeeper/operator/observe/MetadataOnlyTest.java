package io.modelkeeper.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelDeploymentStatus;
import io.modelkeeper.operator.testing.TestModels;
import org.junit.jupiter.api.Test;

class MetadataOnlyTest {

  @Test
  void keepsNameAndVersionButNotSpecOrStatus() {
    ModelDeployment md = TestModels.model("fraud", "1");
    md.getMetadata().setResourceVersion("42");
    md.setStatus(new ModelDeploymentStatus());
    MetadataOnly<ModelDeployment> store = new MetadataOnly<>();

    store.put(store.getKey(md), md);

    ModelDeployment cached = store.get(TestModels.NAMESPACE + "/fraud");
    assertThat(cached.getMetadata().getName()).isEqualTo("fraud");
    assertThat(cached.getMetadata().getResourceVersion()).isEqualTo("42");
    assertThat(cached.getSpec()).isNull();
    assertThat(cached.getStatus()).isNull();
  }
}

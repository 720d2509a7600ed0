package io.modelkeeper.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

class WithoutManagedFieldsTest {

  @Test
  void keepsTheObjectButNotWhoSetWhichField() {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("fraud-1-abc")
            .withNamespace("ml")
            .addToLabels("modelkeeper.io/deployment", "fraud")
            .withManagedFields(
                new ManagedFieldsEntryBuilder()
                    .withManager("kubelet")
                    .withOperation("Update")
                    .build())
            .endMetadata()
            .withNewStatus()
            .withPhase("Running")
            .endStatus()
            .build();
    WithoutManagedFields<Pod> store = new WithoutManagedFields<>();

    store.put(store.getKey(pod), pod);

    Pod cached = store.get("ml/fraud-1-abc");
    assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(cached.getMetadata().getLabels())
        .containsEntry("modelkeeper.io/deployment", "fraud");
    assertThat(cached.getStatus().getPhase()).isEqualTo("Running");
  }
}

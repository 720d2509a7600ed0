package io.modelkeeper.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import org.junit.jupiter.api.Test;

class CompactStoreTest {

  private static final KubernetesSerialization JSON = new KubernetesSerialization();

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
    CompactStore<Pod> store = new CompactStore<>();

    store.put(store.getKey(pod), pod);

    Pod cached = store.get("ml/fraud-1-abc");
    assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(cached.getMetadata().getLabels())
        .containsEntry("modelkeeper.io/deployment", "fraud");
    assertThat(cached.getStatus().getPhase()).isEqualTo("Running");
  }

  @Test
  void aModelPodIsKeptWithoutItsSpec() {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("fraud-1-abc")
            .withNamespace("ml")
            .addToLabels("modelkeeper.io/deployment", "fraud")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("model-server")
            .addNewEnv()
            .withName("MODELKEEPER_MODEL_URI")
            .withValue("s3://models/fraud.onnx")
            .endEnv()
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .withPodIP("10.0.0.7")
            .addNewContainerStatus()
            .withName("model-server")
            .withReady(true)
            .withRestartCount(2)
            .endContainerStatus()
            .endStatus()
            .build();
    PodsWithoutSpec store = new PodsWithoutSpec();

    store.put(store.getKey(pod), pod);

    Pod cached = store.get("ml/fraud-1-abc");
    assertThat(cached.getSpec()).isNull();
    assertThat(cached.getMetadata().getLabels())
        .containsEntry("modelkeeper.io/deployment", "fraud");
    assertThat(cached.getStatus().getPodIP()).isEqualTo("10.0.0.7");
    assertThat(cached.getStatus().getContainerStatuses())
        .singleElement()
        .satisfies(
            status -> {
              assertThat(status.getReady()).isTrue();
              assertThat(status.getRestartCount()).isEqualTo(2);
            });
  }

  @Test
  void aCompactedDeploymentSaysWhatTheServerSent() {
    String sent = JSON.asJson(deployment("fraud"));
    Deployment compacted = JSON.unmarshal(sent, Deployment.class);
    CompactStore<Deployment> store = new CompactStore<>();

    store.put(store.getKey(compacted), compacted);

    Deployment asRead = JSON.unmarshal(sent, Deployment.class);
    assertThat(compacted).isEqualTo(asRead);
    assertThat(JSON.asJson(compacted)).isEqualTo(JSON.asJson(asRead));
    assertThat(JSON.asJson(JSON.clone(compacted))).isEqualTo(sent);
  }

  @Test
  void whatTwoObjectsRepeatIsHeldOnce() {
    Service first = JSON.unmarshal(JSON.asJson(service("fraud")), Service.class);
    Service second = JSON.unmarshal(JSON.asJson(service("churn")), Service.class);
    assertThat(first.getAdditionalProperties()).isNotSameAs(second.getAdditionalProperties());
    CompactStore<Service> store = new CompactStore<>();

    store.put(store.getKey(first), first);
    store.put(store.getKey(second), second);

    assertThat(first.getAdditionalProperties()).isEmpty();
    assertThat(first.getAdditionalProperties())
        .isSameAs(second.getAdditionalProperties())
        .isSameAs(first.getSpec().getPorts().get(0).getAdditionalProperties());
    assertThat(first.getSpec().getExternalIPs()).isEmpty();
    assertThat(first.getSpec().getExternalIPs()).isSameAs(second.getSpec().getExternalIPs());
    assertThat(first.getSpec().getPorts().get(0).getProtocol())
        .isSameAs(second.getSpec().getPorts().get(0).getProtocol());
    assertThat(first.getMetadata().getLabels().get("app.kubernetes.io/managed-by"))
        .isSameAs(second.getMetadata().getLabels().get("app.kubernetes.io/managed-by"));
    assertThat(first.getMetadata().getLabels().keySet().iterator().next())
        .isSameAs(second.getMetadata().getLabels().keySet().iterator().next());
  }

  @Test
  void aCustomResourceKeepsItsSpecAsItIsAndItsStatusCompact() {
    String sent =
        """
        {"apiVersion":"modelkeeper.io/v1alpha1","kind":"ModelDeployment",
         "metadata":{"name":"fraud","namespace":"ml","labels":{"team":"risk"}},
         "spec":{"model":{"version":"1","uri":"s3://models/fraud.onnx"},"typo":"kept"},
         "status":{"phase":"Ready","conditions":[{"type":"Ready","status":"True",
           "reason":"Available","lastTransitionTime":"2026-12-03T10:00:00Z"}]}}
        """;
    ModelDeployment compacted = JSON.unmarshal(sent, ModelDeployment.class);
    CompactStore<ModelDeployment> store = new CompactStore<>();

    store.put(store.getKey(compacted), compacted);

    ModelDeployment asRead = JSON.unmarshal(sent, ModelDeployment.class);
    assertThat(JSON.asJson(compacted)).isEqualTo(JSON.asJson(asRead));
    assertThat(compacted.getSpec().unknownFields()).containsEntry("typo", "kept");
    assertThat(compacted.getMetadata().getAnnotations()).isEmpty();
    assertThat(compacted.getMetadata().getLabels().get("team")).isSameAs("risk");
    assertThat(compacted.getStatus().getConditions().get(0).getReason()).isSameAs("Available");
    assertThat(compacted.getStatus().getConditions().get(0).getAdditionalProperties())
        .isSameAs(compacted.getMetadata().getAdditionalProperties());
  }

  private static Deployment deployment(String name) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("ml")
        .addToLabels("app.kubernetes.io/managed-by", "modelkeeper")
        .addToLabels("modelkeeper.io/deployment", name)
        .endMetadata()
        .withNewSpec()
        .withReplicas(2)
        .withNewSelector()
        .addToMatchLabels("modelkeeper.io/deployment", name)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("modelkeeper.io/deployment", name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("model-server")
        .withImage("ghcr.io/modelkeeper/model-server:0.1.0")
        .addNewEnv()
        .withName("MODELKEEPER_MODEL_URI")
        .withValue("s3://models/" + name + ".onnx")
        .endEnv()
        .addNewPort()
        .withContainerPort(8080)
        .withName("http")
        .endPort()
        .withNewResources()
        .addToLimits("memory", new io.fabric8.kubernetes.api.model.Quantity("512Mi"))
        .endResources()
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .withNewStatus()
        .withReadyReplicas(2)
        .endStatus()
        .build();
  }

  private static Service service(String name) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("ml")
        .addToLabels("app.kubernetes.io/managed-by", "modelkeeper")
        .endMetadata()
        .withNewSpec()
        .addToSelector("modelkeeper.io/deployment", name)
        .addNewPort()
        .withName("http")
        .withPort(80)
        .withProtocol("TCP")
        .withNewTargetPort("http")
        .endPort()
        .endSpec()
        .build();
  }
}

package io.modelkeeper.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.operator.testing.CrdInMockServer;
import io.modelkeeper.operator.testing.TestCluster;
import io.modelkeeper.operator.testing.TestModels;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A ModelDeployment with a field this operator does not know (a typo applied without validation, or
 * a newer CRD than the operator) stops neither its own reconcile nor anyone else's, and its status
 * names the field.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = CrdInMockServer.class)
class UnknownFieldsOperatorTest {

  private static final Duration WAIT = Duration.ofSeconds(40);
  private static final ResourceDefinitionContext MODEL_DEPLOYMENTS =
      ResourceDefinitionContext.fromResourceType(ModelDeployment.class);

  @Inject KubernetesClient client;

  @Test
  void aTypoedFieldIsIgnoredNamedInStatusAndEveryOtherModelIsReconciled() {
    TestCluster cluster = new TestCluster(client);
    GenericKubernetesResource typo =
        client
            .getKubernetesSerialization()
            .convertValue(TestModels.model("typo", "1"), GenericKubernetesResource.class);
    @SuppressWarnings("unchecked")
    Map<String, Object> serving =
        (Map<String, Object>)
            ((Map<String, Object>) typo.getAdditionalProperties().get("spec")).get("serving");
    serving.put("replcas", 3);
    client
        .genericKubernetesResources(MODEL_DEPLOYMENTS)
        .inNamespace(TestModels.NAMESPACE)
        .resource(typo)
        .create();
    cluster.models().resource(TestModels.model("neighbour", "1")).create();

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(cluster.deployment(TestModels.deploymentName("neighbour", "1")).get())
                  .as("the other ModelDeployment is reconciled")
                  .isNotNull();
              assertThat(cluster.deployment(TestModels.deploymentName("typo", "1")).get())
                  .as("the typo'd one too, with the unknown field ignored")
                  .isNotNull();
            });
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              ModelDeployment md = cluster.model("typo");
              assertThat(md.getStatus().getUnknownFields()).containsExactly("spec.serving.replcas");
              assertThat(cluster.events("typo")).contains("UnknownFields");
            });
  }
}
